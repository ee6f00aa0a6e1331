package io.sadump.archive.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * A new, empty file written with its all-zero buffers left out: they stay holes, which read as zeros,
 * so the file holds the same bytes while the disk gets only the rest (a dump's free memory is mostly
 * zero frames, and writing it out is most of a conversion's time). The writers see a seekable channel
 * and write into it as into the file; {@link #finish()} makes the file as long as what was written
 * when it ends in a hole.
 *
 * <p>Only for a file that is new and empty: a skipped page must read as zero afterwards.
 */
public final class ZeroSkippingChannel implements SeekableByteChannel {
    /**
     * The smallest write left out when all zero: whole buffers of the writers (1 MiB), not single pages,
     * so that the file keeps long extents the disk writes in large pieces (a file full of page-sized
     * holes costs more to write back than the zeros would).
     */
    static final int MIN_HOLE = 256 << 10;
    private static final byte[] ZERO = new byte[1 << 16];

    private final FileChannel file;
    private long position;
    private long size;

    /** @param file a new, empty file opened for writing */
    public ZeroSkippingChannel(FileChannel file) {
        this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (!(n >= MIN_HOLE && src.hasArray() && allZero(src.array(), src.arrayOffset() + src.position(), n))) {
            writeAt(src, position);
        }
        src.position(src.limit());
        position += n;
        size = Math.max(size, position);
        return n;
    }

    private static boolean allZero(byte[] a, int off, int len) {
        for (int i = off; i < off + len; i += ZERO.length) {
            int k = Math.min(ZERO.length, off + len - i);
            if (Arrays.mismatch(a, i, i + k, ZERO, 0, k) >= 0) {
                return false;
            }
        }
        return true;
    }

    private void writeAt(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            p += file.write(b, p);
        }
    }

    /** Extends the file to what was written when its end is a hole. */
    public void finish() throws IOException {
        if (file.size() < size) {
            writeAt(ByteBuffer.allocate(1), size - 1);
        }
    }

    /** Reads back what was written at the position; skipped zeros, even past the file's end, read as zeros. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), size - position);
        ByteBuffer part = dst.slice();
        part.limit(want);
        int n = file.read(part, position);
        if (n <= 0) {
            // a hole at the end that finish() has not extended yet
            n = want;
            while (part.hasRemaining()) {
                part.put((byte) 0);
            }
        }
        dst.position(dst.position() + n);
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    /** The size the file has after {@link #finish()}. */
    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) throws IOException {
        file.truncate(newSize);
        size = Math.min(size, newSize);
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /** Does not close the file (its owner does, after {@link #finish()}). */
    @Override
    public void close() {}
}
