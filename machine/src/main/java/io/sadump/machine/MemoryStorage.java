package io.sadump.machine;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/** Sparse absolute storage in memory, 64 KiB pages allocated on first write. For tests. */
final class MemoryStorage extends AbsoluteStorage {
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE = 1 << PAGE_SHIFT;
    /** What an absent page reads as; never written. */
    private static final byte[] ZERO_PAGE = new byte[PAGE];
    private final ConcurrentHashMap<Long, byte[]> pages = new ConcurrentHashMap<>();

    MemoryStorage(long size) {
        super(size, new FrameRecord(size));
    }

    @Override
    protected void readRaw(long address, byte[] dst, int offset, int length) {
        while (length > 0) {
            long page = address >>> PAGE_SHIFT;
            int within = (int) (address & (PAGE - 1));
            int n = Math.min(length, PAGE - within);
            byte[] p = pages.get(page);
            if (p == null) {
                java.util.Arrays.fill(dst, offset, offset + n, (byte) 0);
            } else {
                System.arraycopy(p, within, dst, offset, n);
            }
            address += n;
            offset += n;
            length -= n;
        }
    }

    /** Copies page by page into the buffer, without a heap array of the whole length in between. */
    @Override
    protected void readRaw(long address, ByteBuffer dst) {
        int length = dst.remaining();
        while (length > 0) {
            long page = address >>> PAGE_SHIFT;
            int within = (int) (address & (PAGE - 1));
            int n = Math.min(length, PAGE - within);
            byte[] p = pages.get(page);
            dst.put(p == null ? ZERO_PAGE : p, within, n);
            address += n;
            length -= n;
        }
    }

    @Override
    protected void writeRaw(long address, byte[] src, int offset, int length) {
        while (length > 0) {
            long page = address >>> PAGE_SHIFT;
            int within = (int) (address & (PAGE - 1));
            int n = Math.min(length, PAGE - within);
            byte[] p = pages.get(page);
            if (p == null && isZero(src, offset, n)) {
                // an absent page reads as zero already: writing zeros there costs no heap
            } else {
                if (p == null) {
                    p = pages.computeIfAbsent(page, k -> new byte[PAGE]);
                }
                System.arraycopy(src, offset, p, within, n);
            }
            address += n;
            offset += n;
            length -= n;
        }
    }

    private static boolean isZero(byte[] b, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void clear() {
        pages.clear();
        writtenFrames().markZero(0, writtenFrames().frameCount());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
