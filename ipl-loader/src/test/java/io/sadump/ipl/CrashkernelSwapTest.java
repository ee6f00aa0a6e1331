package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.Sizes;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CrashkernelSwapTest {
    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 0x5AD0L, 987654321L);
    }

    /** Random sparse content: each 1 MiB frame empty, or with some random bytes somewhere. */
    private static byte[] fill(AbsoluteStorage s, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] model = new byte[(int) s.size()];
        for (long f = 0; f < s.size() / Sizes.MIB; f++) {
            if (rnd.nextInt(3) == 0) {
                continue;
            }
            int off = (int) (f * Sizes.MIB) + rnd.nextInt((int) Sizes.MIB - 4096);
            byte[] b = new byte[1 + rnd.nextInt(4096)];
            rnd.nextBytes(b);
            s.write(off, b);
            System.arraycopy(b, 0, model, off, b.length);
        }
        return model;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void swapExchangesLowMemoryWithTheCrashkernelAndLeavesTheRest(long seed) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(32 * Sizes.MIB);
        byte[] before = fill(s, seed);
        CrashkernelRange ck = new CrashkernelRange(12 * Sizes.MIB, 8 * Sizes.MIB);
        CrashkernelSwap.swap(s, ck);
        byte[] after = s.bytes(0, (int) s.size());
        int base = (int) ck.base();
        int size = (int) ck.size();
        for (int a = 0; a < after.length; a++) {
            int expectedFrom = a < size ? a + base : (a >= base && a < base + size) ? a - base : a;
            if (after[a] != before[expectedFrom]) {
                throw new AssertionError("seed " + seed + ": byte at 0x" + Integer.toHexString(a) + " is wrong");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void oldMemoryReadsWhatTheProductionSystemHeldExceptTheCrashkernel(long seed) throws Exception {
        AbsoluteStorage s = AbsoluteStorage.inMemory(32 * Sizes.MIB);
        byte[] before = fill(s, seed);
        CrashkernelRange ck = new CrashkernelRange(16 * Sizes.MIB, 4 * Sizes.MIB);
        CrashkernelSwap.swap(s, ck);
        MemorySource old = KdumpKernel.oldMemory(s, ck);
        long covered = 0;
        byte[] buf = new byte[(int) Sizes.MIB];
        for (MemoryChunk c : old.chunks()) {
            assertThat(c.start() >= ck.end() || c.end() <= ck.base()).as("seed %d: chunk %s in crashkernel", seed, c)
                    .isTrue();
            for (long a = c.start(); a < c.end(); a += buf.length) {
                int n = (int) Math.min(buf.length, c.end() - a);
                old.read(a, buf, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf[i] != before[(int) a + i]) {
                        throw new AssertionError("seed " + seed + ": old memory at 0x" + Long.toHexString(a + i));
                    }
                }
                if (c.kind() == MemoryChunk.Kind.ZERO) {
                    for (int i = 0; i < n; i++) {
                        assertThat(buf[i]).isZero();
                    }
                }
            }
            covered += c.size();
        }
        assertThat(covered).isEqualTo(s.size() - ck.size());
    }

    @Test
    void overlappingCrashkernelIsRefused() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(32 * Sizes.MIB);
        assertThatThrownBy(() -> CrashkernelSwap.swap(s, new CrashkernelRange(4 * Sizes.MIB, 8 * Sizes.MIB)))
                .hasMessageContaining("overlaps");
    }
}
