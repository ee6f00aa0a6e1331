package io.sadump.objectstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An object written as it is produced: an S3 multipart upload behind a {@link WritableByteChannel}.
 * Bytes fill a part buffer; a full part is uploaded on a thread of its own while the next one fills,
 * so at most two parts are in memory. Each part carries its CRC32C ({@code x-amz-checksum-crc32c}),
 * which the store checks against the bytes it received; the checksum is the one S3 offers that the JDK
 * computes in hardware, so it costs next to nothing beside the archive's own SHA-256.
 *
 * <p>The object appears only at {@link #complete()}, and replaces an object under the key only then.
 * {@link #close()} without {@code complete()}, a failed part, an interrupt or {@link #abort()} (from a
 * shutdown hook, say) aborts the upload: the store drops the parts and the key stays as it was. An
 * upload whose process was killed stays incomplete in the store until {@link ObjectStore#incompleteUploads}
 * finds it and {@link ObjectStore#abort} drops it ({@code sadump archive gc}).
 */
public final class MultipartUpload implements WritableByteChannel {
    /** The first parts' size; S3 wants at least 5 MiB for every part but the last. */
    public static final int PART_SIZE = 16 << 20;
    /** S3's limit on parts in one upload. */
    public static final int MAX_PARTS = 10_000;
    /** Parts of each size before the size doubles (16, 32, then 64 MiB: up to about 400 GB). */
    static final int PARTS_PER_SIZE = 3_000;
    static final int MAX_DOUBLINGS = 2;

    private final ObjectStore store;
    private final ObjectLocation location;
    private final String uploadId;
    private final ExecutorService sender;
    private final List<CompletedPart> parts = new ArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private byte[] filling = new byte[PART_SIZE];
    private byte[] spare = new byte[PART_SIZE];
    private int filled;
    private Future<CompletedPart> inFlight;
    private int nextPart = 1;
    private long bytes;
    private boolean completed;

    private MultipartUpload(ObjectStore store, ObjectLocation location, String uploadId) {
        this.store = store;
        this.location = location;
        this.uploadId = uploadId;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "s3-part-upload");
            t.setDaemon(true);
            return t;
        });
    }

    static MultipartUpload start(ObjectStore store, ObjectLocation location) throws ObjectStoreException {
        try {
            String id = store.client().createMultipartUpload(r -> r.bucket(location.bucket()).key(location.key())
                    .contentType("application/octet-stream").checksumAlgorithm(ChecksumAlgorithm.CRC32_C)).uploadId();
            return new MultipartUpload(store, location, id);
        } catch (SdkException e) {
            throw store.failure(e, location.toString(), location.bucket());
        }
    }

    /** The upload's id in the store (what {@code archive gc} lists). */
    public String uploadId() {
        return uploadId;
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    /** The part size for part {@code n} (1-based). */
    static int partSize(int n) {
        return PART_SIZE << Math.min(MAX_DOUBLINGS, (n - 1) / PARTS_PER_SIZE);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (ended.get()) {
            throw new ClosedChannelException();
        }
        int n = src.remaining();
        while (src.hasRemaining()) {
            int take = Math.min(src.remaining(), filling.length - filled);
            src.get(filling, filled, take);
            filled += take;
            if (filled == filling.length) {
                send();
            }
        }
        bytes += n;
        return n;
    }

    /** Hands the full buffer to the sender once the part before it is done; the spare buffer fills next. */
    private void send() throws IOException {
        awaitInFlight();
        if (nextPart > MAX_PARTS) {
            throw new IOException(location + ": the object is larger than " + MAX_PARTS + " parts allow");
        }
        byte[] data = filling;
        int length = filled;
        int number = nextPart++;
        inFlight = sender.submit(() -> uploadPart(number, data, length));
        int size = partSize(nextPart);
        filling = spare != null && spare.length == size ? spare : new byte[size];
        spare = data; // free again once its upload is awaited, which the next send() does first
        filled = 0;
    }

    /** Waits for the part being uploaded, if any. */
    void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        try {
            parts.add(inFlight.get());
            inFlight = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(location + ": interrupted while uploading");
        } catch (CancellationException e) {
            throw new IOException(location + ": the upload was aborted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SdkException s) {
                throw store.failure(s, location.toString(), location.bucket());
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(location + ": uploading a part failed: " + c, c);
        }
    }

    private CompletedPart uploadPart(int number, byte[] data, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, length);
        String checksum = crc32cBase64(crc.getValue());
        UploadPartResponse r = store.client().uploadPart(p -> p.bucket(location.bucket()).key(location.key())
                        .uploadId(uploadId).partNumber(number).contentLength((long) length)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(checksum),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length,
                        "application/octet-stream"));
        return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32C(checksum).build();
    }

    /** S3's form of a CRC32C: its four bytes, big-endian, in base64. */
    static String crc32cBase64(long value) {
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Uploads the last part and completes the upload: the object appears under its key (replacing one
     * that was there). On failure the upload is aborted.
     */
    public void complete() throws IOException {
        if (ended.get()) {
            throw new IOException(location + ": the upload was aborted");
        }
        boolean ok = false;
        try {
            if (filled > 0 || nextPart == 1) {
                send();
            }
            awaitInFlight();
            if (ended.get()) {
                throw new IOException(location + ": the upload was aborted");
            }
            List<CompletedPart> sorted = new ArrayList<>(parts);
            sorted.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
            store.client().completeMultipartUpload(r -> r.bucket(location.bucket()).key(location.key())
                    .uploadId(uploadId).multipartUpload(m -> m.parts(sorted)));
            completed = true;
            ended.set(true);
            sender.shutdown();
            ok = true;
        } catch (SdkException e) {
            throw store.failure(e, location.toString(), location.bucket());
        } finally {
            if (!ok) {
                abort();
            }
        }
    }

    /** Whether {@link #complete()} put the object in place. */
    public boolean isCompleted() {
        return completed;
    }

    /**
     * Aborts the upload unless it completed or was aborted already; safe from any thread (a shutdown
     * hook). Returns whether this call aborted it.
     */
    public boolean abort() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        Future<CompletedPart> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        sender.shutdownNow();
        try {
            store.client().abortMultipartUpload(r -> r.bucket(location.bucket()).key(location.key())
                    .uploadId(uploadId));
        } catch (SdkException e) {
            // the store is unreachable: the upload stays incomplete until 'archive gc' drops it
            return false;
        }
        return true;
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    /** Aborts the upload when it was not completed. */
    @Override
    public void close() {
        abort();
        filling = null;
        spare = null;
    }
}
