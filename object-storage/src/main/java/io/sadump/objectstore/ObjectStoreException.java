package io.sadump.objectstore;

import java.io.IOException;

/**
 * The object store did not do what was asked: no credentials, a missing bucket or object, access
 * denied, an endpoint that does not answer. The message is one line a user can act on.
 */
public class ObjectStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
