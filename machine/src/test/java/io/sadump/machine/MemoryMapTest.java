package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one remap operation, the zero-filled read, and the kdump swap mapping built on them. */
class MemoryMapTest {
    private static final long MIB = Sizes.MIB;

    /** Old address {@code a} after the swap, written out the long way: where its byte lives, or -1 when left out. */
    private static long physicalOf(long a, CrashkernelRange ck) {
        if (a < ck.size()) {
            return a + ck.base();
        }
        return ck.contains(a) ? -1 : a;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void oldMemoryReadsThroughTheSwapMapping(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        long size = r.nextLong(1, 8) * MIB;
        long base = size + r.nextLong(0, 8) * MIB;
        long memory = base + size + r.nextLong(0, 8) * MIB;
        CrashkernelRange ck = new CrashkernelRange(base, size);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(memory)) {
            for (int i = 0; i < 10; i++) {
                byte[] b = new byte[r.nextInt(1, (int) MIB)];
                r.nextBytes(b);
                s.write(r.nextLong(memory - b.length), b);
            }
            MemorySource old = new StorageMemorySource(s).map(ck.oldMemoryMappings(memory), memory);
            assertThat(old.memorySize()).as("seed %d", seed).isEqualTo(memory);
            for (int i = 0; i < 200; i++) {
                long a = r.nextLong(memory);
                long p = physicalOf(a, ck);
                byte[] got = new byte[1];
                if (p < 0) {
                    assertThatThrownBy(() -> old.read(a, got, 0, 1)).as("seed %d old 0x%X", seed, a)
                            .isInstanceOf(MemoryAbsentException.class);
                    old.readFilled(a, got, 0, 1);
                    assertThat(got[0]).as("seed %d old 0x%X filled", seed, a).isZero();
                } else {
                    old.read(a, got, 0, 1);
                    assertThat(got[0]).as("seed %d old 0x%X from 0x%X", seed, a, p).isEqualTo(s.bytes(p, 1)[0]);
                }
            }
            // ZERO stays ZERO: never-written frames are not turned into data by the move
            for (MemoryChunk c : old.chunks()) {
                long p = physicalOf(c.start(), ck);
                assertThat(s.writtenFrames().isWritten(p >>> FrameRecord.FRAME_SHIFT))
                        .as("seed %d chunk at 0x%X", seed, c.start()).isEqualTo(c.kind() == MemoryChunk.Kind.DATA);
            }
        }
    }

    @Test
    void mappingsCutMoveAndLeaveTheRestAbsent() throws IOException {
        byte[] bytes = new byte[8192];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 16);
        }
        MemorySource source = MemorySource.of(List.of(
                MemoryChunk.data(0, 8192, (off, dst, o, len) -> System.arraycopy(bytes, (int) off, dst, o, len)),
                MemoryChunk.zero(8192, 4096)), 12288);
        MemorySource moved = source.map(List.of(new MemoryMapping(0x10000, 4096, 6144), MemoryMapping.identity(0, 16)),
                0x20000);
        assertThat(moved.memorySize()).isEqualTo(0x20000);
        assertThat(moved.chunks()).extracting(MemoryChunk::start, MemoryChunk::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0L, 16L), org.assertj.core.groups.Tuple.tuple(0x10000L, 4096L),
                org.assertj.core.groups.Tuple.tuple(0x11000L, 2048L));
        byte[] got = new byte[4096];
        moved.read(0x10000, got, 0, got.length);
        assertThat(got).isEqualTo(Arrays.copyOfRange(bytes, 4096, 8192));
        assertThat(moved.chunks().get(2).kind()).isEqualTo(MemoryChunk.Kind.ZERO);
        assertThatThrownBy(() -> moved.read(16, new byte[1], 0, 1)).isInstanceOf(MemoryAbsentException.class);
        assertThatThrownBy(() -> source.map(List.of(MemoryMapping.identity(0, 4096), new MemoryMapping(100, 0, 10)),
                4096)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
    }

    @Test
    void filledReadZeroesGapsAndTheEnd() throws IOException {
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 1);
        MemorySource gappy = MemorySource.of(List.of(
                MemoryChunk.data(4096, 4096, (off, dst, o, len) -> System.arraycopy(ones, (int) off, dst, o, len))),
                16384);
        byte[] b = new byte[16384];
        Arrays.fill(b, (byte) 9);
        gappy.readFilled(0, b, 0, b.length);
        for (int i = 0; i < b.length; i++) {
            assertThat(b[i]).as("byte %d", i).isEqualTo((byte) (i >= 4096 && i < 8192 ? 1 : 0));
        }
    }

    @Test
    void swapMappingNeedsTheReservationAboveItsSize() {
        assertThatThrownBy(() -> new CrashkernelRange(MIB, 2 * MIB).oldMemoryMappings(8 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least the size");
        assertThatThrownBy(() -> new CrashkernelRange(4 * MIB, 2 * MIB).oldMemoryMappings(5 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the memory");
        assertThat(new CrashkernelRange(2 * MIB, 2 * MIB).oldMemoryMappings(4 * MIB))
                .containsExactly(new MemoryMapping(0, 2 * MIB, 2 * MIB));
    }

    @Test
    void oldmemValuesAreAcceptedAsKdumpInitAcceptsThem() {
        assertThat(CrashkernelRange.ofOldmem(8 * MIB, 4 * MIB, 16 * MIB)).contains(new CrashkernelRange(8 * MIB, 4 * MIB));
        assertThat(CrashkernelRange.ofOldmem(12 * MIB, 4 * MIB, 16 * MIB)).isPresent(); // ends at the end
        assertThat(CrashkernelRange.ofOldmem(0, 4 * MIB, 16 * MIB)).as("no base").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(8 * MIB, 0, 16 * MIB)).as("no size").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(8 * MIB + 4096, 4 * MIB, 16 * MIB)).as("unaligned base").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(8 * MIB, 4 * MIB + 4096, 16 * MIB)).as("unaligned size").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(2 * MIB, 4 * MIB, 16 * MIB)).as("base below size").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(14 * MIB, 4 * MIB, 16 * MIB)).as("beyond memory").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(Long.MAX_VALUE - MIB + 1, 4 * MIB, 16 * MIB)).as("overflow").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(-MIB, MIB, 16 * MIB)).as("negative").isEmpty();
        // a dump from outside may claim memory far beyond any machine's storage (found by fuzzing)
        long huge = Long.MAX_VALUE & -MIB;
        assertThat(CrashkernelRange.ofOldmem(AbsoluteStorage.MAX_SIZE, MIB, huge)).as("beyond 16T").isEmpty();
        assertThat(CrashkernelRange.ofOldmem(AbsoluteStorage.MAX_SIZE - MIB, MIB, huge)).as("ends at 16T").isPresent();
    }
}
