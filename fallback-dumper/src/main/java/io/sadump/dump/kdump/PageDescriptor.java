package io.sadump.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * makedumpfile's {@code page_desc_t}: where one dumped page's bytes are and how they are stored
 * (reference kdump-compressed.md §1.5). A descriptor that was never written (an incomplete dump, §1.8)
 * reads as all zeros: a real page never has offset 0.
 *
 * @param offset absolute file offset of the page data
 * @param size bytes stored: the compressed length, or the block size when stored raw
 * @param flags {@link #FLAG_ZLIB}, {@link #FLAG_LZO}, {@link #FLAG_SNAPPY}, {@link #FLAG_ZSTD} or 0 (raw)
 * @param pageFlags always 0 as makedumpfile writes it
 */
public record PageDescriptor(long offset, int size, int flags, long pageFlags) {
    public static final int SIZE = 24;
    public static final int FLAG_ZLIB = 0x1;
    public static final int FLAG_LZO = 0x2;
    public static final int FLAG_SNAPPY = 0x4;
    public static final int FLAG_ZSTD = 0x20;
    /** Any of the compression flags. */
    public static final int COMPRESSED = FLAG_ZLIB | FLAG_LZO | FLAG_SNAPPY | FLAG_ZSTD;

    public boolean unwritten() {
        return offset == 0 && size == 0 && flags == 0 && pageFlags == 0;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.order(ByteOrder.BIG_ENDIAN);
        b.putLong(offset).putInt(size).putInt(flags).putLong(pageFlags);
    }

    public static PageDescriptor read(ByteBuffer src) {
        ByteBuffer b = src.order(ByteOrder.BIG_ENDIAN);
        return new PageDescriptor(b.getLong(), b.getInt(), b.getInt(), b.getLong());
    }
}
