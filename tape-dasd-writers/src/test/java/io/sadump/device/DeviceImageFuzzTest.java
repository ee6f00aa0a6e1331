package io.sadump.device;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sadump.device.ckd.CkdDeviceHeader;
import io.sadump.device.ckd.CkdGeometry;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpParmTail;
import io.sadump.device.dumptool.IplRecord;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeDumpFile;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz targets for the device images sadump reads from outside: a Hercules CKD image (device header,
 * geometry, track layout, the dump tool and its parameters, the multi-volume table) and an AWSTAPE
 * image (the chunk chain and its back-pointers, the tool file, the dump file). The drivers may
 * refuse with a {@link DeviceException}; any other exception, or a hang, is a finding. Inputs under
 * {@code DeviceImageFuzzTestInputs/} are replayed by every {@code mvn verify}.
 */
class DeviceImageFuzzTest {
    private static final Path DIR = scratchDirectory();
    private static final Path IMAGE = DIR.resolve("fuzz.3390");
    private static final Path TAPE = DIR.resolve("fuzz.aws");
    private static final int CYLINDER_BYTES = CkdGeometry.HEADS * CkdGeometry.TRACK_SIZE;
    /** The device header of a one-cylinder 3390 image, as sadump and Hercules write it. */
    private static final byte[] ONE_CYLINDER_HEADER = oneCylinderHeader();

    private static Path scratchDirectory() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "sadump-fuzz")
                    : Files.createTempDirectory("sadump-fuzz");
            removeAtExit(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] oneCylinderHeader() {
        try {
            Path p = DIR.resolve("header.3390");
            EckdDasd.create(p, 1, "FUZZ01").close();
            byte[] h = Arrays.copyOf(Files.readAllBytes(p), CkdDeviceHeader.SIZE);
            Files.delete(p);
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The input is the whole image file: header and geometry checks. */
    @FuzzTest
    void ckdImage(byte[] data) throws IOException {
        Files.write(IMAGE, data);
        readDasd();
    }

    /** The input is the body of a one-cylinder image with a good header: track layout, tool, table. */
    @FuzzTest
    void ckdTracks(byte[] data) throws IOException {
        byte[] image = new byte[CkdDeviceHeader.SIZE + CYLINDER_BYTES];
        System.arraycopy(ONE_CYLINDER_HEADER, 0, image, 0, CkdDeviceHeader.SIZE);
        System.arraycopy(data, 0, image, CkdDeviceHeader.SIZE, Math.min(data.length, CYLINDER_BYTES));
        Files.write(IMAGE, image);
        readDasd();
    }

    private static void readDasd() {
        try (EckdDasd dasd = EckdDasd.open(IMAGE, false)) {
            DumpDevicePreparer.inspect(dasd);
            dasd.volser();
            for (int t = 0; t < dasd.geometry().tracks() && t < 2 * CkdGeometry.HEADS; t++) {
                int track = t;
                readQuietly(() -> dasd.readTrack(track));
            }
            EckdExtent part = dasd.dumpPartition();
            byte[] buf = new byte[part.blockSize()];
            for (long b = 0; b < Math.min(part.blockCount(), 64); b++) {
                long block = b;
                readQuietly(() -> part.read(block * buf.length, buf, 0, buf.length));
            }
        } catch (DeviceException refused) {
            // the image or a track is damaged: refused with its message
        }
    }

    /** A damaged track refuses one read; the next read goes on. */
    private interface DeviceRead {
        void run() throws IOException;
    }

    private static void readQuietly(DeviceRead read) throws DeviceException {
        try {
            read.run();
        } catch (DeviceException refused) {
            // this track or block is damaged
        } catch (IOException e) {
            throw new AssertionError("a device read threw " + e.getClass().getName() + ", not a DeviceException", e);
        }
    }

    /** The input is an AWSTAPE image: the chain, the tool file, the dump file, back-spacing. */
    @FuzzTest
    void awsTape(byte[] data) throws IOException {
        Files.write(TAPE, data);
        TapeDrive drive = new TapeDrive("0.0.0580");
        try {
            drive.mount(TAPE, TapeDrive.DEFAULT_CAPACITY, false);
            DumpDevicePreparer.inspect(drive);
            while (drive.forwardSpaceFile()) {
                // to the end of the data
            }
            while (drive.backSpaceFile()) {
                // back to the load point
            }
            drive.unmount();
        } catch (DeviceException refused) {
            // a damaged chain
            drive.unmount();
        }
        try (TapeDumpFile file = TapeDrive.mountDumpFile(TAPE, "0.0.0580", b -> b.length >= 4096)) {
            byte[] block = new byte[8192];
            // each chunk has a 6-byte header, so the file holds at most this many blocks and marks
            long limit = data.length / 6 + 2;
            for (long i = 0; i < limit; i++) {
                if (file.readBlock(block) == TapeBlockSource.END_OF_DATA) {
                    break;
                }
            }
            file.seekBlock(0);
            file.readBlock(block);
        } catch (DeviceException refused) {
            // a damaged chain, or no dump file
        }
    }

    /** The table is read from a whole 4 KiB block of the tool track; its first 512 bytes count. */
    @FuzzTest
    void multiVolumeTable(byte[] data) {
        try {
            MultiVolumeTable.read(ByteBuffer.wrap(Arrays.copyOf(data, Math.max(data.length, MultiVolumeTable.SIZE))));
        } catch (IllegalArgumentException damaged) {
            // inspect reports "damaged multi-volume table: ..."
        }
        try {
            MultiVolumeTable.read(ByteBuffer.wrap(data));
        } catch (IllegalArgumentException damaged) {
            // a short table, or a damaged one
        }
    }

    @FuzzTest
    void dumpToolParameters(byte[] data) {
        try {
            DumpParmTail.read(ByteBuffer.wrap(data)).sizeLimit();
        } catch (IllegalArgumentException damaged) {
            // fewer than 16 bytes
        }
        try {
            IplRecord.read(ByteBuffer.wrap(data));
        } catch (IllegalArgumentException damaged) {
            // fewer than 24 bytes
        }
    }

    /** Removes a scratch tree when the test JVM ends: a temporary directory is not removed by itself. */
    private static void removeAtExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // best effort at JVM exit: what is left is in a temporary directory
            }
        }));
    }
}
