package io.sadump.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes full buffers to a channel on a thread of its own, so that the compressor never waits for the
 * file: a write into the page cache can block for as long as the kernel throttles dirty pages, which
 * on a busy machine is longer than compressing the next buffer takes (the zstd tool overlaps its
 * writes the same way).
 *
 * <p>A file target is also flushed to its disk every {@link #SYNC_EVERY} bytes: the archive is synced
 * before it is renamed into place (nothing is lost), and syncing as it is written leaves that last
 * sync only the tail to do instead of the whole archive. Those syncs run on a third thread: a sync
 * waits for the disk (tens of milliseconds for each {@link #SYNC_EVERY} bytes), and in the writer's
 * loop that wait stopped the writes, filled the buffers and held up the compressor, once per sync.
 * The writes go on into the page cache meanwhile; a request while a sync runs is folded into the next
 * one.
 *
 * <p>Buffers come from a small fixed pool ({@link #take()}); a failed write is reported by the next
 * {@link #submit}, {@link #take} or {@link #finish}.
 */
final class WriteBehindOutput implements AutoCloseable {
    /** Bytes written between two flushes of a file target to its disk. */
    static final long SYNC_EVERY = 64L << 20;
    /**
     * Largest single write(2). Linux (6.x, ext4 with large folios) gives one write the page-cache pages
     * of that size at once; in a VM whose host reclaims free guest memory (Firecracker, virtio-balloon
     * free-page reporting), large folios come from memory the host took back, and copying into them cost
     * four times as much: a 1.1 GB archive took 1.1 s of system time in 1 MiB writes, 0.3 s in 256 KiB
     * ones ({@code dd bs=1M} against {@code bs=256K}: 1.6-1.8 s against 0.4 s). Elsewhere the smaller
     * writes cost nothing measurable.
     */
    static final int WRITE_PIECE = 256 << 10;

    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final WritableByteChannel target;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<ByteBuffer> full;
    private final Thread thread;
    /** The disk syncs of a file target (null for any other target). */
    private final DiskSync sync;
    private volatile Throwable failure;
    private boolean ended;

    /**
     * @param buffers how many buffers may be in flight (one is being filled, the others queued)
     * @param size the size of each (direct) buffer
     */
    WriteBehindOutput(WritableByteChannel target, int buffers, int size) {
        this.target = target;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(ByteBuffer.allocateDirect(size));
        }
        sync = target instanceof FileChannel f ? new DiskSync(f) : null;
        thread = new Thread(this::run, "archive-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long unsynced = 0;
        try {
            while (true) {
                ByteBuffer b = full.take();
                if (b == END) {
                    return;
                }
                if (failure == null) {
                    int n = b.remaining();
                    writeInPieces(target, b);
                    unsynced += n;
                    if (sync != null && unsynced >= SYNC_EVERY) {
                        unsynced = 0;
                        sync.request();
                    }
                }
                b.clear();
                free.put(b);
            }
        } catch (Throwable t) {
            failure = t;
            // unblock a producer waiting for a free buffer
            free.offer(ByteBuffer.allocate(0));
        }
    }

    /** Writes all of {@code b} in calls of at most {@value #WRITE_PIECE} bytes. */
    static void writeInPieces(WritableByteChannel target, ByteBuffer b) throws IOException {
        int end = b.limit();
        try {
            while (b.position() < end) {
                b.limit(Math.min(end, b.position() + WRITE_PIECE));
                CompressingChannel.writeFully(target, b);
            }
        } finally {
            b.limit(end);
        }
    }

    private void check() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (t != null) {
            throw new IOException("writing the archive failed: " + t, t);
        }
    }

    /** A cleared buffer to fill; waits while all are queued for writing. */
    ByteBuffer take() throws IOException {
        check();
        try {
            ByteBuffer b = free.take();
            check();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the archive");
        }
    }

    /** Queues a buffer (flipped: its remaining bytes are written); it comes back through {@link #take()}. */
    void submit(ByteBuffer b) throws IOException {
        check();
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the archive");
        }
    }

    /** Waits until everything queued is written; reports a failed write. */
    void finish() throws IOException {
        end();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the archive");
        }
        check();
    }

    private void end() {
        if (!ended) {
            ended = true;
            try {
                full.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the threads (after what is queued, or at once after a failure); does not close the target. */
    @Override
    public void close() {
        end();
        join(thread);
        if (sync != null) {
            sync.stop();
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                // the target is closed after this returns: no thread may still use it then
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Flushes a file to its disk when asked, on a thread of its own. Requests made while a flush runs
     * are answered by one more flush after it (it covers everything written until it starts).
     */
    private static final class DiskSync {
        private final FileChannel file;
        private final Thread thread;
        private boolean requested;
        private boolean stopped;

        DiskSync(FileChannel file) {
            this.file = file;
            thread = new Thread(this::run, "archive-sync");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void request() {
            requested = true;
            notifyAll();
        }

        private void run() {
            while (true) {
                synchronized (this) {
                    while (!requested && !stopped) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (stopped) {
                        return; // the last sync, before the rename, is the owner's
                    }
                    requested = false;
                }
                try {
                    file.force(false);
                } catch (IOException cannotSync) {
                    // a device cannot be synced; the final sync reports a real failure
                    return;
                }
            }
        }

        /** Skips the requests still waiting and returns when no flush runs any more. */
        void stop() {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            join(thread);
        }
    }
}
