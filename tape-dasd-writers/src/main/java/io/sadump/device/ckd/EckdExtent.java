package io.sadump.device.ckd;

import io.sadump.device.DeviceException;
import java.nio.ByteBuffer;

/**
 * A range of whole tracks of a DASD seen as 4096-byte blocks numbered from 0 (a Define Extent plus the
 * block arithmetic of a dumper). Index {@code i} is volume block {@code firstBlock() + i}, i.e. record
 * {@code i % 12 + 1} of track {@code firstTrack() + i / 12}. Any access outside the extent is
 * {@link EndOfExtentException}; nothing of such a request is transferred.
 */
public final class EckdExtent {
    private final EckdDasd dasd;
    private final int firstTrack;
    private final int lastTrack;

    EckdExtent(EckdDasd dasd, int firstTrack, int lastTrack) {
        this.dasd = dasd;
        this.firstTrack = firstTrack;
        this.lastTrack = lastTrack;
    }

    public EckdDasd dasd() {
        return dasd;
    }

    /** First track (absolute, cyl * 15 + head). */
    public int firstTrack() {
        return firstTrack;
    }

    /** Last track, inclusive. */
    public int lastTrack() {
        return lastTrack;
    }

    /** 4096-byte blocks per track: 12. */
    public int blocksPerTrack() {
        return CkdTrack.BLOCKS_PER_TRACK;
    }

    /** 4096. */
    public int blockSize() {
        return CkdTrack.BLOCK_SIZE;
    }

    /** Volume block number of index 0 (zipl's {@code start_blk}). */
    public long firstBlock() {
        return (long) firstTrack * CkdTrack.BLOCKS_PER_TRACK;
    }

    /** Volume block number of the last block, inclusive (zipl's {@code end_blk}). */
    public long lastBlock() {
        return (long) (lastTrack + 1) * CkdTrack.BLOCKS_PER_TRACK - 1;
    }

    /** Number of blocks in the extent. */
    public long blockCount() {
        return lastBlock() - firstBlock() + 1;
    }

    /** Bytes in the extent: blocks x 4096. */
    public long byteCapacity() {
        return blockCount() * CkdTrack.BLOCK_SIZE;
    }

    /**
     * Writes {@code data.remaining() / 4096} blocks at index {@code index} (the buffer is consumed).
     *
     * @throws EndOfExtentException if any of them lies past the extent (nothing is written)
     */
    public void writeBlocks(long index, ByteBuffer data) throws DeviceException {
        check(index, data.remaining(), "writing");
        dasd.writeBlocks(firstBlock() + index, data);
    }

    /** Reads {@code dst.remaining() / 4096} blocks from index {@code index} into {@code dst}. */
    public void readBlocks(long index, ByteBuffer dst) throws DeviceException {
        check(index, dst.remaining(), "reading");
        dasd.readBlocks(firstBlock() + index, dst);
    }

    /** Reads the block at index {@code index}. */
    public byte[] readBlock(long index) throws DeviceException {
        byte[] out = new byte[CkdTrack.BLOCK_SIZE];
        readBlocks(index, ByteBuffer.wrap(out));
        return out;
    }

    private void check(long index, int bytes, String what) throws EndOfExtentException {
        if (bytes == 0 || bytes % CkdTrack.BLOCK_SIZE != 0) {
            throw new IllegalArgumentException("block I/O needs a positive multiple of 4096 bytes, got " + bytes);
        }
        long n = bytes / CkdTrack.BLOCK_SIZE;
        if (index < 0 || index + n > blockCount()) {
            throw new EndOfExtentException(dasd.name(), what + " " + n + " blocks at index " + index
                    + " goes past the end of the extent (" + blockCount() + " blocks, tracks " + firstTrack + ".."
                    + lastTrack + ")");
        }
    }

    @Override
    public String toString() {
        return "extent of " + dasd.name() + ": tracks " + firstTrack + ".." + lastTrack + ", blocks " + firstBlock()
                + ".." + lastBlock();
    }
}
