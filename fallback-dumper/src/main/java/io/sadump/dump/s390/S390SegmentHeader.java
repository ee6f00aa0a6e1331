package io.sadump.dump.s390;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The 4 KiB dump segment header {@code struct df_s390_dump_segm_hdr} of the s390_ext format
 * (s390-tools {@code include/dump/s390_dump.h}; docs/formats.md §3.1). The segment's data
 * follows it: {@code len} bytes, or {@code sizeOnDisk} blocks when compressed.
 *
 * @param start memory address of the segment (1 MiB aligned as the dumper writes it)
 * @param length bytes of memory in the segment
 * @param stopMarker non-zero (-1) on the last segment
 * @param sizeOnDisk blocks of compressed data; 0 for an uncompressed segment
 * @param entryOffsets per 1 MiB entry of a compressed segment: its block offset from the start of
 *     the segment data, with {@link #ENTRY_UNCOMPRESSED} set when the entry is stored as is
 */
public record S390SegmentHeader(long start, long length, long stopMarker, int sizeOnDisk, int[] entryOffsets) {
    public static final int SIZE = 4096;
    public static final int OFF_START = 0x00;
    public static final int OFF_LEN = 0x08;
    public static final int OFF_STOP_MARKER = 0x10;
    public static final int OFF_SIZE_ON_DISK = 0x18;
    public static final int OFF_ENTRY_COUNT = 0x30;
    public static final int OFF_ENTRY_OFFSET = 0x34;
    /** {@code DUMP_SEGM_ZLIB_MAXENTS}: (4096 - 0x34) / 4 = 1011. */
    public static final int MAX_ENTRIES = (SIZE - OFF_ENTRY_OFFSET) / 4;
    /** {@code DUMP_SEGM_ENTRY_UNCOMPRESSED}: high bit of an entry offset. */
    public static final int ENTRY_UNCOMPRESSED = 0x8000_0000;
    /** The stop marker value the dumper writes ({@code -1UL}). */
    public static final long STOP = -1L;

    public S390SegmentHeader {
        entryOffsets = entryOffsets.clone();
        if (entryOffsets.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("a segment header holds at most " + MAX_ENTRIES + " entries");
        }
    }

    /** An uncompressed segment. */
    public static S390SegmentHeader plain(long start, long length, boolean last) {
        return new S390SegmentHeader(start, length, last ? STOP : 0, 0, new int[0]);
    }

    @Override
    public int[] entryOffsets() {
        return entryOffsets.clone();
    }

    public boolean isLast() {
        return stopMarker != 0;
    }

    public boolean isCompressed() {
        return sizeOnDisk != 0;
    }

    public int entryCount() {
        return entryOffsets.length;
    }

    /** Reads 4096 bytes; the entry count is clamped to {@link #MAX_ENTRIES} (a larger one is damage). */
    public static S390SegmentHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        long count = b.getInt(OFF_ENTRY_COUNT) & 0xFFFF_FFFFL;
        int[] entries = new int[(int) Math.min(count, MAX_ENTRIES)];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = b.getInt(OFF_ENTRY_OFFSET + 4 * i);
        }
        S390SegmentHeader h = new S390SegmentHeader(b.getLong(OFF_START), b.getLong(OFF_LEN),
                b.getLong(OFF_STOP_MARKER), b.getInt(OFF_SIZE_ON_DISK), entries);
        src.position(src.position() + SIZE);
        return h;
    }

    /** The raw entry count field (may exceed {@link #MAX_ENTRIES} in a damaged header). */
    public static long rawEntryCount(ByteBuffer src) {
        return src.slice().order(ByteOrder.BIG_ENDIAN).getInt(OFF_ENTRY_COUNT) & 0xFFFF_FFFFL;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < SIZE; i += 8) {
            b.putLong(i, 0);
        }
        b.putLong(OFF_START, start).putLong(OFF_LEN, length).putLong(OFF_STOP_MARKER, stopMarker)
                .putInt(OFF_SIZE_ON_DISK, sizeOnDisk).putInt(OFF_ENTRY_COUNT, entryOffsets.length);
        for (int i = 0; i < entryOffsets.length; i++) {
            b.putInt(OFF_ENTRY_OFFSET + 4 * i, entryOffsets[i]);
        }
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S390SegmentHeader s && start == s.start && length == s.length
                && stopMarker == s.stopMarker && sizeOnDisk == s.sizeOnDisk
                && Arrays.equals(entryOffsets, s.entryOffsets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return String.format("S390SegmentHeader[start=0x%X len=0x%X stop=%s size_on_disk=%d entries=%d]", start,
                length, isLast(), sizeOnDisk, entryOffsets.length);
    }
}
