package io.sadump.ipl;

import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.ckd.InvalidTrackFormatException;
import io.sadump.device.ckd.NoRecordFoundException;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A DASD dump partition read through the device driver, as zgetdump reads {@code /dev/dasdX1}: byte
 * offset 0 is the partition's first block (the dump header). Reads are block-aligned underneath.
 */
public final class DasdDumpSource implements DumpBlockSource {
    private static final int BLOCK = DumpBlockSink.BLOCK_SIZE;
    private final EckdExtent partition;
    private final AutoCloseable owner;

    /**
     * @param owner closed with this source (the device), or null
     */
    public DasdDumpSource(EckdExtent partition, AutoCloseable owner) {
        this.partition = partition;
        this.owner = owner;
    }

    @Override
    public long size() {
        return partition.byteCapacity();
    }

    @Override
    public synchronized void read(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size()) {
            throw new java.io.EOFException(String.format("reading %d bytes at 0x%X passes the end of %s", length,
                    position, partition));
        }
        while (length > 0) {
            long block = position / BLOCK;
            int within = (int) (position % BLOCK);
            int blocks = (int) Math.min((within + (long) length + BLOCK - 1) / BLOCK, 128);
            blocks = (int) Math.min(blocks, partition.blockCount() - block);
            byte[] buf = new byte[blocks * BLOCK];
            try {
                partition.readBlocks(block, ByteBuffer.wrap(buf));
            } catch (NoRecordFoundException | InvalidTrackFormatException e) {
                readUpToUnwritten(block, buf);
            }
            int n = Math.min(length, buf.length - within);
            System.arraycopy(buf, within, dst, offset, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    /**
     * Reads block by block after a read met a track without (valid) records. Such a track was never
     * written (a failed track write leaves it so): what the dumper recorded ends there, which the
     * readers report as an incomplete dump (dump-archive's DasdPartitionSource does the same).
     */
    private void readUpToUnwritten(long first, byte[] buf) throws IOException {
        for (int i = 0; i < buf.length / BLOCK; i++) {
            try {
                partition.readBlocks(first + i, ByteBuffer.wrap(buf, i * BLOCK, BLOCK));
            } catch (NoRecordFoundException | InvalidTrackFormatException e) {
                java.io.EOFException eof = new java.io.EOFException(String.format(
                        "%s: no record at partition block %d (byte 0x%X): the recorded dump ends there (%s)",
                        partition, first + i, (first + i) * BLOCK, e.getMessage()));
                eof.initCause(e);
                throw eof;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (owner != null) {
            try {
                owner.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
