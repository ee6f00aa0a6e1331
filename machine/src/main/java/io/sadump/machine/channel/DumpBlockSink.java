package io.sadump.machine.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a DASD dump writer puts its data: a partition of 4096-byte blocks, addressed from 0 (the
 * block that holds the dump header) to {@link #capacityBlocks()} - 1.
 *
 * <p>Writes are positional because the s390_ext writer fills in a compressed segment's header after
 * its data, as the zipl dumper does ({@code zipl/boot/eckd2dump_zlib.c}, docs/formats.md §3.3). The
 * 3390 driver's extent implements this for a DASD partition; {@link #of(FileChannel, long)} adapts
 * a file.
 */
public interface DumpBlockSink {
    /** The block size of every s390 dump partition (docs/formats.md §6.4). */
    int BLOCK_SIZE = 4096;

    /**
     * Writes {@code blockCount} blocks from {@code buf[off ..]} starting at block {@code firstBlock}.
     * Callers never write past {@link #capacityBlocks()}; an implementation may still refuse with
     * {@link DumpDeviceFullException}.
     */
    void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException;

    /** The number of blocks of the partition. */
    long capacityBlocks();

    /**
     * The blocks of the medium's unit of writing (for a DASD partition: whole tracks, 12 blocks each,
     * that also end on a page of the image file); 1 when any block can be written alone. A write that ends inside a unit makes
     * the device read the unit back to update it, so a sequential writer ends its writes on a
     * multiple of this when it can.
     */
    default int writeUnitBlocks() {
        return 1;
    }

    /** Pushes written blocks to the medium. */
    default void flush() throws IOException {}

    /**
     * A file as a partition of {@code capacityBlocks} blocks; block 0 is at file offset 0. The file
     * grows as blocks are written (it is not pre-allocated).
     */
    static DumpBlockSink of(FileChannel channel, long capacityBlocks) {
        if (capacityBlocks <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacityBlocks);
        }
        return new DumpBlockSink() {
            @Override
            public void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException {
                if (firstBlock < 0 || blockCount < 0 || firstBlock + blockCount > capacityBlocks) {
                    throw new DumpDeviceFullException(String.format(
                            "write of %d blocks at block %d does not fit a partition of %d blocks", blockCount,
                            firstBlock, capacityBlocks), firstBlock);
                }
                ByteBuffer b = ByteBuffer.wrap(buf, off, blockCount * BLOCK_SIZE);
                long pos = firstBlock * BLOCK_SIZE;
                while (b.hasRemaining()) {
                    pos += channel.write(b, pos);
                }
            }

            @Override
            public long capacityBlocks() {
                return capacityBlocks;
            }

            @Override
            public void flush() throws IOException {
                channel.force(false);
            }
        };
    }
}
