package io.sadump.objectstore;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/** A GetObject body whose failures (the SDK's unchecked ones too) name the object. */
final class FailureNamingStream extends FilterInputStream {
    private final ResponseInputStream<?> body;
    private final ObjectStore store;
    private final ObjectLocation location;

    FailureNamingStream(ResponseInputStream<?> body, ObjectStore store, ObjectLocation location) {
        super(body);
        this.body = body;
        this.store = store;
        this.location = location;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (RuntimeException e) {
            throw store.readFailure(e, location);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (RuntimeException e) {
            throw store.readFailure(e, location);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (RuntimeException e) {
            throw store.readFailure(e, location);
        }
    }

    @Override
    public void close() throws IOException {
        // a stream closed before its end is dropped, not drained: the rest may be gigabytes
        body.abort();
        body.close();
    }
}
