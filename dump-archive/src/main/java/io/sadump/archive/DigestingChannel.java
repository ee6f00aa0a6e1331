package io.sadump.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes into an archive member and computes the SHA-256 of what passes (the member's line in
 * SHA256SUMS). A large buffer is digested on a thread of its own while the calling thread hands the
 * same bytes to the compressor, as {@code zstd} and {@code sha256sum} side by side would: the digest
 * costs about as much as feeding zstd does, and done one after the other they would keep a core idle.
 * {@link #write} returns only when both are done with the buffer, so the caller may reuse it at once;
 * {@link #writeDigestingLater} returns when the compressor is done and leaves the digest running, so
 * that neither waits for the other while a caller with several buffers keeps both busy.
 */
final class DigestingChannel implements WritableByteChannel, AutoCloseable {
    /** Smaller writes are digested in line (a hand-over costs more than the digest). */
    static final int PARALLEL_FROM = 256 << 10;
    /** Bytes handed to the digest per call ({@link #digestInPieces}). */
    static final int DIGEST_PIECE = 64 << 10;

    private final WritableByteChannel out;
    private final MessageDigest md = DumpArchiveWriter.sha256();
    /** One thread: digests run in the order the bytes were written. */
    private ExecutorService digester;
    /** The last digest handed to the digester (null when none is pending). */
    private Future<?> pending;
    private long count;

    DigestingChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (n < PARALLEL_FROM) {
            awaitPending();
            md.update(src.duplicate());
            CompressingChannel.writeFully(out, src);
            count += n;
            return n;
        }
        Future<?> digest = digestLater(src);
        try {
            CompressingChannel.writeFully(out, src);
        } finally {
            awaitDigest(digest);
        }
        count += n;
        return n;
    }

    /**
     * Compresses all of {@code src} now and digests it on the digest thread, after everything written
     * before. The buffer must stay unchanged until the returned future is done; digests that fail are
     * reported by that future and by {@link #hex()}.
     */
    Future<?> writeDigestingLater(ByteBuffer src) throws IOException {
        int n = src.remaining();
        Future<?> digest = digestLater(src);
        try {
            CompressingChannel.writeFully(out, src);
        } catch (IOException | RuntimeException e) {
            // the buffer must not be handed back while the digest still reads it
            awaitQuietly(digest);
            throw e;
        }
        count += n;
        return digest;
    }

    private Future<?> digestLater(ByteBuffer src) {
        if (digester == null) {
            digester = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "archive-sha256");
                t.setDaemon(true);
                return t;
            });
        }
        // the digest reads a view of the same bytes (the JDK's SHA-256 runs on the CPU's SHA instructions
        // where there are some); a heap buffer's view keeps its array, which the digest reads in place
        ByteBuffer view = src.hasArray() ? src.duplicate() : src.asReadOnlyBuffer();
        pending = digester.submit(() -> digestInPieces(view));
        return pending;
    }

    /**
     * Digests {@code view} in pieces of {@value #DIGEST_PIECE} bytes. The JDK digests a direct buffer
     * in a loop of 4 KiB steps; given a whole copy buffer per call, that loop is entered so rarely that
     * it runs interpreted for the first GiBs of a dump, at half the speed of the compiled one, and the
     * digest, on one thread, holds up the compressor. Called per piece, it is compiled within the
     * first MiBs.
     */
    private void digestInPieces(ByteBuffer view) {
        int start = view.position();
        int end = view.limit();
        for (int at = start; at < end; at += DIGEST_PIECE) {
            md.update(view.slice(at, Math.min(DIGEST_PIECE, end - at)));
        }
    }

    /** Waits for the digests handed to the digest thread, so the digest may be used here. */
    private void awaitPending() throws IOException {
        if (pending != null) {
            awaitDigest(pending);
            pending = null;
        }
    }

    private static void awaitQuietly(Future<?> digest) {
        try {
            awaitDigest(digest);
        } catch (IOException ignored) {
            // the caller reports its own failure
        }
    }

    static void awaitDigest(Future<?> digest) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    digest.get();
                    return;
                } catch (InterruptedException e) {
                    // the buffer must not be handed back while the digest still reads it
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IOException("computing the SHA-256 failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The bytes written so far. */
    long count() {
        return count;
    }

    /** The SHA-256 of everything written, in lower-case hex (after the digests still running). */
    String hex() throws IOException {
        awaitPending();
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    /** Stops the digest thread; the member's channel stays open. */
    @Override
    public void close() {
        if (digester != null) {
            digester.shutdownNow();
        }
    }

    static InterruptedIOException interrupted() {
        return new InterruptedIOException("interrupted while archiving");
    }
}
