package io.sadump.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * makedumpfile's {@code struct makedumpfile_data_header}: one positioned write of a flattened stream,
 * followed by {@code bufSize} bytes (reference kdump-compressed.md §2.1). The end marker is (−1, −1).
 *
 * @param offset where the bytes go in the rebuilt file
 * @param bufSize how many bytes follow
 */
public record FlatRecordHeader(long offset, long bufSize) {
    public static final int SIZE = 16;
    /** {@code END_FLAG_FLAT_HEADER}: both fields −1. */
    public static final FlatRecordHeader END = new FlatRecordHeader(-1, -1);

    public boolean isEnd() {
        return offset == -1 && bufSize == -1;
    }

    public void write(ByteBuffer dst) {
        dst.order(ByteOrder.BIG_ENDIAN).putLong(offset).putLong(bufSize);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    public static FlatRecordHeader read(ByteBuffer src) {
        ByteBuffer b = src.order(ByteOrder.BIG_ENDIAN);
        return new FlatRecordHeader(b.getLong(), b.getLong());
    }
}
