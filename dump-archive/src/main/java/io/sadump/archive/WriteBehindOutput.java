package io.sadump.archive;

import io.sadump.machine.output.UnbufferedChannel;
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
 * <p>Given an {@link UnbufferedChannel} on the same file, it writes there instead, past the page cache:
 * the buffers are allocated aligned, a buffer whose length is a multiple of the alignment is written
 * as it is, other lengths go through a staging buffer that carries the odd tail to the next one, and
 * the last piece is padded to a whole block and the file cut back to its length. No syncs run then:
 * nothing waits in the page cache for the final sync. Here that took the writes of a 1.1 GB archive
 * from 1.4-3.4 CPU-seconds (copying into page-cache pages that the VM's host had taken back) to
 * about none, out of a run of 7 seconds on two cores ({@code dd bs=1M oflag=direct} against
 * {@code conv=fsync}: 0.25 against 2.7-3.1 s of system time).
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
    /** Unbuffered writes of the same file, or null to write {@link #target}. */
    private final UnbufferedWrites unbuffered;
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
        this(target, null, buffers, size);
    }

    /**
     * Writes a new, empty file through {@code unbuffered} instead of through {@code target} (when
     * {@code unbuffered} is null, or {@code size} is not a multiple of its alignment, {@code target} is
     * written as without it).
     *
     * @param target the file's channel; with unbuffered writes it is left at position 0, and the caller
     *     syncs the file through it
     */
    WriteBehindOutput(WritableByteChannel target, UnbufferedChannel unbuffered, int buffers, int size) {
        this.target = target;
        this.unbuffered = unbuffered != null && size % unbuffered.alignment() == 0
                ? new UnbufferedWrites(unbuffered, size) : null;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(this.unbuffered != null ? this.unbuffered.alignedBuffer(size) : ByteBuffer.allocateDirect(size));
        }
        sync = this.unbuffered == null && target instanceof FileChannel f ? new DiskSync(f) : null;
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
                    if (failure == null && unbuffered != null) {
                        unbuffered.finish();
                    }
                    return;
                }
                if (failure == null && unbuffered != null) {
                    unbuffered.write(b);
                } else if (failure == null) {
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
     * Writes at aligned positions in aligned lengths through an {@link UnbufferedChannel}. A buffer that
     * is aligned and a whole number of blocks long is written in place; anything else is gathered in a
     * staging buffer, whose whole blocks are written and whose odd tail waits for the next bytes. At the
     * end the tail is written padded with zeros to a block and the file is cut back to the bytes given.
     */
    private static final class UnbufferedWrites {
        private final FileChannel channel;
        private final int alignment;
        /** File position of the next write (a multiple of the alignment). */
        private long position;
        /** Fewer than an alignment's bytes left over from the last buffer; null until needed. */
        private ByteBuffer stage;
        private final int size;

        UnbufferedWrites(UnbufferedChannel ch, int size) {
            this.channel = ch.channel();
            this.alignment = ch.alignment();
            this.size = size;
        }

        ByteBuffer alignedBuffer(int capacity) {
            return ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).limit(capacity).slice();
        }

        void write(ByteBuffer b) throws IOException {
            if ((stage == null || stage.position() == 0) && b.isDirect() && b.remaining() % alignment == 0
                    && b.alignmentOffset(b.position(), alignment) == 0) {
                writeAt(b);
                return;
            }
            if (stage == null) {
                stage = alignedBuffer(size + alignment);
            }
            while (b.hasRemaining()) {
                int k = Math.min(b.remaining(), stage.remaining());
                int end = b.limit();
                b.limit(b.position() + k);
                stage.put(b);
                b.limit(end);
                int filled = stage.position();
                int whole = filled - filled % alignment;
                if (whole > 0) {
                    stage.position(0).limit(whole);
                    writeAt(stage);
                    // the odd tail moves to the front, which is aligned
                    stage.limit(filled);
                    stage.compact();
                }
            }
        }

        /** Writes the odd tail padded to a block, then cuts the file back to the bytes given. */
        void finish() throws IOException {
            if (stage == null || stage.position() == 0) {
                return;
            }
            int odd = stage.position();
            while (stage.position() % alignment != 0) {
                stage.put((byte) 0);
            }
            stage.flip();
            long at = position;
            writeAt(stage);
            channel.truncate(at + odd);
        }

        private void writeAt(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                position += channel.write(b, position);
            }
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
