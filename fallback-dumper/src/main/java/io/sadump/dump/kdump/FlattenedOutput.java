package io.sadump.dump.kdump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * makedumpfile's flattened stream ({@code -F}, reference kdump-compressed.md §2.1): the 4096-byte
 * {@link FlatHeader}, one record ({@link FlatRecordHeader} and bytes) per positioned write, and the
 * end marker. Made for a pipe: it never seeks.
 */
public final class FlattenedOutput implements KdumpOutput {
    private final WritableByteChannel out;
    private long size;
    private boolean started;

    public FlattenedOutput(WritableByteChannel out) {
        this.out = out;
    }

    private void put(byte[] b, int off, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, length);
        while (bb.hasRemaining()) {
            out.write(bb);
        }
        size += length;
    }

    private void start() throws IOException {
        if (!started) {
            started = true;
            put(FlatHeader.standard().toBytes(), 0, FlatHeader.SIZE);
        }
    }

    @Override
    public void write(long offset, byte[] b, int off, int length) throws IOException {
        start();
        put(new FlatRecordHeader(offset, length).toBytes(), 0, FlatRecordHeader.SIZE);
        put(b, off, length);
    }

    @Override
    public boolean rewrite(long offset, byte[] b) {
        return false;
    }

    @Override
    public void finish() throws IOException {
        start();
        put(FlatRecordHeader.END.toBytes(), 0, FlatRecordHeader.SIZE);
    }

    @Override
    public long size() {
        return size;
    }
}
