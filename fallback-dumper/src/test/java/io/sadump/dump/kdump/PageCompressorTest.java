package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One compressor, reused page after page, gives each page the bytes a fresh one-shot call gives it:
 * {@code ZSTD_compressCCtx} at level 1 for zstd (zstd-jni's {@code Zstd.compressByteArray}), a new
 * {@code deflateInit(Z_BEST_SPEED)} stream for zlib (reference kdump-compressed.md §1.5). Pages that do
 * not shrink are stored raw (-1).
 */
class PageCompressorTest {
    static final int PAGE = KdumpCompressedWriter.PAGE_SIZE;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 0x7a737464L, -42})
    void aReusedZstdContextWritesWhatAOneShotCallWrites(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (PageCompressor c = new PageCompressor(PageCompression.ZSTD, PAGE)) {
            for (int i = 0; i < 300; i++) {
                byte[] page = page(rnd);
                byte[] want = new byte[(int) Zstd.compressBound(PAGE)];
                long n = Zstd.compressByteArray(want, 0, want.length, page, 0, PAGE, PageCompressor.ZSTD_LEVEL);
                int got = c.compress(page, 0);
                String why = "seed " + seed + ", page " + i;
                if (n >= PAGE) {
                    assertThat(got).as(why).isEqualTo(-1);
                    continue;
                }
                assertThat(got).as(why).isEqualTo((int) n);
                assertThat(Arrays.copyOf(c.output(), got)).as(why).isEqualTo(Arrays.copyOf(want, (int) n));
                assertThat(Zstd.decompress(Arrays.copyOf(c.output(), got), PAGE)).as(why).isEqualTo(page);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2, 0x7a6c6962L})
    void aResetDeflaterWritesWhatAFreshOneWrites(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (PageCompressor c = new PageCompressor(PageCompression.ZLIB, PAGE)) {
            for (int i = 0; i < 200; i++) {
                byte[] page = page(rnd);
                Deflater d = new Deflater(PageCompressor.ZLIB_LEVEL);
                d.setInput(page);
                d.finish();
                byte[] want = new byte[2 * PAGE];
                int n = 0;
                while (!d.finished()) {
                    n += d.deflate(want, n, want.length - n);
                }
                d.end();
                int got = c.compress(page, 0);
                String why = "seed " + seed + ", page " + i;
                if (n >= PAGE) {
                    assertThat(got).as(why).isEqualTo(-1);
                    continue;
                }
                assertThat(Arrays.copyOf(c.output(), got)).as(why).isEqualTo(Arrays.copyOf(want, n));
                Inflater inf = new Inflater();
                inf.setInput(c.output(), 0, got);
                byte[] back = new byte[PAGE];
                assertThat(inf.inflate(back)).as(why).isEqualTo(PAGE);
                inf.end();
                assertThat(back).as(why).isEqualTo(page);
            }
        }
    }

    /** A zero, text-like, random or half-random page. */
    static byte[] page(SplittableRandom rnd) {
        byte[] p = new byte[PAGE];
        switch (rnd.nextInt(4)) {
            case 0 -> { }
            case 1 -> {
                byte[] words = "kworker systemd page_cache slab dentry\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int i = 0; i < PAGE; i++) {
                    p[i] = words[(i + rnd.nextInt(3)) % words.length];
                }
            }
            case 2 -> rnd.nextBytes(p);
            default -> {
                byte[] half = new byte[PAGE / 2];
                rnd.nextBytes(half);
                System.arraycopy(half, 0, p, rnd.nextInt(PAGE / 2), half.length);
            }
        }
        return p;
    }
}
