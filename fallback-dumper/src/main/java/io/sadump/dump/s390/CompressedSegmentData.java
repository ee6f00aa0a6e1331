package io.sadump.dump.s390;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the memory of a compressed s390_ext segment: entry i covers bytes [i * entrySize, ...) of the
 * segment; its data starts {@code entryOffsets[i] & 0x7FFFFFFF} blocks after the segment header, as a
 * zlib stream, or stored as is when the high bit is set (as zgetdump's
 * {@code dfi_s390_ext_mem_chunk_read_decompress}). The last decompressed entry of the whole dump is
 * cached in an {@link EntryCache} that all segments of one dump share: a dump with hundreds of
 * segments still holds one entry in memory.
 */
final class CompressedSegmentData implements MemoryChunk.Data {
    private static final int BLOCK = 4096;

    private final DumpBlockSource source;
    private final long segmentStart;
    private final long dataOffset;
    private final long length;
    private final int entrySize;
    private final int[] entryOffsets;
    private final long sizeOnDisk;
    private final EntryCache shared;

    /** The one decompressed entry (and its input buffer) of a dump, with the segment it belongs to. */
    static final class EntryCache {
        private CompressedSegmentData owner;
        private int entry = -1;
        private byte[] data;
        private byte[] compressed;
    }

    CompressedSegmentData(DumpBlockSource source, long segmentStart, long dataOffset, long length, int entrySize,
            int[] entryOffsets, long sizeOnDiskBlocks, EntryCache shared) {
        this.shared = shared;
        this.source = source;
        this.segmentStart = segmentStart;
        this.dataOffset = dataOffset;
        this.length = length;
        this.entrySize = entrySize;
        this.entryOffsets = entryOffsets.clone();
        this.sizeOnDisk = sizeOnDiskBlocks;
    }

    private long entryBlock(int i) {
        return entryOffsets[i] & ~S390SegmentHeader.ENTRY_UNCOMPRESSED & 0xFFFF_FFFFL;
    }

    private boolean stored(int i) {
        return (entryOffsets[i] & S390SegmentHeader.ENTRY_UNCOMPRESSED) != 0;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int len) throws IOException {
        long off = offset;
        int o = dstOffset;
        int left = len;
        while (left > 0) {
            int index = (int) (off / entrySize);
            int within = (int) (off % entrySize);
            int entryLength = (int) Math.min(entrySize, length - (long) index * entrySize);
            int n = Math.min(left, entryLength - within);
            if (stored(index)) {
                source.read(dataOffset + entryBlock(index) * BLOCK + within, dst, o, n);
            } else {
                synchronized (shared) {
                    byte[] entry = inflate(index, entryLength);
                    System.arraycopy(entry, within, dst, o, n);
                }
            }
            off += n;
            o += n;
            left -= n;
        }
    }

    private byte[] inflate(int index, int entryLength) throws IOException {
        EntryCache c = shared;
        if (c.owner == this && c.entry == index) {
            return c.data;
        }
        long endBlock = index + 1 < entryOffsets.length ? entryBlock(index + 1) : sizeOnDisk;
        long blocks = endBlock - entryBlock(index);
        if (blocks <= 0 || blocks * BLOCK > 2L * entrySize + BLOCK) {
            throw new IOException(String.format("s390_ext segment at 0x%X: entry %d has a bad length of %d blocks",
                    segmentStart, index, blocks));
        }
        int size = (int) (blocks * BLOCK);
        if (c.compressed == null || c.compressed.length < size) {
            c.compressed = new byte[size];
        }
        if (c.data == null || c.data.length < entrySize) {
            c.data = new byte[entrySize];
        }
        c.owner = null;
        c.entry = -1;
        byte[] compressed = c.compressed;
        byte[] cache = c.data;
        source.read(dataOffset + entryBlock(index) * BLOCK, compressed, 0, size);
        Inflater inflater = new Inflater(false);
        try {
            inflater.setInput(compressed, 0, size);
            int n = 0;
            while (n < entryLength && !inflater.finished()) {
                int got = inflater.inflate(cache, n, entryLength - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != entryLength) {
                throw new IOException(String.format(
                        "s390_ext segment at 0x%X: entry %d (memory 0x%X) decompresses to %d bytes, expected %d",
                        segmentStart, index, segmentStart + (long) index * entrySize, n, entryLength));
            }
        } catch (DataFormatException e) {
            throw new IOException(String.format("s390_ext segment at 0x%X: entry %d (memory 0x%X) is not valid zlib data: %s",
                    segmentStart, index, segmentStart + (long) index * entrySize, e.getMessage()), e);
        } finally {
            inflater.end();
        }
        c.owner = this;
        c.entry = index;
        return cache;
    }
}
