package io.sadump.machine;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One contiguous piece of a {@link MemorySource}: where it is and where its bytes come from.
 *
 * @param start absolute address of the first byte
 * @param size length in bytes (positive)
 * @param kind {@link Kind#DATA} (read through {@code data}) or {@link Kind#ZERO} (known zeros)
 * @param data reads the chunk's bytes; for a ZERO chunk it fills zeros
 */
public record MemoryChunk(long start, long size, Kind kind, Data data) {
    /** Whether a chunk's bytes must be read or are known to be zero. Absent memory is simply not a chunk. */
    public enum Kind {
        DATA, ZERO
    }

    /** Reads {@code length} bytes at {@code offset} from the chunk's start. */
    @FunctionalInterface
    public interface Data {
        void read(long offset, byte[] dst, int dstOffset, int length) throws IOException;

        /**
         * The same bytes from {@code delta} on, for a chunk cut out of this one. A data source that can
         * do more than read (a region of a file the kernel can copy) returns one of its own kind.
         */
        default Data from(long delta) {
            if (delta == 0) {
                return this;
            }
            Data whole = this;
            return (offset, dst, dstOffset, length) -> whole.read(delta + offset, dst, dstOffset, length);
        }

        /**
         * Copies {@code length} bytes at {@code offset} into {@code target} at its position (which advances
         * by {@code length}) without passing them through the JVM, when the bytes lie in a file the kernel
         * can copy from ({@link FileChannel#transferTo}: {@code sendfile} on Linux). Returns false, having
         * written nothing, when they do not; the caller then reads them.
         */
        default boolean transferTo(long offset, long length, FileChannel target) throws IOException {
            return false;
        }
    }

    private static final Data ZEROS = (offset, dst, off, len) -> java.util.Arrays.fill(dst, off, off + len, (byte) 0);

    public MemoryChunk {
        if (start < 0 || size <= 0 || start + size < start) {
            throw new IllegalArgumentException(String.format("bad chunk 0x%X+0x%X", start, size));
        }
    }

    public static MemoryChunk zero(long start, long size) {
        return new MemoryChunk(start, size, Kind.ZERO, ZEROS);
    }

    public static MemoryChunk data(long start, long size, Data data) {
        return new MemoryChunk(start, size, Kind.DATA, data);
    }

    /** One past the last address. */
    public long end() {
        return start + size;
    }

    public boolean contains(long address) {
        return address >= start && address - start < size;
    }

    /**
     * The index of the first chunk in {@code chunks} (sorted by address, without overlaps) that ends
     * after {@code address}: the chunk holding it, or the next one when the address lies in a gap;
     * {@code chunks.size()} when no chunk ends after it. The one binary search of every memory read.
     */
    public static int indexFrom(java.util.List<MemoryChunk> chunks, long address) {
        int lo = 0;
        int hi = chunks.size() - 1;
        int found = chunks.size();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (chunks.get(mid).end() > address) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    /** The index of the chunk holding {@code address}, or -1 when none does. */
    public static int indexHolding(java.util.List<MemoryChunk> chunks, long address) {
        int i = indexFrom(chunks, address);
        return i < chunks.size() && chunks.get(i).contains(address) ? i : -1;
    }
}
