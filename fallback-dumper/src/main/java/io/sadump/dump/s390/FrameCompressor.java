package io.sadump.dump.s390;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * Compresses 1 MiB entries on several threads and hands the results back in submission order, so
 * the dump is byte-identical whatever the thread timing. Each entry is one zlib stream at level 1,
 * as the zipl dumper writes it ({@code zipl/boot/eckd2dump_zlib.c}: deflate level 1, zlib wrapper);
 * an entry whose compressed form would not save a block is stored as is, and so is one whose first
 * 64 KiB do not compress by about 3% (incompressible memory is detected without deflating all of it). Buffers come from a fixed
 * pool, so memory stays bounded (about 2 x window x 1 MiB).
 */
final class FrameCompressor implements AutoCloseable {
    static final int BLOCK = 4096;
    static final int LEVEL = 1;
    /** Bytes deflated first to see whether an entry compresses at all. */
    static final int PROBE = 64 * 1024;
    /** The probe must save at least 1/32 (about 3%), else the entry is stored. */
    static final int PROBE_MIN_SAVING = 32;

    /** One compressed (or stored) entry. {@code data[0, blocks * 4096)} is what goes to disk. */
    static final class Entry {
        final byte[] input;
        final int inputLength;
        byte[] output;
        int outputLength;
        boolean stored;

        Entry(byte[] input, int inputLength) {
            this.input = input;
            this.inputLength = inputLength;
        }

        /** The bytes to write, padded with zeros to a whole block. */
        byte[] data() {
            return stored ? input : output;
        }

        int blocks() {
            return (stored ? inputLength : outputLength + BLOCK - 1) / BLOCK;
        }
    }

    private final int window;
    private final ExecutorService pool;
    private final BlockingQueue<byte[]> inputs;
    private final BlockingQueue<byte[]> outputs;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Future<Entry>> pending = new ArrayDeque<>();

    FrameCompressor(int threads, int entrySize) {
        this.window = threads * 2 + 1;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sadump-zlib-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // one more input than the window: the caller fills a buffer while the window is full
        this.inputs = new ArrayBlockingQueue<>(window + 1);
        this.outputs = new ArrayBlockingQueue<>(window);
        for (int i = 0; i < window + 1; i++) {
            inputs.add(new byte[entrySize]);
        }
        for (int i = 0; i < window; i++) {
            outputs.add(new byte[entrySize]);
        }
    }

    /** True when {@link #take()} must be called before the next {@link #submit}. */
    boolean full() {
        return pending.size() >= window;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** A free input buffer to read the next entry into. */
    byte[] inputBuffer() throws IOException {
        byte[] b = inputs.poll();
        if (b == null) {
            throw new IllegalStateException("all input buffers are in use: release taken entries first");
        }
        return b;
    }

    /** Queues the entry {@code input[0, length)} (length a multiple of 4096). */
    void submit(byte[] input, int length) {
        Entry e = new Entry(input, length);
        pending.add(pool.submit(() -> compress(e)));
    }

    /** The oldest submitted entry, compressed; give it back with {@link #release} after writing it. */
    Entry take() throws IOException {
        Future<Entry> f = pending.poll();
        if (f == null) {
            throw new IllegalStateException("nothing submitted");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing the dump");
        } catch (ExecutionException e) {
            throw new IOException("compressing a dump entry failed: " + e.getCause(), e.getCause());
        }
    }

    void release(Entry e) {
        inputs.add(e.input);
        if (e.output != null) {
            outputs.add(e.output);
        }
    }

    private Entry compress(Entry e) throws InterruptedException {
        byte[] out = outputs.take();
        Deflater d = deflaters.poll();
        if (d == null) {
            d = new Deflater(LEVEL, false);
        }
        try {
            d.reset();
            // Compressed output must save at least one block, else the entry is stored. A probe of the
            // first 64 KiB (ended with a sync flush, which keeps the stream valid) detects incompressible
            // data early, so random memory costs little CPU.
            int room = e.inputLength - BLOCK;
            int n = 0;
            boolean store = false;
            if (e.inputLength > 2 * PROBE) {
                d.setInput(e.input, 0, PROBE);
                while (n < room) {
                    int space = room - n;
                    int got = d.deflate(out, n, space, Deflater.SYNC_FLUSH);
                    n += got;
                    if (got < space) {
                        break; // the flush is complete
                    }
                }
                store = n >= room || n > PROBE - PROBE / PROBE_MIN_SAVING;
                if (!store) {
                    d.setInput(e.input, PROBE, e.inputLength - PROBE);
                }
            } else {
                d.setInput(e.input, 0, e.inputLength);
            }
            if (!store) {
                d.finish();
                while (!d.finished() && n < room) {
                    n += d.deflate(out, n, room - n);
                }
                store = !d.finished() || n == 0;
            }
            if (!store) {
                int padded = (n + BLOCK - 1) / BLOCK * BLOCK;
                java.util.Arrays.fill(out, n, padded, (byte) 0);
                e.output = out;
                e.outputLength = n;
                e.stored = false;
            } else {
                outputs.add(out);
                e.stored = true;
            }
            return e;
        } finally {
            deflaters.add(d);
        }
    }

    @Override
    public void close() {
        for (Future<Entry> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        pool.shutdownNow();
        Deflater d;
        while ((d = deflaters.poll()) != null) {
            d.end();
        }
    }
}
