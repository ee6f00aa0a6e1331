package io.sadump.dump;

import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * A DASD partition in memory for tests: a {@link DumpBlockSink} of fixed capacity and a {@link
 * DumpBlockSource} over what was written. Unwritten blocks read as zeros up to the high-water mark of
 * writes; {@link #truncatedSource(long)} cuts it.
 */
public final class MemoryVolume implements DumpBlockSink {
    private final long capacity;
    private byte[] data = new byte[0];
    private long written;
    private int writeCalls;
    private long failAtBlock = -1;

    public MemoryVolume(long capacityBlocks) {
        this.capacity = capacityBlocks;
    }

    /** Makes a write touching {@code block} fail with an I/O error (an injected device error). */
    public MemoryVolume failingAt(long block) {
        this.failAtBlock = block;
        return this;
    }

    @Override
    public synchronized void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException {
        if (firstBlock + blockCount > capacity) {
            throw new DumpDeviceFullException("test volume full", firstBlock);
        }
        if (failAtBlock >= firstBlock && failAtBlock < firstBlock + blockCount) {
            throw new IOException("injected I/O error at block " + failAtBlock);
        }
        long end = (firstBlock + blockCount) * BLOCK_SIZE;
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.max(end, Math.min(capacity * BLOCK_SIZE, data.length * 2L)));
        }
        System.arraycopy(buf, off, data, (int) (firstBlock * BLOCK_SIZE), blockCount * BLOCK_SIZE);
        written = Math.max(written, end);
        writeCalls++;
    }

    @Override
    public long capacityBlocks() {
        return capacity;
    }

    public long bytesWritten() {
        return written;
    }

    public byte[] bytes() {
        return Arrays.copyOf(data, (int) written);
    }

    /** The partition as a reader sees it: its size is the partition size. */
    public DumpBlockSource source() {
        return source(capacity * BLOCK_SIZE, written);
    }

    /** The bytes written, as a file of exactly that length. */
    public DumpBlockSource fileSource() {
        return source(written, written);
    }

    /** A file holding only the first {@code length} bytes written. */
    public DumpBlockSource truncatedSource(long length) {
        return source(length, Math.min(length, written));
    }

    private DumpBlockSource source(long size, long readable) {
        byte[] snapshot = Arrays.copyOf(data, (int) readable);
        return new DumpBlockSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                if (position < 0 || position + length > size) {
                    throw new EOFException("past the end of the test volume");
                }
                int have = (int) Math.max(0, Math.min(length, snapshot.length - position));
                if (have > 0) {
                    System.arraycopy(snapshot, (int) position, dst, offset, have);
                }
                if (have < length) {
                    if (size > readable && position + length <= size) {
                        Arrays.fill(dst, offset + have, offset + length, (byte) 0);
                    } else {
                        throw new EOFException("past the end of the test volume");
                    }
                }
            }
        };
    }
}
