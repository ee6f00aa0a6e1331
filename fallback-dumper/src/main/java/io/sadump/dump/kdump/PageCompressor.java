package io.sadump.dump.kdump;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.util.zip.Deflater;

/**
 * Compresses single pages as makedumpfile's {@code write_kdump_pages_cyclic} does (reference
 * kdump-compressed.md §1.5): zlib through {@code deflateInit(Z_BEST_SPEED)} with the zlib wrapper and one
 * {@code deflate(Z_FINISH)} per page, reset between pages; zstd through {@code ZSTD_compressCCtx} at level
 * 1. Not thread-safe: one per thread.
 *
 * <p>The zstd context is made once and reused: {@code Zstd.compressByteArray} makes and frees one per call,
 * whose set-up cost more than compressing the page. The same parameters (level 1, no checksum, the content
 * size in the frame) give the same bytes.
 */
final class PageCompressor implements AutoCloseable {
    /** Z_BEST_SPEED, as makedumpfile initialises zlib. */
    static final int ZLIB_LEVEL = 1;
    /** makedumpfile's ZSTD_compressCCtx level. */
    static final int ZSTD_LEVEL = 1;

    private final PageCompression method;
    private final int pageSize;
    private final Deflater deflater;
    private final ZstdCompressCtx zstd;
    private final byte[] out;

    PageCompressor(PageCompression method, int pageSize) {
        this.method = method;
        this.pageSize = pageSize;
        this.deflater = method == PageCompression.ZLIB ? new Deflater(ZLIB_LEVEL) : null;
        this.zstd = method == PageCompression.ZSTD ? new ZstdCompressCtx().setLevel(ZSTD_LEVEL).setChecksum(false) : null;
        int bound = method == PageCompression.ZSTD ? (int) Zstd.compressBound(pageSize) : pageSize + pageSize / 8 + 64;
        this.out = new byte[bound];
    }

    /**
     * Compresses {@code pageSize} bytes at {@code src[offset]}; returns the compressed length when it is
     * strictly smaller than a page (the bytes are then in {@link #output()}), else -1 (store raw).
     */
    int compress(byte[] src, int offset) {
        switch (method) {
            case ZLIB -> {
                deflater.reset();
                deflater.setInput(src, offset, pageSize);
                deflater.finish();
                int n = 0;
                while (!deflater.finished() && n < out.length) {
                    n += deflater.deflate(out, n, out.length - n);
                }
                return deflater.finished() && n < pageSize ? n : -1;
            }
            case ZSTD -> {
                int n;
                try {
                    n = zstd.compressByteArray(out, 0, out.length, src, offset, pageSize);
                } catch (ZstdException e) {
                    throw new IllegalStateException("zstd failed on a page: " + e.getMessage(), e);
                }
                return n < pageSize ? n : -1;
            }
            default -> {
                return -1;
            }
        }
    }

    byte[] output() {
        return out;
    }

    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
        }
        if (zstd != null) {
            zstd.close();
        }
    }
}
