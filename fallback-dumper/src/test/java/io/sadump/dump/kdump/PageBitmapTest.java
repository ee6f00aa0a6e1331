package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bitmap against java.util.BitSet: bits, runs, ranks, and the on-disk bytes (LSB-first, §1.4). */
class PageBitmapTest {
    static LongStream seeds() {
        return new SplittableRandom(0xB17L).longs(8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithABitSet(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int pfns = 1 + r.nextInt(20_000);
        PageBitmap b = new PageBitmap(pfns);
        BitSet want = new BitSet();
        for (int k = r.nextInt(50); k > 0; k--) {
            int from = r.nextInt(pfns);
            int to = Math.min(pfns, from + r.nextInt(700));
            b.setRange(from, to);
            want.set(from, to);
        }
        b.index();
        String why = "seed " + seed;
        assertThat(b.cardinality()).as(why).isEqualTo(want.cardinality());
        for (int p = 0; p < pfns; p++) {
            assertThat(b.get(p)).as(why).isEqualTo(want.get(p));
            assertThat(b.rank(p)).as(why).isEqualTo(want.get(0, p).cardinality());
            int ns = want.nextSetBit(p);
            assertThat(b.nextSet(p)).as(why).isEqualTo(ns < 0 ? -1 : ns);
            assertThat(b.nextClear(p)).as(why).isEqualTo(Math.min(pfns, want.nextClearBit(p)));
        }
        int bytes = (pfns + 7) / 8 + 16;
        byte[] disk = new byte[bytes];
        b.copyBytes(0, disk, bytes);
        for (int i = 0; i < bytes; i++) {
            for (int bit = 0; bit < 8; bit++) {
                boolean set = (disk[i] >> bit & 1) != 0;
                assertThat(set).as("%s: byte %d bit %d", why, i, bit).isEqualTo(want.get(i * 8 + bit));
            }
        }
        // a piece from any byte on is the same slice of the whole (word by word from a multiple of 8)
        for (int k = 0; k < 20; k++) {
            int from = r.nextInt(bytes);
            int n = r.nextInt(bytes - from + 1);
            byte[] piece = new byte[n];
            b.copyBytes(from, piece, n);
            assertThat(piece).as("%s: bytes %d+%d", why, from, n)
                    .isEqualTo(java.util.Arrays.copyOfRange(disk, from, from + n));
            int aligned = from & ~7;
            byte[] whole = new byte[bytes - aligned];
            b.copyBytes(aligned, whole, whole.length);
            assertThat(whole).as("%s: bytes %d on", why, aligned)
                    .isEqualTo(java.util.Arrays.copyOfRange(disk, aligned, bytes));
        }
        PageBitmap back = PageBitmap.ofBytes(disk, pfns);
        PageBitmap ored = new PageBitmap(pfns);
        ored.orBytes(0, disk, bytes);
        for (int p = 0; p < pfns; p++) {
            assertThat(back.get(p)).as(why).isEqualTo(want.get(p));
            assertThat(ored.get(p)).as(why).isEqualTo(want.get(p));
        }
    }
}
