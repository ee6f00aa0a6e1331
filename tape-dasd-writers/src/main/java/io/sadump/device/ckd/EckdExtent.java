package io.sadump.device.ckd;

import io.sadump.device.DeviceException;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A range of whole tracks of a DASD seen as 4096-byte blocks numbered from 0 (a Define Extent plus the
 * block arithmetic of a dumper). Index {@code i} is volume block {@code firstBlock() + i}, i.e. record
 * {@code i % 12 + 1} of track {@code firstTrack() + i / 12}. Any access outside the extent is
 * {@link EndOfExtentException}; nothing of such a request is transferred.
 *
 * <h2>As a dump partition</h2>
 * An extent is the partition the s390 dump writers write ({@link DumpBlockSink}) and the readers read
 * ({@link DumpBlockSource}), as zipl's dumper writes and zgetdump reads {@code /dev/dasdX1}: byte 0 is
 * the partition's first block, the dump header (docs/formats.md §6.4). Through these
 * interfaces the conditions a dump cares about take the dump's terms: a write past the extent is
 * {@link DumpDeviceFullException} ("Device too small"), and a read that meets a track the dumper never
 * formatted ends the data ({@link EOFException}), so a dump that was cut short reads as incomplete,
 * not as damaged. Reads go through a buffer of up to {@value #BLOCKS_PER_READ} blocks; they are
 * serialised, so one extent may serve several reader threads.
 *
 * <p>Closing an extent closes its DASD only when it was made by {@link #closingDasd()}: an extent from
 * {@link EckdDasd#dumpPartition()} or {@link EckdDasd#extent} is a view of a device its opener closes.
 */
public final class EckdExtent implements DumpBlockSink, DumpBlockSource {
    /** Blocks per buffered read: 128 blocks = 512 KiB, the dumper's track I/O size (docs/formats.md §6.4). */
    static final int BLOCKS_PER_READ = 128;
    /** The page size of the file system holding the image. */
    private static final int IMAGE_PAGE = 4096;
    /** Tracks whose slots add up to whole pages: 8 x 56832 bytes = 111 x 4096. */
    private static final int PAGE_ALIGNED_TRACKS = 8;

    private final EckdDasd dasd;
    private final int firstTrack;
    private final int lastTrack;
    private final boolean ownsDasd;
    /** Read buffer: blocks [bufferedBlock, bufferedBlock + bufferedBlocks) of the extent, if any. */
    private byte[] buffer;
    private long bufferedBlock = -1;
    private int bufferedBlocks;

    EckdExtent(EckdDasd dasd, int firstTrack, int lastTrack) {
        this(dasd, firstTrack, lastTrack, false);
    }

    private EckdExtent(EckdDasd dasd, int firstTrack, int lastTrack, boolean ownsDasd) {
        this.dasd = dasd;
        this.firstTrack = firstTrack;
        this.lastTrack = lastTrack;
        this.ownsDasd = ownsDasd;
    }

    /**
     * The same tracks as an extent that owns its DASD: closing it closes the device. For a reader that
     * opens a volume only to read its dump and hands the partition on.
     */
    public EckdExtent closingDasd() {
        return new EckdExtent(dasd, firstTrack, lastTrack, true);
    }

    /** Whether closing this extent closes its DASD. */
    public boolean ownsDasd() {
        return ownsDasd;
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
    public synchronized void writeBlocks(long index, ByteBuffer data) throws DeviceException {
        check(index, data.remaining(), "writing");
        bufferedBlock = -1; // what was read may be overwritten now
        dasd.writeBlocks(firstBlock() + index, data);
    }

    /** Reads {@code dst.remaining() / 4096} blocks from index {@code index} into {@code dst}. */
    public void readBlocks(long index, ByteBuffer dst) throws DeviceException {
        check(index, dst.remaining(), "reading");
        dasd.readBlocks(firstBlock() + index, dst);
    }

    // ---------------------------------------------------------------------------------------------
    // the dump partition: DumpBlockSink

    /**
     * Writes {@code blockCount} blocks from {@code buf[off ..]} at index {@code firstBlock}.
     *
     * @throws DumpDeviceFullException if any of them lies past the extent (nothing is written)
     */
    @Override
    public void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException {
        try {
            writeBlocks(firstBlock, ByteBuffer.wrap(buf, off, blockCount * CkdTrack.BLOCK_SIZE));
        } catch (EndOfExtentException e) {
            DumpDeviceFullException full = new DumpDeviceFullException(e.getMessage(), firstBlock);
            full.initCause(e);
            throw full;
        }
    }

    /** {@link #blockCount()}. */
    @Override
    public long capacityBlocks() {
        return blockCount();
    }

    /**
     * Eight tracks when the extent starts on a 4 KiB page of the image file, else one track. Index 0
     * starts a track, so writes ending on a multiple of 12 blocks end on a track; eight 56832-byte
     * slots are 111 pages, so from a page-aligned start (the dump partition's track 1 lies at 512 +
     * 56832 bytes) such writes also end on a page, and the kernel never has to read a partly
     * overwritten page of the image back from the disk.
     */
    @Override
    public int writeUnitBlocks() {
        boolean pageAligned = dasd.geometry().trackOffset(firstTrack) % IMAGE_PAGE == 0;
        return pageAligned ? PAGE_ALIGNED_TRACKS * CkdTrack.BLOCKS_PER_TRACK : CkdTrack.BLOCKS_PER_TRACK;
    }

    /** Forces what was written to the DASD's image. */
    @Override
    public void flush() throws DeviceException {
        dasd.flush();
    }

    // ---------------------------------------------------------------------------------------------
    // the dump partition: DumpBlockSource

    /** {@link #byteCapacity()}. */
    @Override
    public long size() {
        return byteCapacity();
    }

    /**
     * Reads {@code length} bytes at byte {@code position} of the extent.
     *
     * @throws EOFException when the range passes the extent, or reaches a track that was never
     *     formatted (the recorded data ends there)
     */
    @Override
    public synchronized void read(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size()) {
            throw new EOFException(String.format("%s: reading %d bytes at 0x%X passes the end of the extent "
                    + "(0x%X bytes)", dasd.name(), length, position, size()));
        }
        long pos = position;
        int off = offset;
        int left = length;
        boolean direct = true; // until a direct read meets a track never formatted: fill finds where
        while (left > 0) {
            long block = pos / CkdTrack.BLOCK_SIZE;
            int windows = left / (BLOCKS_PER_READ * CkdTrack.BLOCK_SIZE);
            if (direct && pos % CkdTrack.BLOCK_SIZE == 0 && windows > 0
                    && (direct = readWindows(block, windows, dst, off))) {
                // whole windows go straight to the caller, the same reads fill would make, one copy fewer
                int n = windows * BLOCKS_PER_READ * CkdTrack.BLOCK_SIZE;
                pos += n;
                off += n;
                left -= n;
                continue;
            }
            if (bufferedBlock < 0 || block < bufferedBlock || block >= bufferedBlock + bufferedBlocks) {
                fill(block);
            }
            int within = (int) (pos - bufferedBlock * CkdTrack.BLOCK_SIZE);
            int n = Math.min(left, bufferedBlocks * CkdTrack.BLOCK_SIZE - within);
            System.arraycopy(buffer, within, dst, off, n);
            pos += n;
            off += n;
            left -= n;
        }
    }

    /**
     * Reads {@code windows} read buffers' worth of blocks from {@code block} on into {@code dst}; false when
     * one of them reaches a track that was never formatted, which {@link #fill} then finds block by block.
     */
    private boolean readWindows(long block, int windows, byte[] dst, int offset) throws DeviceException {
        try {
            readBlocks(block, ByteBuffer.wrap(dst, offset, windows * BLOCKS_PER_READ * CkdTrack.BLOCK_SIZE));
            return true;
        } catch (NoRecordFoundException | InvalidTrackFormatException e) {
            return false;
        }
    }

    /** Buffers blocks from {@code block} on, up to the first block of a track that was never formatted. */
    private void fill(long block) throws IOException {
        if (buffer == null) {
            buffer = new byte[BLOCKS_PER_READ * CkdTrack.BLOCK_SIZE];
        }
        bufferedBlock = -1;
        int blocks = (int) Math.min(BLOCKS_PER_READ, blockCount() - block);
        try {
            readBlocks(block, ByteBuffer.wrap(buffer, 0, blocks * CkdTrack.BLOCK_SIZE));
        } catch (NoRecordFoundException | InvalidTrackFormatException e) {
            // block by block, to find where the written data ends
            for (int i = 0; i < blocks; i++) {
                try {
                    readBlocks(block + i, ByteBuffer.wrap(buffer, i * CkdTrack.BLOCK_SIZE, CkdTrack.BLOCK_SIZE));
                } catch (NoRecordFoundException | InvalidTrackFormatException notWritten) {
                    if (i == 0) {
                        EOFException eof = new EOFException(String.format("%s: the dump data ends at partition block "
                                + "%d (byte 0x%X): %s", dasd.name(), block, block * CkdTrack.BLOCK_SIZE,
                                notWritten.getMessage()));
                        eof.initCause(notWritten);
                        throw eof;
                    }
                    blocks = i;
                    break;
                }
            }
        }
        bufferedBlock = block;
        bufferedBlocks = blocks;
    }

    /** Closes the DASD if this extent owns it ({@link #closingDasd()}); else nothing. */
    @Override
    public void close() throws DeviceException {
        if (ownsDasd) {
            dasd.close();
        }
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
