package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The file backing: sparse {@code storage.img} and the persisted frame record beside it. */
class FileStorageTest {
    private static final long MIB = Sizes.MIB;
    private static final long SIZE_8M = 8 * MIB;
    /** Layout of storage.frames v2 (see FrameRecord): magic, version, count, bitmap, CRC-32. */
    private static final int RECORD_HEADER = 8 + 4 + 8;

    @TempDir
    Path dir;

    private Path image() {
        return dir.resolve(MachineDirectory.STORAGE);
    }

    private Path record() {
        return dir.resolve(MachineDirectory.FRAMES);
    }

    /** Blocks (512 bytes each, as {@code stat %b} counts them) the file system allocated for a file. */
    static long allocatedBlocks(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("stat -c %%b %s: %s", file, out).isZero();
        return Long.parseLong(out);
    }

    /**
     * A directory on a file system that holds a 16 TiB sparse file. ext4 (4 KiB blocks) stops 4 KiB
     * short of 16 TiB, so the test uses tmpfs at /dev/shm, where holes cost nothing.
     */
    private static Path directoryFor16TiB() throws IOException {
        Path shm = Path.of("/dev/shm");
        assertThat(Files.isDirectory(shm) && Files.isWritable(shm))
                .as("the 16 TiB test needs a writable tmpfs at /dev/shm").isTrue();
        return Files.createTempDirectory(shm, "sadump-16t-");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Timeout(value = 120) // a guard against a full scan of 16 TiB, not a speed target
    void sixteenTiBSparseImageCostsOnlyTheFramesWritten() throws Exception {
        Path big = directoryFor16TiB();
        try {
            Path image = big.resolve(MachineDirectory.STORAGE);
            Path record = big.resolve(MachineDirectory.FRAMES);
            long size = AbsoluteStorage.MAX_SIZE;
            try (FileStorage s = FileStorage.create(image, record, size)) {
                s.putU8(0, 0xA5);
                s.putU64(size - 8, 0x0102030405060708L);
                assertThat(s.u8(0)).isEqualTo(0xA5);
                assertThat(s.u8(size - 1)).isEqualTo(0x08);
                assertThatThrownBy(() -> s.u8(size)).isInstanceOf(AddressOutOfRangeException.class)
                        .hasMessageContaining("0x100000000000");
                // zeroing the never-written 16 TiB - 2 MiB between the two frames writes nothing
                s.zero(MIB, size - 2 * MIB);
                s.copy(MIB, 2 * MIB, size - 4 * MIB);
                assertThat(s.u8(0)).isEqualTo(0xA5);
                assertThat(s.u64(size - 8)).isEqualTo(0x0102030405060708L);
                assertThat(s.writtenFrames().writtenCount()).isEqualTo(2);
            }
            assertThat(Files.size(image)).isEqualTo(16L << 40);
            long blocks = allocatedBlocks(image);
            assertThat(blocks).as("512-byte blocks allocated for a 16 TiB image with 2 bytes written")
                    .isLessThanOrEqualTo(64);
            try (FileStorage s = FileStorage.open(image, record, size, false)) {
                assertThat(s.u8(0)).isEqualTo(0xA5);
                assertThat(s.u64(size - 8)).isEqualTo(0x0102030405060708L);
                assertThat(s.u64(size / 2)).isZero();
                FrameRecord r = s.writtenFrames();
                assertThat(r.frameCount()).isEqualTo(16L << 20);
                assertThat(r.writtenCount()).isEqualTo(2);
                assertThat(r.nextWritten(0)).isZero();
                assertThat(r.nextWritten(1)).isEqualTo((16L << 20) - 1);
            }
        } finally {
            deleteTree(big);
        }
    }

    /** On the build's own temp directory a 16 TiB image either works or fails with a clear message. */
    @Test
    void sixteenTiBOnTheTempFileSystemWorksOrSaysWhy() throws Exception {
        long size = AbsoluteStorage.MAX_SIZE;
        try {
            try (FileStorage s = FileStorage.create(image(), record(), size)) {
                s.putU8(size - 1, 1);
            }
            assertThat(Files.size(image())).isEqualTo(size);
            assertThat(allocatedBlocks(image())).isLessThanOrEqualTo(64);
        } catch (StorageException e) {
            assertThat(e).hasMessageContaining(image().toString()).hasMessageContaining("16T")
                    .hasMessageContaining("file system");
            assertThat(image()).as("a failed create leaves no image behind").doesNotExist();
        }
    }

    @Test
    void smallImageIsSparseAndOffsetIsAddress() throws Exception {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU32(0x345678, 0x11223344L);
            assertThat(s.image()).isEqualTo(image());
        }
        assertThat(Files.size(image())).isEqualTo(SIZE_8M);
        assertThat(allocatedBlocks(image())).isLessThanOrEqualTo(64);
        try (FileChannel ch = FileChannel.open(image())) {
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, 0x345678);
            assertThat(b.array()).containsExactly(0x11, 0x22, 0x33, 0x44);
        }
    }

    @Test
    void createRefusesAnExistingImageAndBadSizes() throws IOException {
        Files.writeString(image(), "precious");
        assertThatThrownBy(() -> FileStorage.create(image(), record(), SIZE_8M)).isInstanceOf(StorageException.class)
                .hasMessageContaining(image().toString()).hasMessageContaining("already exists");
        assertThat(Files.readString(image())).isEqualTo("precious");
        assertThatThrownBy(() -> FileStorage.create(dir.resolve("x.img"), record(), 0))
                .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> FileStorage.create(dir.resolve("x.img"), record(), 16 * Sizes.TIB + 1))
                .isInstanceOf(StorageException.class).hasMessageContaining("16T");
    }

    @Test
    void frameRecordSurvivesCloseAndOpen() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(0, 1);
            s.write(3 * MIB, new byte[10]); // written but zero: only a trusted record remembers frame 3
            s.putU16(5 * MIB - 1, 0xABCD);
        }
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, true)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L, 3L, 4L, 5L);
            assertThat(s.u16(5 * MIB - 1)).isEqualTo(0xABCD);
        }
        FrameRecord saved = FrameRecord.load(record(), SIZE_8M);
        assertThat(saved.writtenCount()).isEqualTo(4);
        assertThat(saved.isWritten(3)).isTrue();
    }

    @Test
    void flushSavesTheRecordWithoutClosing() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(6 * MIB, 1);
            s.flush();
            assertThat(FrameRecord.load(record(), SIZE_8M).isWritten(6)).isTrue();
            assertThat(Files.getLastModifiedTime(record())).isGreaterThanOrEqualTo(Files.getLastModifiedTime(image()));
        }
    }

    /** {@code dd} writes into storage.img behind sadump's back: the older record is rebuilt on open. */
    @Test
    void recordOlderThanTheImageIsRebuiltAndIncludesWhatDdWrote() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(0, 1);
            s.write(3 * MIB, new byte[10]);
        }
        try (FileChannel ch = FileChannel.open(image(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("written by dd".getBytes(StandardCharsets.US_ASCII)), 5 * MIB + 17);
        }
        FileTime recordTime = Files.getLastModifiedTime(record());
        Files.setLastModifiedTime(image(), FileTime.fromMillis(recordTime.toMillis() + 2000));

        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, false)) {
            // rebuilt from the data: frame 5 is there, the all-zero frame 3 is not
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L, 5L);
            assertThat(s.bytes(5 * MIB + 17, 13)).asString(StandardCharsets.US_ASCII).isEqualTo("written by dd");
        }
        // a read-only open does not write the record
        assertThat(FrameRecord.load(record(), SIZE_8M).isWritten(5)).isFalse();

        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, true)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L, 5L);
        }
        // a writable open saves the rebuilt record, so the next open need not scan again
        FrameRecord saved = FrameRecord.load(record(), SIZE_8M);
        assertThat(saved.isWritten(5)).isTrue();
        assertThat(saved.isWritten(3)).isFalse();
        assertThat(Files.getLastModifiedTime(record())).isGreaterThanOrEqualTo(Files.getLastModifiedTime(image()));
    }

    /**
     * The rebuild reads a frame's first page before the rest: a byte anywhere after the first page, up
     * to the frame's last, still marks the frame.
     */
    @Test
    void rebuildFindsDataAfterAFramesFirstPage() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(0, 1);
        }
        try (FileChannel ch = FileChannel.open(image(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {7}), 2 * MIB + AbsoluteStorage.PAGE_SIZE);
            ch.write(ByteBuffer.wrap(new byte[] {9}), 7 * MIB - 1);
            ch.write(ByteBuffer.wrap(new byte[] {3}), SIZE_8M - 1);
        }
        FileTime recordTime = Files.getLastModifiedTime(record());
        Files.setLastModifiedTime(image(), FileTime.fromMillis(recordTime.toMillis() + 2000));

        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, false)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L, 2L, 6L, 7L);
        }
    }

    /** Two writable instances on one image (in one JVM): whichever saves last keeps both sets of frames. */
    @Test
    void twoWritersInOneJvmKeepEachOthersFrames() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(0, 1);
        }
        for (boolean aFirst : new boolean[] {true, false}) {
            FileStorage a = FileStorage.open(image(), record(), SIZE_8M, true);
            FileStorage b = FileStorage.open(image(), record(), SIZE_8M, true);
            a.putU8(aFirst ? MIB : 2 * MIB, 1);
            b.putU8(aFirst ? 5 * MIB : 6 * MIB, 1);
            (aFirst ? a : b).close();
            (aFirst ? b : a).close();
        }
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, false)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L, 1L, 2L, 5L, 6L);
        }
        // a clear by one writer is not undone by the record it replaced
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, true)) {
            s.clear();
        }
        assertThat(FrameRecord.load(record(), SIZE_8M).writtenCount()).isZero();
    }

    @Test
    void missingRecordIsRebuilt() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(7 * MIB + 5, 9);
        }
        Files.delete(record());
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, true)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(7L);
        }
        assertThat(FrameRecord.load(record(), SIZE_8M).isWritten(7)).isTrue();
    }

    /** Ways a saved record can be damaged; each must be rebuilt, never trusted. */
    enum Damage {
        EMPTY, TRUNCATED_HEADER, BAD_MAGIC, OLD_VERSION, OTHER_FRAME_COUNT, LOST_BIT, EXTRA_BYTE, MISSING_CRC,
        BIT_PAST_THE_END;

        byte[] apply(byte[] r) {
            byte[] d = r.clone();
            switch (this) {
                case EMPTY:
                    return new byte[0];
                case TRUNCATED_HEADER:
                    return java.util.Arrays.copyOf(d, 10);
                case BAD_MAGIC:
                    d[0] = 'X';
                    return d;
                case OLD_VERSION:
                    ByteBuffer.wrap(d).putInt(8, 1);
                    return withCrc(d);
                case OTHER_FRAME_COUNT:
                    ByteBuffer.wrap(d).putLong(12, 16);
                    return withCrc(d);
                case LOST_BIT: // frame 0's bit cleared, CRC left as it was: the data would be lost
                    d[RECORD_HEADER] &= (byte) ~1;
                    return d;
                case EXTRA_BYTE:
                    return java.util.Arrays.copyOf(d, d.length + 1);
                case MISSING_CRC:
                    return java.util.Arrays.copyOf(d, d.length - 4);
                case BIT_PAST_THE_END: // 6 frames fill one bitmap byte partly; mark frame 7, CRC made valid
                    d[RECORD_HEADER] |= (byte) 0x80;
                    return withCrc(d);
                default:
                    throw new AssertionError(this);
            }
        }

        private static byte[] withCrc(byte[] d) {
            CRC32 crc = new CRC32();
            crc.update(d, 0, d.length - 4);
            ByteBuffer.wrap(d).putInt(d.length - 4, (int) crc.getValue());
            return d;
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedRecordIsRebuiltNotTrusted(Damage damage) throws IOException {
        long size = 6 * MIB;
        try (FileStorage s = FileStorage.create(image(), record(), size)) {
            s.putU8(0, 1);
            s.write(3 * MIB, new byte[10]);
            s.putU8(5 * MIB, 2);
        }
        try (FileStorage s = FileStorage.open(image(), record(), size, false)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).as("intact record is trusted").containsExactly(0L, 3L, 5L);
        }
        byte[] intact = Files.readAllBytes(record());
        FileTime time = Files.getLastModifiedTime(record());
        Files.write(record(), damage.apply(intact));
        Files.setLastModifiedTime(record(), time);
        assertThatThrownBy(() -> FrameRecord.load(record(), size)).isInstanceOf(IOException.class)
                .hasMessageContaining(record().toString());

        try (FileStorage s = FileStorage.open(image(), record(), size, true)) {
            assertThat(AbsoluteStorageTest.writtenFrames(s)).as(damage.name()).containsExactly(0L, 5L);
            assertThat(s.u8(5 * MIB)).isEqualTo(2);
        }
        assertThat(FrameRecord.load(record(), size).writtenCount()).as("repaired on disk").isEqualTo(2);
    }

    @Test
    void imageOfTheWrongLengthIsAClearStorageException() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(0, 1);
        }
        try (FileChannel ch = FileChannel.open(image(), StandardOpenOption.WRITE)) {
            ch.truncate(4 * MIB);
        }
        assertThatThrownBy(() -> FileStorage.open(image(), record(), SIZE_8M, false))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(image().toString())
                .hasMessageContaining("4194304 bytes")
                .hasMessageContaining("8M");
        try (FileChannel ch = FileChannel.open(image(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), 9 * MIB - 1);
        }
        assertThatThrownBy(() -> FileStorage.open(image(), record(), SIZE_8M, true))
                .isInstanceOf(StorageException.class).hasMessageContaining("9437184 bytes");
    }

    @Test
    void missingImageIsAClearStorageException() {
        assertThatThrownBy(() -> FileStorage.open(image(), record(), SIZE_8M, false))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(image().toString())
                .hasMessageContaining("missing");
    }

    @Test
    void readOnlyStorageRefusesChangesAndKeepsItsRecord() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            s.putU8(MIB, 1);
        }
        byte[] recordBefore = Files.readAllBytes(record());
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, false)) {
            assertThatThrownBy(() -> s.putU8(2 * MIB, 1)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(s::clear).isInstanceOf(StorageException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> s.copy(MIB, 3 * MIB, 10)).isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> s.copy(4 * MIB, 5 * MIB, 10)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> s.zero(6 * MIB, 10)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("read-only");
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(1L);
            assertThat(s.u8(MIB)).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(record())).isEqualTo(recordBefore);
    }

    @Test
    void clearPunchesTheWholeImageBackToHoles() throws Exception {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            byte[] data = new byte[(int) (4 * MIB)];
            java.util.Arrays.fill(data, (byte) 0x5A);
            s.write(MIB, data);
            s.flush();
            assertThat(allocatedBlocks(image())).isGreaterThanOrEqualTo(4 * MIB / 512);
            s.clear();
            assertThat(allocatedBlocks(image())).isLessThanOrEqualTo(64);
            assertThat(Files.size(image())).isEqualTo(SIZE_8M);
        }
        try (FileStorage s = FileStorage.open(image(), record(), SIZE_8M, false)) {
            assertThat(s.writtenFrames().writtenCount()).isZero();
            assertThat(s.bytes(MIB, (int) (4 * MIB))).isEqualTo(new byte[(int) (4 * MIB)]);
        }
    }

    /** The bytes {@code scan} hands over, joined, with a check of each piece's size. */
    private static byte[] scanned(AbsoluteStorage s, long address, int length, long seed) {
        ByteBuffer joined = ByteBuffer.allocate(length);
        boolean whole = s.scan(address, length, piece -> {
            assertThat(piece.remaining()).as("seed %d: piece at %d", seed, joined.position())
                    .isBetween(1, AbsoluteStorage.SCAN_PIECE);
            joined.put(piece);
            return true;
        });
        assertThat(whole).isTrue();
        assertThat(joined.position()).as("seed %d", seed).isEqualTo(length);
        return joined.array();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33})
    void scanHandsOverTheBytesOfAnyRangeInOrderAcrossMappedWindows(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        long size = 2 * FileStorage.SCAN_WINDOW + 8 * MIB;
        try (FileStorage s = FileStorage.create(image(), record(), size)) {
            // data around the window boundaries, holes (zeros) elsewhere
            for (long edge : new long[] {FileStorage.SCAN_WINDOW, 2 * FileStorage.SCAN_WINDOW}) {
                byte[] data = new byte[1 + rnd.nextInt(3 * AbsoluteStorage.SCAN_PIECE)];
                rnd.nextBytes(data);
                s.write(edge - rnd.nextInt(data.length), data);
            }
            for (int i = 0; i < 6; i++) {
                int length = 1 + rnd.nextInt((int) FileStorage.SCAN_WINDOW + 3 * AbsoluteStorage.SCAN_PIECE);
                long address = rnd.nextLong(size - length + 1);
                assertThat(scanned(s, address, length, seed)).as("seed %d: scan of %d bytes at %d", seed, length,
                        address).isEqualTo(s.bytes(address, length));
            }
        }
    }

    @Test
    void scanStopsWhenThePieceSaysSo() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), 3 * FileStorage.SCAN_WINDOW)) {
            int[] pieces = {0};
            boolean whole = s.scan(0, s.size(), piece -> ++pieces[0] < 3);
            assertThat(whole).isFalse();
            assertThat(pieces[0]).isEqualTo(3);
            assertThatThrownBy(() -> s.scan(s.size() - 10, 11, piece -> true))
                    .isInstanceOf(AddressOutOfRangeException.class);
        }
    }

    @Test
    void scanOfAFileCutShortWhileOpenReadsZerosBeyondItsEnd() throws IOException {
        try (FileStorage s = FileStorage.create(image(), record(), SIZE_8M)) {
            byte[] data = new byte[(int) (2 * MIB)];
            new SplittableRandom(7).nextBytes(data);
            s.write(3 * MIB, data);
            try (FileChannel ch = FileChannel.open(image(), StandardOpenOption.WRITE)) {
                ch.truncate(4 * MIB);
            }
            byte[] expected = new byte[(int) (4 * MIB)];
            System.arraycopy(data, 0, expected, (int) MIB, (int) MIB);
            assertThat(scanned(s, 2 * MIB, (int) (4 * MIB), 7)).isEqualTo(expected);
        }
    }

    @Test
    void scanUnmapsEveryWindowWhenItIsDone() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assertThat(Files.isReadable(maps)).as("this test reads the process's mappings from /proc/self/maps").isTrue();
        try (FileStorage s = FileStorage.create(image(), record(), 3 * FileStorage.SCAN_WINDOW)) {
            s.write(FileStorage.SCAN_WINDOW + 5, new byte[] {1, 2, 3});
            long[] sum = {0};
            int[] mappedDuringScan = {0};
            s.scan(0, s.size(), piece -> {
                if (mappedDuringScan[0] == 0) {
                    mappedDuringScan[0] = mappingsOf(maps, image());
                }
                while (piece.hasRemaining()) {
                    sum[0] += piece.get();
                }
                return true;
            });
            assertThat(sum[0]).isEqualTo(6);
            assertThat(mappedDuringScan[0]).as("storage.img is mapped while it is scanned").isPositive();
            assertThat(mappingsOf(maps, image())).as("mappings of storage.img left after the scan").isZero();
        }
    }

    private static int mappingsOf(Path maps, Path file) {
        try {
            String path = file.toRealPath().toString();
            return (int) Files.readAllLines(maps).stream().filter(l -> l.endsWith(" " + path)).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
