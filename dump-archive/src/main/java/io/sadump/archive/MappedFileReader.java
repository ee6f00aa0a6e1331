package io.sadump.archive;

import io.sadump.machine.MappedWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a file into buffers through a mapping of it, a window of {@link #WINDOW} bytes at a
 * time, instead of {@code read()}: the kernel's copy into the buffer (with its page-cache lookups, a
 * tenth of an archive's CPU time) becomes a copy in this process from the mapped pages, which costs a
 * third of it.
 *
 * <p>The mapped bytes are only ever read by Java code, never handed to native code (the compressor):
 * when the file is cut short while it is mapped, reading a page past its new end raises SIGBUS, which
 * the JVM turns into an {@link InternalError} in Java code but which would kill the JVM inside native
 * code. Here it becomes an {@link IOException} saying that the file changed, as a short {@code read()}
 * does; the copy runs on a thread of its own for that ({@link #copy}). The file's size is also checked
 * before each window is mapped and after each buffer is filled from it, so that a file cut short is
 * noticed even when the JVM does not report the fault before the copying thread ends.
 *
 * <p>One thread uses a reader; {@link #close()} unmaps the last window.
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
                Throwable fault = copy(window.bytes().slice((int) (at - windowStart), n), buf);
                if (fault != null) {
                    throw shorter(position + total, fault);
                }
                total += n;
            }
            if (in.size() < position + total) {
                throw shorter(position + total);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DigestingChannel.interrupted();
        }
        return total;
    }

    /**
     * Copies {@code src} (mapped) into {@code dst} on a thread that does nothing else, and returns the
     * fault it met, if any. The JVM reports a mapped page that cannot be read (SIGBUS: the file was cut
     * short) with an {@link InternalError} that is asynchronous: the faulting copy goes on, and the error
     * is thrown at some later point of the thread that copied, possibly inside the JDK's channel or lock
     * code, which it leaves inconsistent (a FileChannel whose close then waits forever was seen in
     * tests). A thread of its own that only copies and then ends takes the error wherever it comes,
     * and this one sees it after the join. A copy of a few MiB costs far more than starting a thread.
     */
    private static Throwable copy(ByteBuffer src, ByteBuffer dst) throws InterruptedException {
        Throwable[] fault = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                dst.put(src);
            } catch (InternalError e) {
                fault[0] = e;
            }
        }, "archive-map-copy");
        t.setDaemon(true);
        // an error thrown after the copy (the JVM's report comes late) ends the thread here too
        t.setUncaughtExceptionHandler((thread, e) -> fault[0] = e);
        t.start();
        t.join();
        return fault[0];
    }

    /** Maps the window holding {@code at} (it ends at {@code size} at the latest); false when the file is shorter. */
    private boolean map(long at, long size) throws IOException {
        unmap();
        long start = at - at % windowSize;
        long end = Math.min(start + windowSize, size);
        if (in.size() < end) {
            return false;
        }
        try {
            window = MappedWindow.map(in, start, end - start);
        } catch (IOException e) {
            // cut short after the check: mapping past the end of a read-only channel fails ("cannot extend
            // file to required size"), which says nothing to a user
            if (in.size() < end) {
                throw shorter(at, e);
            }
            throw e;
        }
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
