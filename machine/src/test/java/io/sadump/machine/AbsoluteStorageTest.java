package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** AbstractStorage behaviour, run against both backings. */
class AbsoluteStorageTest {
    private static final long MIB = Sizes.MIB;
    private static final long SIZE_8M = 8 * MIB;

    @TempDir
    Path dir;

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void scalarWritesAreBigEndian(StorageBacking backing) {
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            s.putU8(0x100, 0x1A5); // only the low 8 bits are stored
            s.putU16(0x200, 0x1234);
            s.putU32(0x300, 0xDEADBEEFL);
            s.putU64(0x400, 0x0123456789ABCDEFL);
            // 0x0E0C is the unaligned vmcoreinfo pointer: accessors must not require alignment
            s.putU64(Lowcore.VMCOREINFO_POINTER, 0x8877665544332211L);

            assertThat(s.bytes(0x100, 1)).containsExactly(bytes(0xA5));
            assertThat(s.bytes(0x200, 2)).containsExactly(bytes(0x12, 0x34));
            assertThat(s.bytes(0x300, 4)).containsExactly(bytes(0xDE, 0xAD, 0xBE, 0xEF));
            assertThat(s.bytes(0x400, 8)).containsExactly(bytes(0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF));
            assertThat(s.bytes(0xE0C, 8)).containsExactly(bytes(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11));
            // neighbours untouched
            assertThat(s.bytes(0x0FF, 1)).containsExactly(0);
            assertThat(s.bytes(0x202, 1)).containsExactly(0);
            assertThat(s.bytes(0xE0B, 1)).containsExactly(0);
            assertThat(s.bytes(0xE14, 1)).containsExactly(0);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void scalarReadsAreUnsignedBigEndian(StorageBacking backing) {
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            s.write(0x1000, bytes(0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8));
            assertThat(s.u8(0x1000)).isEqualTo(0xFF);
            assertThat(s.u16(0x1000)).isEqualTo(0xFFFE);
            assertThat(s.u32(0x1000)).isEqualTo(0xFFFEFDFCL);
            assertThat(s.u64(0x1000)).isEqualTo(0xFFFEFDFCFBFAF9F8L);
            assertThat(s.u16(0x1001)).isEqualTo(0xFEFD);
            assertThat(s.u32(0x1003)).isEqualTo(0xFCFBFAF9L);
            s.write(0x2000, bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08));
            assertThat(s.u16(0x2000)).isEqualTo(0x0102);
            assertThat(s.u32(0x2000)).isEqualTo(0x01020304L);
            assertThat(s.u64(0x2000)).isEqualTo(0x0102030405060708L);
            assertThat(s.u64(0x3000)).isZero();
        }
    }

    /** Addresses where a scalar straddles a 64 KiB page of the memory backing or a 1 MiB frame. */
    @ParameterizedTest
    @ValueSource(longs = {0xFFFF, 0xFFFD, 0xFFF9, 0xFFFFF, 0xFFFFD, 0xFFFF9, 0x6FFFF9, 0x7FFFF8})
    void scalarsAcrossBoundaries(long address) {
        for (StorageBacking backing : StorageBacking.values()) {
            Path sub = dir.resolve(backing.name() + address);
            sub.toFile().mkdirs();
            try (AbsoluteStorage s = backing.create(sub, SIZE_8M)) {
                s.putU64(address, 0xA1B2C3D4E5F60718L);
                assertThat(s.bytes(address, 8)).as("%s at 0x%X", backing, address)
                        .containsExactly(bytes(0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18));
                assertThat(s.u64(address)).isEqualTo(0xA1B2C3D4E5F60718L);
                assertThat(s.u32(address + 2)).isEqualTo(0xC3D4E5F6L);
                assertThat(s.u16(address + 3)).isEqualTo(0xD4E5);
                long firstFrame = address >>> FrameRecord.FRAME_SHIFT;
                long lastFrame = (address + 7) >>> FrameRecord.FRAME_SHIFT;
                for (long f = 0; f < s.writtenFrames().frameCount(); f++) {
                    assertThat(s.writtenFrames().isWritten(f)).as("frame %d", f)
                            .isEqualTo(f >= firstFrame && f <= lastFrame);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void byteRangesAcrossPageAndFrameBoundaries(StorageBacking backing) {
        SplittableRandom random = new SplittableRandom(7);
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            // 3 MiB + 5 bytes from 70 KiB below the 1 MiB boundary: crosses many 64 KiB pages and 3 frames
            long start = MIB - 70 * 1024;
            byte[] data = new byte[(int) (3 * MIB + 5)];
            random.nextBytes(data);
            s.write(start, data);
            assertThat(s.bytes(start, data.length)).isEqualTo(data);

            // array with offset
            byte[] dst = new byte[1000];
            s.read(MIB - 300, dst, 100, 600);
            assertThat(Arrays.copyOfRange(dst, 100, 700))
                    .isEqualTo(Arrays.copyOfRange(data, (int) (MIB - 300 - start), (int) (MIB + 300 - start)));
            assertThat(dst[99]).isZero();
            assertThat(dst[700]).isZero();

            // heap buffer with position, a direct buffer, and a little-endian buffer: bytes are bytes
            ByteBuffer heap = ByteBuffer.allocate(200).position(50).limit(150);
            s.read(0x110000 - 50, heap);
            assertThat(heap.position()).isEqualTo(150);
            assertThat(Arrays.copyOfRange(heap.array(), 50, 150)).isEqualTo(
                    Arrays.copyOfRange(data, (int) (0x110000 - 50 - start), (int) (0x110000 + 50 - start)));
            ByteBuffer direct = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
            s.read(2 * MIB - 2048, direct);
            direct.flip();
            byte[] got = new byte[4096];
            direct.get(got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) (2 * MIB - 2048 - start),
                    (int) (2 * MIB + 2048 - start)));

            // writes from buffers
            ByteBuffer src = ByteBuffer.allocateDirect(3000);
            byte[] pattern = new byte[3000];
            random.nextBytes(pattern);
            src.put(pattern).flip();
            s.write(5 * MIB - 1500, src);
            assertThat(src.hasRemaining()).isFalse();
            assertThat(s.bytes(5 * MIB - 1500, 3000)).isEqualTo(pattern);
            ByteBuffer readOnly = ByteBuffer.wrap(pattern, 10, 20).asReadOnlyBuffer();
            s.write(6 * MIB + 1, readOnly);
            assertThat(s.bytes(6 * MIB + 1, 20)).isEqualTo(Arrays.copyOfRange(pattern, 10, 30));

            assertThat(writtenFrames(s)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void directBufferReadsAgreeWithArrayReadsOnBothBackings(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (StorageBacking backing : StorageBacking.values()) {
            Path sub = dir.resolve(backing.name() + seed);
            sub.toFile().mkdirs();
            try (AbsoluteStorage s = backing.create(sub, SIZE_8M)) {
                // written islands among never-written pages, so reads cross both
                for (int i = 0; i < 6; i++) {
                    byte[] data = new byte[1 + random.nextInt(200_000)];
                    random.nextBytes(data);
                    s.write(random.nextLong(SIZE_8M - data.length), data);
                }
                for (int i = 0; i < 40; i++) {
                    int length = random.nextInt(300_000);
                    long address = random.nextLong(SIZE_8M - length + 1);
                    int before = random.nextInt(100);
                    ByteBuffer direct = ByteBuffer.allocateDirect(before + length + random.nextInt(100));
                    direct.position(before).limit(before + length);
                    s.read(address, direct);
                    assertThat(direct.position()).as("seed %d, %s, read %d", seed, backing, i)
                            .isEqualTo(before + length);
                    byte[] got = new byte[length];
                    direct.position(before);
                    direct.get(got);
                    assertThat(got).as("seed %d, %s, read %d at 0x%X + %d", seed, backing, i, address, length)
                            .isEqualTo(s.bytes(address, length));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void frameRecordMarksExactlyTheFramesWritten(StorageBacking backing) {
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            assertThat(s.writtenFrames().frameCount()).isEqualTo(8);
            assertThat(s.writtenFrames().writtenCount()).isZero();
            assertThat(s.writtenFrames().nextWritten(0)).isEqualTo(-1);
            s.putU8(0x1FFFFF, 1); // last byte of frame 1
            s.write(0x2FFFFF, new byte[2]); // zeros still count as written: frames 2 and 3
            s.putU8(7 * MIB, 1); // first byte of frame 7
            s.write(4 * MIB, new byte[0]); // an empty write marks nothing
            s.zero(5 * MIB - 1, 0);
            assertThat(writtenFrames(s)).containsExactly(1L, 2L, 3L, 7L);
            FrameRecord r = s.writtenFrames();
            assertThat(r.nextWritten(0)).isEqualTo(1);
            assertThat(r.nextUnwritten(1)).isEqualTo(4);
            assertThat(r.nextWritten(4)).isEqualTo(7);
            assertThat(r.nextUnwritten(7)).isEqualTo(8);
            assertThat(r.nextWritten(8)).isEqualTo(-1);
            assertThat(r.writtenCount()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void accessOutsideStorageThrowsNamingTheAddressInHex(StorageBacking backing) {
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            assertThatThrownBy(() -> s.u8(SIZE_8M))
                    .isInstanceOf(AddressOutOfRangeException.class)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("0x800000")
                    .hasMessageContaining("8M")
                    .satisfies(e -> {
                        AddressOutOfRangeException a = (AddressOutOfRangeException) e;
                        assertThat(a.address()).isEqualTo(SIZE_8M);
                        assertThat(a.length()).isEqualTo(1);
                        assertThat(a.storageSize()).isEqualTo(SIZE_8M);
                    });
            assertThatThrownBy(() -> s.u64(SIZE_8M - 4)).isInstanceOf(AddressOutOfRangeException.class)
                    .hasMessageContaining("0x7FFFFC");
            assertThatThrownBy(() -> s.u16(SIZE_8M - 1)).hasMessageContaining("0x7FFFFF");
            assertThatThrownBy(() -> s.u32(-1)).isInstanceOf(AddressOutOfRangeException.class)
                    .hasMessageContaining("0xFFFFFFFFFFFFFFFF");
            assertThatThrownBy(() -> s.bytes(0x7FF000, 0x1001)).hasMessageContaining("0x7FF000");
            assertThatThrownBy(() -> s.putU64(SIZE_8M - 7, 1)).isInstanceOf(AddressOutOfRangeException.class)
                    .hasMessageContaining("0x7FFFF9");
            assertThatThrownBy(() -> s.write(0x123456789L, new byte[1])).hasMessageContaining("0x123456789");
            assertThatThrownBy(() -> s.zero(SIZE_8M - MIB, MIB + 1)).hasMessageContaining("0x700000");
            assertThatThrownBy(() -> s.copy(0, SIZE_8M - 10, 11)).hasMessageContaining("0x7FFFF6");
            assertThatThrownBy(() -> s.copy(SIZE_8M - 10, 0, 11)).hasMessageContaining("0x7FFFF6");
            assertThatThrownBy(() -> s.read(SIZE_8M, ByteBuffer.allocate(1))).hasMessageContaining("0x800000");
            // a length that would overflow address + length
            assertThatThrownBy(() -> s.checkRange(16, Long.MAX_VALUE)).isInstanceOf(AddressOutOfRangeException.class);
            assertThatThrownBy(() -> s.checkRange(0, -1)).isInstanceOf(AddressOutOfRangeException.class);
            assertThatThrownBy(() -> s.bytes(0x100, -1)).isInstanceOf(AddressOutOfRangeException.class)
                    .hasMessageContaining("0x100");
            // a failed access changes nothing
            assertThat(s.writtenFrames().writtenCount()).isZero();
            assertThat(s.u64(SIZE_8M - 8)).isZero();

            // the edges themselves are inside
            s.putU64(SIZE_8M - 8, -1L);
            assertThat(s.u64(SIZE_8M - 8)).isEqualTo(-1L);
            assertThat(s.bytes(SIZE_8M, 0)).isEmpty();
            assertThat(s.contains(SIZE_8M, 0)).isTrue();
            assertThat(s.contains(SIZE_8M - 1, 1)).isTrue();
            assertThat(s.contains(SIZE_8M - 1, 2)).isFalse();
            assertThat(s.contains(-1, 1)).isFalse();
        }
    }

    @Test
    void sizesFromOneByteUpTo16TiB() {
        assertThatThrownBy(() -> AbsoluteStorage.inMemory(0)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> AbsoluteStorage.inMemory(16 * Sizes.TIB + 1)).isInstanceOf(StorageException.class)
                .hasMessageContaining("16T");
        try (AbsoluteStorage one = AbsoluteStorage.inMemory(1)) {
            one.putU8(0, 0x42);
            assertThat(one.u8(0)).isEqualTo(0x42);
            assertThatThrownBy(() -> one.u8(1)).isInstanceOf(AddressOutOfRangeException.class);
            assertThat(one.writtenFrames().frameCount()).isEqualTo(1);
        }
        long size = AbsoluteStorage.MAX_SIZE;
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(size)) {
            assertThat(s.size()).isEqualTo(16 * Sizes.TIB);
            s.putU64(size - 8, 0x1122334455667788L);
            s.putU8(0, 0x99);
            assertThat(s.u64(size - 8)).isEqualTo(0x1122334455667788L);
            assertThat(s.u8(0)).isEqualTo(0x99);
            assertThat(s.u64(size / 2)).isZero();
            assertThatThrownBy(() -> s.u8(size)).hasMessageContaining("0x100000000000");
            FrameRecord r = s.writtenFrames();
            assertThat(r.frameCount()).isEqualTo(16L << 20);
            assertThat(r.writtenCount()).isEqualTo(2);
            assertThat(r.nextWritten(1)).isEqualTo((16L << 20) - 1);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void zeroWritesZerosWhereFramesWereWrittenAndLeavesTheRestAlone(StorageBacking backing) {
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            byte[] ones = new byte[(int) (3 * MIB)];
            Arrays.fill(ones, (byte) 0xFF);
            s.write(MIB, ones);
            s.zero(MIB + 10, 2 * MIB + 5); // larger than the 1 MiB buffer
            assertThat(s.u8(MIB + 9)).isEqualTo(0xFF);
            assertThat(s.bytes(MIB + 10, (int) (2 * MIB + 5))).isEqualTo(new byte[(int) (2 * MIB + 5)]);
            assertThat(s.u8(3 * MIB + 15)).isEqualTo(0xFF);
            // never-written frames are zero already: zeroing them writes nothing and marks nothing
            s.zero(6 * MIB, 1);
            s.zero(0, SIZE_8M - MIB); // crosses written frames 1..3 too
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(1L, 2L, 3L);
            for (long a = 0; a < SIZE_8M; a += MIB) {
                assertThat(s.bytes(a, (int) MIB)).as("frame at 0x%X", a).isEqualTo(new byte[(int) MIB]);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120) // a guard against copying 1 TiB of zeros byte by byte, not a speed target
    void zeroAndCopyOfNeverWrittenStorageCostNoHeap() {
        // 1 TiB of zeros written to fresh in-memory storage would need 1 TiB of heap if they were stored
        long size = Sizes.TIB;
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(size)) {
            s.putU64(size - 8, 0x0123456789ABCDEFL);
            s.zero(0, size - 8);
            s.copy(0, 16, size - 24); // overlapping, all zeros
            s.copy(8, size / 2, size / 2 - 8);
            assertThat(s.u64(size - 8)).isEqualTo(0x0123456789ABCDEFL);
            assertThat(writtenFrames(s)).containsExactly((size >>> 20) - 1);
            s.copy(size - 8, 0, 8);
            assertThat(s.u64(0)).isEqualTo(0x0123456789ABCDEFL);
            s.copy(size / 2, size - 8, 8); // zeros over data clear it
            assertThat(s.u64(size - 8)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void clearMakesEverythingZeroAndEmptiesTheRecord(StorageBacking backing) {
        SplittableRandom random = new SplittableRandom(11);
        try (AbsoluteStorage s = backing.create(dir, SIZE_8M)) {
            for (int i = 0; i < 50; i++) {
                byte[] b = new byte[random.nextInt(1, 100_000)];
                random.nextBytes(b);
                s.write(random.nextLong(SIZE_8M - b.length), b);
            }
            s.putU8(0, 1);
            s.putU8(SIZE_8M - 1, 1);
            assertThat(s.writtenFrames().writtenCount()).isPositive();
            s.clear();
            assertThat(s.size()).isEqualTo(SIZE_8M);
            assertThat(s.writtenFrames().writtenCount()).isZero();
            assertThat(s.writtenFrames().nextWritten(0)).isEqualTo(-1);
            for (long a = 0; a < SIZE_8M; a += MIB) {
                assertThat(s.bytes(a, (int) MIB)).as("frame at 0x%X", a).isEqualTo(new byte[(int) MIB]);
            }
            // still usable after the clear
            s.putU32(SIZE_8M - 4, 0xCAFEBABEL);
            assertThat(s.u32(SIZE_8M - 4)).isEqualTo(0xCAFEBABEL);
            assertThat(writtenFrames(s)).containsExactly(7L);
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBacking.class)
    void copyOfOverlappingRangesInBothDirections(StorageBacking backing) {
        // 2.5 MiB moved by one byte, up and down: longer than the 1 MiB copy chunk
        long size = 4 * MIB;
        byte[] model = new byte[(int) size];
        new SplittableRandom(3).nextBytes(model);
        try (AbsoluteStorage s = backing.create(dir, size)) {
            s.write(0, model);
            int len = (int) (2 * MIB + MIB / 2);
            s.copy(0x1000, 0x1001, len); // to > from: must copy from the end
            System.arraycopy(model, 0x1000, model, 0x1001, len);
            assertThat(s.bytes(0, (int) size)).isEqualTo(model);
            s.copy(0x1001, 0x1000, len); // to < from
            System.arraycopy(model, 0x1001, model, 0x1000, len);
            assertThat(s.bytes(0, (int) size)).isEqualTo(model);
            s.copy(0x5000, 0x5000, len); // onto itself
            assertThat(s.bytes(0, (int) size)).isEqualTo(model);
            s.copy(0, MIB + 7, 0); // nothing
            assertThat(s.bytes(0, (int) size)).isEqualTo(model);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void seededCopiesMatchAByteArrayModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long size = 4 * MIB;
        for (StorageBacking backing : StorageBacking.values()) {
            Path sub = dir.resolve(backing.name());
            sub.toFile().mkdirs();
            byte[] model = new byte[(int) size];
            try (AbsoluteStorage s = backing.create(sub, size)) {
                // sparse content: a few random runs, the rest zero (some frames never written)
                for (int i = 0; i < 6; i++) {
                    byte[] b = new byte[random.nextInt(1, 300_000)];
                    random.nextBytes(b);
                    int at = random.nextInt((int) size - b.length);
                    s.write(at, b);
                    System.arraycopy(b, 0, model, at, b.length);
                }
                TreeSet<Long> allowedFrames = writtenFrames(s);
                for (int op = 0; op < 12; op++) {
                    int len = random.nextInt(0, (int) (2.5 * MIB));
                    int from = random.nextInt((int) size - len + 1);
                    // half of the copies overlap their source
                    int to = random.nextBoolean()
                            ? Math.max(0, Math.min((int) size - len, from + random.nextInt(-len - 1, len + 2)))
                            : random.nextInt((int) size - len + 1);
                    s.copy(from, to, len);
                    System.arraycopy(model, from, model, to, len);
                    if (len > 0) {
                        for (long f = (long) to >>> 20; f <= (to + len - 1L) >>> 20; f++) {
                            allowedFrames.add(f);
                        }
                    }
                    assertThat(s.bytes(0, (int) size)).as("seed %d, %s, op %d: copy(0x%X, 0x%X, %d)", seed, backing,
                            op, from, to, len).isEqualTo(model);
                    // the record is sound (every frame holding data is in it) and marks only copy targets
                    TreeSet<Long> marked = writtenFrames(s);
                    for (int f = 0; f < size >>> 20; f++) {
                        boolean hasData = false;
                        for (int i = f << 20; i < (f + 1) << 20 && !hasData; i++) {
                            hasData = model[i] != 0;
                        }
                        if (hasData) {
                            assertThat(marked).as("seed %d op %d: frame %d holds data", seed, op, f).contains((long) f);
                        }
                    }
                    assertThat(allowedFrames).as("seed %d op %d", seed, op).containsAll(marked);
                }
            }
        }
    }

    /**
     * Random scalar, range and zero writes on 8 MiB against a byte[] model; at the end both backings
     * hold the model and the same frame record: exactly the frames the writes touched.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 202, 303, 404})
    void seededRandomWritesAgreeWithTheModelOnBothBackings(long seed) {
        Path fileDir = dir.resolve("file");
        fileDir.toFile().mkdirs();
        byte[] model = new byte[(int) SIZE_8M];
        TreeSet<Long> touched = new TreeSet<>();
        SplittableRandom random = new SplittableRandom(seed);
        try (AbsoluteStorage mem = StorageBacking.MEMORY.create(dir, SIZE_8M);
                AbsoluteStorage file = StorageBacking.FILE.create(fileDir, SIZE_8M)) {
            List<AbsoluteStorage> both = List.of(mem, file);
            for (int op = 0; op < 400; op++) {
                // cluster some writes near 64 KiB and 1 MiB boundaries, leave frame 6 alone
                long address;
                int kind = random.nextInt(7);
                int len = switch (kind) {
                    case 0 -> 1;
                    case 1 -> 2;
                    case 2 -> 4;
                    case 3 -> 8;
                    case 4 -> random.nextInt(1, 200_000);
                    case 5 -> random.nextInt(0, 3 * (int) MIB);
                    default -> random.nextInt(1, 5000);
                };
                if (random.nextBoolean()) {
                    long boundary = random.nextBoolean() ? random.nextLong(1, SIZE_8M >>> 16) << 16
                            : random.nextLong(1, 8) << 20;
                    address = boundary - random.nextInt(0, Math.max(1, Math.min(len, 16)) + 1);
                } else {
                    address = random.nextLong(SIZE_8M);
                }
                address = Math.max(0, Math.min(address, SIZE_8M - len));
                if (address < 7 * MIB && address + len > 6 * MIB) {
                    continue;
                }
                long value = random.nextLong();
                byte[] data = new byte[len];
                random.nextBytes(data);
                for (AbsoluteStorage s : both) {
                    switch (kind) {
                        case 0 -> s.putU8(address, (int) value);
                        case 1 -> s.putU16(address, (int) value);
                        case 2 -> s.putU32(address, value);
                        case 3 -> s.putU64(address, value);
                        case 5 -> s.zero(address, len);
                        default -> s.write(address, data);
                    }
                }
                switch (kind) {
                    case 0, 1, 2, 3 -> {
                        byte[] be = ByteBuffer.allocate(8).putLong(value).array();
                        System.arraycopy(be, 8 - len, model, (int) address, len);
                    }
                    case 5 -> Arrays.fill(model, (int) address, (int) address + len, (byte) 0);
                    default -> System.arraycopy(data, 0, model, (int) address, len);
                }
                if (len > 0 && kind != 5) { // zero() marks no frame (written ones are marked already)
                    for (long f = address >>> 20; f <= (address + len - 1) >>> 20; f++) {
                        touched.add(f);
                    }
                }
                if (kind < 4) {
                    long expected = switch (kind) {
                        case 0 -> value & 0xFF;
                        case 1 -> value & 0xFFFF;
                        case 2 -> value & 0xFFFF_FFFFL;
                        default -> value;
                    };
                    for (AbsoluteStorage s : both) {
                        long got = switch (kind) {
                            case 0 -> s.u8(address);
                            case 1 -> s.u16(address);
                            case 2 -> s.u32(address);
                            default -> s.u64(address);
                        };
                        assertThat(got).as("seed %d op %d at 0x%X", seed, op, address).isEqualTo(expected);
                    }
                }
            }
            for (long a = 0; a < SIZE_8M; a += MIB) {
                byte[] expected = Arrays.copyOfRange(model, (int) a, (int) (a + MIB));
                assertThat(mem.bytes(a, (int) MIB)).as("seed %d memory frame at 0x%X", seed, a).isEqualTo(expected);
                assertThat(file.bytes(a, (int) MIB)).as("seed %d file frame at 0x%X", seed, a).isEqualTo(expected);
            }
            assertThat(writtenFrames(mem)).as("seed %d", seed).isEqualTo(touched).doesNotContain(6L);
            assertThat(writtenFrames(file)).as("seed %d", seed).isEqualTo(touched);
        }
    }

    static TreeSet<Long> writtenFrames(AbsoluteStorage s) {
        TreeSet<Long> frames = new TreeSet<>();
        FrameRecord r = s.writtenFrames();
        for (long f = r.nextWritten(0); f >= 0; f = r.nextWritten(f + 1)) {
            frames.add(f);
        }
        List<Long> viaIsWritten = new ArrayList<>();
        for (long f = 0; f < r.frameCount(); f++) {
            if (r.isWritten(f)) {
                viaIsWritten.add(f);
            }
        }
        assertThat(viaIsWritten).containsExactlyElementsOf(frames);
        return frames;
    }
}
