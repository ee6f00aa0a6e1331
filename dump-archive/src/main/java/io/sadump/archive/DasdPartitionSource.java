package io.sadump.archive;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.ckd.InvalidTrackFormatException;
import io.sadump.device.ckd.NoRecordFoundException;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The dump partition of a 3390 on a Hercules CKD image as the s390 dump readers see it, the way
 * zgetdump reads {@code /dev/dasdX1}: byte 0 is the partition's first block (the dump header;
 * reference s390-tools-dump.md §1.6). A track the dumper never formatted reads as the end of the data
 * ({@link EOFException}), so a dump that was cut short is reported as incomplete, not as damaged.
 */
final class DasdPartitionSource implements DumpBlockSource {
    private static final int BLOCK = DumpBlockSink.BLOCK_SIZE;
    /** Blocks per device read: 128 blocks = 512 KiB, the dumper's track I/O size (§1.6). */
    private static final int BLOCKS_PER_READ = 128;

    private final EckdDasd dasd;
    private final EckdExtent partition;
    private final byte[] buffer = new byte[BLOCKS_PER_READ * BLOCK];
    private long bufferedBlock = -1;
    private int bufferedBlocks;

    DasdPartitionSource(EckdDasd dasd, EckdExtent partition) {
        this.dasd = dasd;
        this.partition = partition;
    }

    EckdDasd dasd() {
        return dasd;
    }

    @Override
    public long size() {
        return partition.byteCapacity();
    }

    @Override
    public synchronized void read(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size()) {
            throw new EOFException(String.format("%s: reading %d bytes at 0x%X passes the end of the dump partition "
                    + "(0x%X bytes)", dasd.name(), length, position, size()));
        }
        long pos = position;
        int off = offset;
        int left = length;
        while (left > 0) {
            long block = pos / BLOCK;
            if (bufferedBlock < 0 || block < bufferedBlock || block >= bufferedBlock + bufferedBlocks) {
                fill(block);
            }
            int within = (int) (pos - bufferedBlock * BLOCK);
            int n = Math.min(left, bufferedBlocks * BLOCK - within);
            System.arraycopy(buffer, within, dst, off, n);
            pos += n;
            off += n;
            left -= n;
        }
    }

    private void fill(long block) throws IOException {
        bufferedBlock = -1;
        int blocks = (int) Math.min(BLOCKS_PER_READ, partition.blockCount() - block);
        try {
            partition.readBlocks(block, ByteBuffer.wrap(buffer, 0, blocks * BLOCK));
        } catch (NoRecordFoundException | InvalidTrackFormatException e) {
            // Read block by block to find where the written data ends.
            for (int i = 0; i < blocks; i++) {
                try {
                    partition.readBlocks(block + i, ByteBuffer.wrap(buffer, i * BLOCK, BLOCK));
                } catch (NoRecordFoundException | InvalidTrackFormatException e2) {
                    if (i == 0) {
                        EOFException eof = new EOFException(String.format("%s: the dump data ends at partition block %d "
                                + "(byte 0x%X): %s", dasd.name(), block, block * BLOCK, e2.getMessage()));
                        eof.initCause(e2);
                        throw eof;
                    }
                    blocks = i;
                    break;
                }
            }
        } catch (DeviceException e) {
            throw e;
        }
        bufferedBlock = block;
        bufferedBlocks = blocks;
    }

    @Override
    public void close() throws IOException {
        dasd.close();
    }
}
