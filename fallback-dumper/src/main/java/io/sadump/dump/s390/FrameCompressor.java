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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * Compresses 1 MiB entries on several threads and hands the results back in submission order, so
 * the dump is byte-identical whatever the thread timing. Each entry is one zlib stream at level 1,
 * as the zipl dumper writes it ({@code zipl/boot/eckd2dump_zlib.c}: deflate level 1, zlib wrapper);
 * an entry whose compressed form would not save a block is stored as is, and so is one whose every
 * page looks random. Inside a compressed entry, pages that look random are stored blocks of the
 * stream ({@link #deflate}). Buffers come from a fixed pool, so memory stays bounded (about 2 x
 * window x 1 MiB).
 */
final class FrameCompressor implements AutoCloseable {
    static final int BLOCK = 4096;
    static final int LEVEL = 1;
    /** The unit whose bytes are judged compressible or not. */
    static final int PAGE = 4096;
    /** Every fifth byte of a page is sampled. */
    static final int SAMPLE_STRIDE = 5;
    static final int SAMPLES = (PAGE + SAMPLE_STRIDE - 1) / SAMPLE_STRIDE;
    /**
     * At most this many ordered pairs of equal bytes in a page's sample (sum of c(c-1) over the byte
     * counts): an unbiased estimate of the collision probability at or below 2^-7.75. A random page
     * averages SAMPLES(SAMPLES-1)/256 = 2623 with a standard deviation near 72, 7 deviations below
     * the bound (3119); a random page judged compressible only costs time.
     */
    static final long RANDOM_PAIRS = (long) (SAMPLES * (SAMPLES - 1.0) * Math.pow(2, -7.75));

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
        submit(input, length, null);
    }

    /**
     * Queues an entry of {@code length} bytes that {@code fill} puts into {@code input} on the
     * compression thread, before compressing it: the threads then read memory side by side, and
     * the thread that writes the dump only writes.
     */
    void submit(byte[] input, int length, Fill fill) {
        Entry e = new Entry(input, length);
        pending.add(pool.submit(() -> {
            if (fill != null) {
                fill.fill(input, length);
            }
            return compress(e);
        }));
    }

    /** Reads an entry's bytes into its input buffer. */
    @FunctionalInterface
    interface Fill {
        void fill(byte[] input, int length) throws IOException;
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
            // a failure to read memory reaches the caller as the reader threw it
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("compressing a dump entry failed: " + cause, cause);
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
            int n = deflate(d, e.input, e.inputLength, out);
            if (n > 0) {
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

    /**
     * Deflates {@code in[0, length)} into {@code out} as one zlib stream; returns its length, or 0 when
     * the entry is to be stored (the stream would not save a block, or no page is worth compressing).
     *
     * <p>Pages whose bytes look random ({@link #incompressible}) go into the stream as stored blocks:
     * the deflater is switched to level 0 for them and back to level 1 after, at page boundaries.
     * Level 1 would find nothing in such a page and emit a stored block for it anyway, after hashing
     * every byte: for random memory that search is most of the CPU time of the dump (zlib at level 1
     * deflates random bytes about 3x slower than text). Each switch ends a deflate block.
     */
    static int deflate(Deflater d, byte[] in, int length, byte[] out) {
        int pages = (length + PAGE - 1) / PAGE;
        boolean[] raw = new boolean[pages];
        int[] counts = new int[256];
        int rawPages = 0;
        for (int p = 0; p < pages; p++) {
            raw[p] = (p + 1) * PAGE <= length && incompressible(in, p * PAGE, counts);
            if (raw[p]) {
                rawPages++;
            }
        }
        if (rawPages == pages) {
            return 0;
        }
        // Compressed output must save at least one block, else the entry is stored.
        int room = length - BLOCK;
        d.reset();
        int level = -1;
        int n = 0;
        for (int p = 0; p < pages; ) {
            int q = p + 1;
            while (q < pages && raw[q] == raw[p]) {
                q++;
            }
            int want = raw[p] ? Deflater.NO_COMPRESSION : LEVEL;
            if (want != level) {
                // applied by the next deflate call, which must have no input: zlib deflates whatever
                // input that call has at the old level while it ends the block
                d.setLevel(want);
                int space = room - n;
                if (space <= 0) {
                    return 0;
                }
                int got = d.deflate(out, n, space, Deflater.NO_FLUSH);
                n += got;
                if (got == space) {
                    return 0;
                }
                level = want;
            }
            d.setInput(in, p * PAGE, Math.min(q * PAGE, length) - p * PAGE);
            while (!d.needsInput()) {
                int space = room - n;
                if (space <= 0) {
                    return 0;
                }
                n += d.deflate(out, n, space, Deflater.NO_FLUSH);
            }
            p = q;
        }
        d.finish();
        while (!d.finished() && n < room) {
            n += d.deflate(out, n, room - n);
        }
        return d.finished() ? n : 0;
    }

    /**
     * Whether the 4 KiB page at {@code off} looks like random bytes: every fifth byte sampled (5 is
     * prime to the power-of-two strides of structured data), and the sample's collision entropy is at
     * least 7.75 bits per byte, where Huffman coding saves at most 3%. Random bytes average 7.9; text
     * and structures lie far below. {@code counts} is scratch.
     */
    static boolean incompressible(byte[] in, int off, int[] counts) {
        java.util.Arrays.fill(counts, 0);
        for (int i = off; i < off + PAGE; i += SAMPLE_STRIDE) {
            counts[in[i] & 0xFF]++;
        }
        long pairs = 0;
        for (int c : counts) {
            pairs += (long) c * (c - 1);
        }
        return pairs <= RANDOM_PAIRS;
    }

    /**
     * Stops the threads without interrupting them: a thread interrupted inside a read of a
     * {@link java.nio.channels.FileChannel} closes the channel, and the storage it reads must stay open
     * for whoever reads it after a dump cut short. Entries not yet started are dropped; those under
     * way finish (one frame each).
     */
    @Override
    public void close() {
        for (Future<Entry> f : pending) {
            f.cancel(false);
        }
        pending.clear();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Deflater d;
        while ((d = deflaters.poll()) != null) {
            d.end();
        }
    }
}
