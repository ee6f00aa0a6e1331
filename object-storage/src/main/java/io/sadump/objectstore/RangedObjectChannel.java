package io.sadump.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An object read like a file: a read-only {@link SeekableByteChannel} whose reads are ranged GETs of
 * {@value #BLOCK}-byte blocks, the last {@value #CACHED_BLOCKS} of them kept (a few MiB), so that a
 * dump reader's small reads of headers and tables near each other cost one request. Every GET names
 * the object's ETag ({@code If-Match}): an object replaced while it is read fails the read rather
 * than mixing two objects' bytes.
 */
public final class RangedObjectChannel implements SeekableByteChannel {
    /** Bytes per ranged GET. */
    public static final int BLOCK = 1 << 20;
    /** Blocks kept, least recently used dropped first. */
    public static final int CACHED_BLOCKS = 8;

    private final ObjectStore store;
    private final ObjectLocation location;
    private final long size;
    private final String etag;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };
    private long position;
    private boolean open = true;
    private long requests;

    RangedObjectChannel(ObjectStore store, ObjectLocation location, long size, String etag) {
        this.store = store;
        this.location = location;
        this.size = size;
        this.etag = etag;
    }

    /** The object read. */
    public ObjectLocation location() {
        return location;
    }

    /** Ranged GETs sent so far. */
    public synchronized long requests() {
        return requests;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        checkOpen();
        if (position >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long index = position / BLOCK;
            byte[] block = block(index);
            int offset = (int) (position - index * BLOCK);
            int n = Math.min(dst.remaining(), block.length - offset);
            if (n <= 0) {
                break;
            }
            dst.put(block, offset, n);
            position += n;
            total += n;
        }
        return total;
    }

    private byte[] block(long index) throws IOException {
        byte[] b = cache.get(index);
        if (b != null) {
            return b;
        }
        long start = index * BLOCK;
        long end = Math.min(size, start + BLOCK) - 1;
        try {
            requests++;
            b = store.client().getObjectAsBytes(r -> {
                r.bucket(location.bucket()).key(location.key()).range("bytes=" + start + "-" + end);
                if (etag != null) {
                    r.ifMatch(etag);
                }
            }).asByteArray();
        } catch (SdkException e) {
            throw store.failure(e, location.toString(), location.bucket());
        }
        if (b.length != end - start + 1) {
            throw new ObjectStoreException(location + ": asked for bytes " + start + " to " + end + ", got " + b.length
                    + " (the object changed while it was read?)");
        }
        cache.put(index, b);
        return b;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() throws IOException {
        checkOpen();
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) throws IOException {
        checkOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        checkOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        open = false;
        cache.clear();
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
