package io.sadump.archive;

import io.sadump.machine.MappedWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a file into (direct) buffers through a mapping of it, a window of {@link #WINDOW} bytes at a
 * time, instead of {@code read()}: the kernel's copy into the buffer (with its page-cache lookups, a
 * tenth of an archive's CPU time) becomes a copy in this process from the mapped pages, which costs a
 * third of it.
 *
 * <p>The mapped bytes are only ever read by Java code, never handed to native code (the compressor):
 * when the file is cut short while it is mapped, reading a page past its new end raises SIGBUS, which
 * the JVM turns into an {@link InternalError} in Java code but which would kill the JVM inside native
 * code. Here it becomes an {@link IOException} saying that the file changed, as a short {@code read()}
 * does. The file's size is also checked before each window is mapped and after each buffer is filled
 * from it, so that a file cut short is noticed even where the JVM reports the fault late.
 *
 * <p>One thread uses a reader (a window mapped from Java 22 on may only be read and unmapped by the
 * thread that mapped it); {@link #close()} unmaps the last window.
 */
final class MappedFileReader implements AutoCloseable {
    /** Bytes mapped at once: few mappings for a large file, and little address space held. */
    static final long WINDOW = 32L << 20;

    private final Path file;
    private final FileChannel in;
    private final long windowSize;
    private MappedWindow window;
    private long windowStart;
    private long windowEnd;

    MappedFileReader(Path file, FileChannel in) {
        this(file, in, WINDOW);
    }

    /** With windows of {@code windowSize} bytes (tests use small ones). */
    MappedFileReader(Path file, FileChannel in, long windowSize) {
        this.file = file;
        this.in = in;
        this.windowSize = windowSize;
    }

    /**
     * Fills {@code buf} (cleared first) with the file's bytes from {@code position} on, up to {@code size};
     * returns how many were read, fewer than asked for only when the file ended before {@code size}.
     */
    int fill(ByteBuffer buf, long position, long size) throws IOException {
        buf.clear();
        if (size - position < buf.capacity()) {
            buf.limit((int) Math.max(0, size - position));
        }
        int total = 0;
        try {
            while (buf.hasRemaining()) {
                long at = position + total;
                if (at < windowStart || at >= windowEnd) {
                    if (!map(at, size)) {
                        // the file is shorter than the window: the rest by read(), which stops at its end
                        return total + readRest(buf, at);
                    }
                }
                int n = (int) Math.min(buf.remaining(), windowEnd - at);
                buf.put(window.bytes().slice((int) (at - windowStart), n));
                total += n;
            }
            if (in.size() < position + total) {
                throw shorter(position + total);
            }
        } catch (InternalError e) {
            // the JVM's report of a mapped page that could not be read: the file was cut short meanwhile
            throw shorter(position + total, e);
        }
        return total;
    }

    /** Maps the window holding {@code at} (it ends at {@code size} at the latest); false when the file is shorter. */
    private boolean map(long at, long size) throws IOException {
        unmap();
        long start = at - at % windowSize;
        long end = Math.min(start + windowSize, size);
        if (in.size() < end) {
            return false;
        }
        window = MappedWindow.map(in, start, end - start);
        windowStart = start;
        windowEnd = end;
        return true;
    }

    private int readRest(ByteBuffer buf, long at) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = in.read(buf, at + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private void unmap() {
        if (window != null) {
            window.unmap();
            window = null;
            windowStart = 0;
            windowEnd = 0;
        }
    }

    private IOException shorter(long at) {
        return shorter(at, null);
    }

    private IOException shorter(long at, Throwable cause) {
        return new IOException(file + ": changed while it was archived (it became shorter while it was read, "
                + "before byte " + at + ")", cause);
    }

    /** Unmaps the last window (on the thread that used the reader). */
    @Override
    public void close() {
        unmap();
    }
}
