package io.sadump.dump.kdump;

import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A kdump-compressed file: positioned writes into a file channel; the gaps the writer leaves (the
 * rest of the header block, bitmap padding) stay sparse zeros, which every reader takes as zeros
 * (reference kdump-compressed.md §1.1). An optional size limit, as {@code makedumpfile -L}, makes a write
 * that would end past it fail like a full disk.
 */
public final class KdumpFileOutput implements KdumpOutput {
    private final FileChannel channel;
    private final long base;
    private final long limit;
    private long size;

    /**
     * @param base the channel position of the dump's byte 0 (the dump may follow other bytes)
     * @param limit the largest dump allowed, or {@link Long#MAX_VALUE}
     */
    public KdumpFileOutput(FileChannel channel, long base, long limit) {
        this.channel = channel;
        this.base = base;
        this.limit = limit;
    }

    public KdumpFileOutput(FileChannel channel, long limit) {
        this(channel, 0, limit);
    }

    public KdumpFileOutput(FileChannel channel) {
        this(channel, 0, Long.MAX_VALUE);
    }

    @Override
    public void write(long offset, byte[] b, int off, int length) throws IOException {
        if (offset + length > limit) {
            throw new DumpDeviceFullException(String.format("the dump file would pass its size limit of %d bytes",
                    limit), offset);
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, length);
        long pos = base + offset;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        size = Math.max(size, offset + length);
    }

    @Override
    public boolean rewrite(long offset, byte[] b) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b);
        long pos = base + offset;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        return true;
    }

    @Override
    public void finish() {}

    @Override
    public long size() {
        return size;
    }
}
