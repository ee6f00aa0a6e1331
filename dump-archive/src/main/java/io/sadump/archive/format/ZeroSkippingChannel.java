package io.sadump.archive.format;

import io.sadump.machine.output.UnbufferedChannel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A new, empty file written with its all-zero buffers left out: they stay holes, which read as zeros,
 * so the file holds the same bytes while the disk gets only the rest (a dump's free memory is mostly
 * zero frames, and writing it out is most of a conversion's time). The writers see a seekable channel
 * and write into it as into the file; {@link #finish()} makes the file as long as what was written
 * when it ends in a hole.
 *
 * <p>Only for a file that is new and empty: a skipped page must read as zero afterwards.
 *
 * <p>Given a channel on the same file that bypasses the page cache, the whole blocks of each large write
 * go through it, and only the partial blocks at a write's two ends through the page cache: a
 * conversion's gigabytes then cost the kernel no copy into cache pages, which on this project's VMs
 * took more time than the whole rest of the conversion, and varied from run to run. The two paths meet
 * in the kernel, which writes back and drops a cached page before an unbuffered write covers it, so
 * the file holds what was written last either way; reads go through the cache and see the same.
 */
public final class ZeroSkippingChannel implements SeekableByteChannel {
    /**
     * The smallest write left out when all zero: whole buffers of the writers (1 MiB), not single pages,
     * so that the file keeps long extents the disk writes in large pieces (a file full of page-sized
     * holes costs more to write back than the zeros would).
     */
    static final int MIN_HOLE = 256 << 10;
    private static final byte[] ZERO = new byte[1 << 16];

    /** The smallest run of whole blocks written past the page cache; shorter writes go through it. */
    static final int MIN_UNBUFFERED = 64 << 10;
    /** Bytes copied into the aligned buffer for one unbuffered write. */
    static final int UNBUFFERED_CHUNK = 1 << 20;

    /** Aligned buffers of the unbuffered writes: one being filled while the others are written. */
    static final int UNBUFFERED_BUFFERS = 4;

    private final FileChannel file;
    private final UnbufferedChannel unbuffered;
    /** The unbuffered writes' thread; started at the first one. */
    private WriteBehind behind;
    private long position;
    private long size;

    /** @param file a new, empty file opened for writing */
    public ZeroSkippingChannel(FileChannel file) {
        this(file, Optional.empty());
    }

    /**
     * @param file a new, empty file opened for writing
     * @param unbuffered a channel on the same file that bypasses the page cache, when there is one
     */
    public ZeroSkippingChannel(FileChannel file, Optional<UnbufferedChannel> unbuffered) {
        this.file = file;
        this.unbuffered = unbuffered.orElse(null);
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
        if (unbuffered != null) {
            int block = unbuffered.alignment();
            long from = (at + block - 1) / block * block;
            long to = (at + b.remaining()) / block * block;
            if (to - from >= MIN_UNBUFFERED) {
                int end = b.limit();
                b.limit(b.position() + (int) (from - at));
                writeBuffered(b, at);
                b.limit(b.position() + (int) (to - from));
                writeUnbuffered(b, from);
                b.limit(end);
                writeBuffered(b, to);
                return;
            }
        }
        writeBuffered(b, at);
    }

    private void writeBuffered(ByteBuffer b, long at) throws IOException {
        if (!b.hasRemaining()) {
            return;
        }
        // an unbuffered write still queued could cover these bytes and would then land after them
        drain();
        long p = at;
        while (b.hasRemaining()) {
            p += file.write(b, p);
        }
    }

    /** Whole blocks from {@code at} (aligned) on, copied into aligned buffers and written behind. */
    private void writeUnbuffered(ByteBuffer b, long at) throws IOException {
        if (behind == null) {
            behind = new WriteBehind(unbuffered);
        }
        long p = at;
        while (b.hasRemaining()) {
            int n = Math.min(b.remaining(), UNBUFFERED_CHUNK);
            int end = b.limit();
            b.limit(b.position() + n);
            behind.submit(b, p);
            b.limit(end);
            p += n;
        }
    }

    /** Waits for the unbuffered writes queued so far; throws the first that failed. */
    private void drain() throws IOException {
        if (behind != null) {
            behind.drain();
        }
    }

    /**
     * The unbuffered writes, on a thread of their own: such a write returns only when the device has the
     * bytes, and the thread lets that wait overlap the making of the next buffer.
     */
    private static final class WriteBehind implements Runnable {
        private final FileChannel direct;
        private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(UNBUFFERED_BUFFERS);
        private final ArrayBlockingQueue<Job> queue = new ArrayBlockingQueue<>(UNBUFFERED_BUFFERS + 1);
        private final Thread thread;
        /** Jobs queued and not yet written (guarded by this). */
        private int outstanding;
        /** The first failed write (guarded by this); later jobs are dropped. */
        private IOException failure;

        private record Job(ByteBuffer buffer, long at) {}

        private static final Job STOP = new Job(null, -1);

        WriteBehind(UnbufferedChannel unbuffered) {
            this.direct = unbuffered.channel();
            int block = unbuffered.alignment();
            for (int i = 0; i < UNBUFFERED_BUFFERS; i++) {
                free.add(ByteBuffer.allocateDirect(UNBUFFERED_CHUNK + block).alignedSlice(block)
                        .limit(UNBUFFERED_CHUNK).slice());
            }
            thread = new Thread(this, "unbuffered writes");
            thread.setDaemon(true);
            thread.start();
        }

        /** Copies the remaining bytes of {@code src} (at most a chunk) and queues their write at {@code at}. */
        void submit(ByteBuffer src, long at) throws IOException {
            throwFailure();
            try {
                ByteBuffer b = free.take();
                b.clear();
                b.put(src);
                b.flip();
                synchronized (this) {
                    outstanding++;
                }
                queue.put(new Job(b, at));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            }
        }

        @Override
        public void run() {
            while (true) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (job == STOP) {
                    return;
                }
                try {
                    if (failed() == null) {
                        long p = job.at();
                        while (job.buffer().hasRemaining()) {
                            p += direct.write(job.buffer(), p);
                        }
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        failure = e;
                    }
                } finally {
                    free.add(job.buffer());
                    synchronized (this) {
                        outstanding--;
                        notifyAll();
                    }
                }
            }
        }

        private synchronized IOException failed() {
            return failure;
        }

        private void throwFailure() throws IOException {
            IOException e = failed();
            if (e != null) {
                throw new IOException(e.getMessage(), e);
            }
        }

        synchronized void drain() throws IOException {
            boolean interrupted = false;
            while (outstanding > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throwFailure();
        }

        /** Ends the thread once the queued writes are done. */
        void stop() {
            boolean interrupted = false;
            while (true) {
                try {
                    queue.put(STOP);
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the writes still under way, then extends the file to what was written when its end is a hole. */
    public void finish() throws IOException {
        drain();
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
        drain();
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
        drain();
        file.truncate(newSize);
        size = Math.min(size, newSize);
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /**
     * Ends the unbuffered writes' thread once its queued writes are done; does not close the file (its
     * owner does, after {@link #finish()}, which reports a failed write).
     */
    @Override
    public void close() {
        if (behind != null) {
            behind.stop();
            behind = null;
        }
    }
}
