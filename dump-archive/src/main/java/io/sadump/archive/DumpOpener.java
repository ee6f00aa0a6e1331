package io.sadump.archive;

import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpMedium;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.tape.AwsChunkHeader;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeDumpFile;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Opens the dump in files, as zgetdump opens its input (docs/formats.md §10, {@code
 * zdump/dfi.c}): first the medium ({@link DumpMedium}: a Hercules 3390 CKD image, an AWSTAPE image, or
 * a plain file), then the format of the dump on it, recognised by the {@link DumpFormatRegistry}. The
 * volumes of a multi-volume set are put in order by {@link MultiVolumeAssembly}.
 *
 * <p>The result is returned even when the dump is incomplete ({@link ReadBackDump#complete()} false),
 * so that {@code -i} can show what is there. Files that hold no dump fail with a {@link
 * DumpFormatException} whose message names the file and says what it found.
 */
public final class DumpOpener {
    private DumpOpener() {}

    /** The largest tape block read to recognise a tape's dump (the dumpers write 32 KiB at most). */
    static final int TAPE_BLOCK_MAX = 64 << 10;

    /** Opens the dump in {@code files}: one file, or all volumes of a multi-volume set in any order. */
    public static OpenedDump open(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no dump given");
        }
        if (files.size() == 1) {
            return openOne(files.get(0));
        }
        for (Path f : files) {
            byte[] head = new byte[DumpFormatDescriptor.HEAD];
            if (!DumpMedium.isCkdImage(head, readHead(f, head))) {
                throw new DumpFormatException(f + ": several sources make a multi-volume dump, and each must be a 3390 "
                        + "CKD image; this one is not");
            }
        }
        return MultiVolumeAssembly.open(files);
    }

    /** What {@link OpenedDump#medium()} says of a dump read through {@link #open(DumpBlockSource, String)}. */
    public static final String OBJECT_MEDIUM = "object";

    /**
     * Opens the dump in bytes that are no local file (an object in object storage, read through a
     * seekable channel): a dump file of the registry's formats (s390, s390_ext, ELF, kdump). A 3390 CKD
     * image or an AWSTAPE image is refused with a message: their drivers read local files. The dump
     * owns {@code source} on success; on failure it is closed.
     */
    public static OpenedDump open(DumpBlockSource source, String name) throws IOException {
        try {
            byte[] head = new byte[DumpFormatDescriptor.HEAD];
            long size = source.size();
            if (size == 0) {
                throw new DumpFormatException(name + ": the object is empty: no dump found");
            }
            int n = (int) Math.min(head.length, size);
            source.read(0, head, 0, n);
            if (DumpMedium.isCkdImage(head, n) || AwsChunkHeader.startsAwsImage(head, n, size)) {
                throw new DumpFormatException(name + ": a " + (DumpMedium.isCkdImage(head, n) ? "3390 CKD" : "AWSTAPE")
                        + " image is read from a local file only; copy it here first, or archive it from the machine");
            }
            ReadBackDump d = DumpFormatRegistry.read(source, name, DumpMedium.FILE);
            return new OpenedDump(d, OBJECT_MEDIUM, List.of(), List.of(), Optional.of(source));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Reads the first bytes of a file into {@code head}; returns how many there are. */
    private static int readHead(Path file, byte[] head) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DumpFormatException(file + ": is a directory, not a dump");
        }
        if (Files.size(file) == 0) {
            throw new DumpFormatException(file + ": the file is empty: no dump found");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(head);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // fill
            }
            return bb.position();
        }
    }

    private static OpenedDump openOne(Path file) throws IOException {
        byte[] head = new byte[DumpFormatDescriptor.HEAD];
        int n = readHead(file, head);
        if (DumpMedium.isCkdImage(head, n)) {
            return openCkd(file);
        }
        Optional<DumpFormatDescriptor> format = DumpFormatRegistry.recognise(head, n, DumpMedium.FILE);
        if (format.isPresent()) {
            return single(format.get().readFile(file), DumpMedium.FILE, file);
        }
        long size = Files.size(file);
        if (AwsChunkHeader.startsAwsImage(head, n, size)) {
            return openTape(file);
        }
        throw new DumpFormatException(String.format("%s: no valid dump found (%d bytes; not a CKD image, an AWS tape, "
                + "or a dump of the formats %s: it starts with %s)", file, size, DumpFormatRegistry.names(),
                hex(head, Math.min(n, 8))));
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }

    /** The dump file of an AWSTAPE image, mounted read-only; closing it unmounts the tape. */
    private static TapeDumpFile mountTape(Path file) throws IOException {
        try {
            return TapeDrive.mountDumpFile(file, file.toString(), S390DumpHeader::isDumpHeader);
        } catch (DeviceException e) {
            throw new DumpFormatException(e.getMessage(), e);
        }
    }

    /** The tape's dump file, read block by block, in the format its first block says. */
    private static OpenedDump openTape(Path file) throws IOException {
        String name = file.toString();
        TapeDumpFile tape = mountTape(file);
        try {
            byte[] block = new byte[DumpFormatDescriptor.HEAD];
            byte[] first = new byte[TAPE_BLOCK_MAX];
            tape.seekBlock(0);
            int n = tape.readBlock(first);
            System.arraycopy(first, 0, block, 0, Math.max(0, Math.min(n, block.length)));
            Optional<DumpFormatDescriptor> format = n <= 0 ? Optional.empty()
                    : DumpFormatRegistry.recognise(block, Math.min(n, block.length), DumpMedium.AWS_TAPE);
            if (format.isEmpty()) {
                throw new DumpFormatException(String.format("%s: no valid dump found on tape (the dump file %s)", name,
                        n == TapeBlockSource.TAPEMARK ? "is empty" : n < 0 ? "is missing"
                                : "starts with " + hex(first, Math.min(n, 8))));
            }
            return single(format.get().readTape(tape, name), DumpMedium.AWS_TAPE, file);
        } catch (IOException | RuntimeException e) {
            tape.close();
            throw e;
        }
    }

    private static OpenedDump single(ReadBackDump d, DumpMedium medium, Path file) {
        return new OpenedDump(d, medium.label(), List.of(file),
                List.of(new DumpVolume(0, file, Optional.empty(), "active")));
    }

    static EckdDasd openDasd(Path file) throws IOException {
        try {
            return EckdDasd.open(file, false);
        } catch (DeviceException e) {
            throw new DumpFormatException(e.getMessage(), e);
        }
    }

    /** The first 4 KiB of the dump partition, where a dump header is. */
    static byte[] partitionHead(EckdExtent p, Path file) throws IOException {
        byte[] b = new byte[S390DumpHeader.SIZE];
        try {
            p.read(0, b, 0, b.length);
        } catch (EOFException e) {
            throw new DumpFormatException(file + ": no valid dump found: the dump partition of the 3390 is not formatted "
                    + "(no dump was written)", e);
        }
        return b;
    }

    /** The dump in the dump partition of a 3390 image; one volume of a set opens the whole set. */
    private static OpenedDump openCkd(Path file) throws IOException {
        EckdDasd dasd = openDasd(file);
        EckdExtent p = dasd.dumpPartition().closingDasd();
        String name = file.toString();
        try {
            byte[] head = partitionHead(p, file);
            Optional<DumpFormatDescriptor> format = DumpFormatRegistry.recognise(head, head.length,
                    DumpMedium.CKD_IMAGE);
            if (format.isEmpty()) {
                throw new DumpFormatException(String.format("%s: no valid dump found on the 3390: the dump partition "
                        + "starts with %s, not an s390 dump header", name, hex(head, 8)));
            }
            if (format.get().format() == DumpFormat.S390_MV_EXT) {
                p.close();
                return MultiVolumeAssembly.open(List.of(file));
            }
            return single(format.get().read(p, name), DumpMedium.CKD_IMAGE, file);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }
}
