package io.sadump.dump;

import java.io.IOException;

/** The bytes are not a dump of the expected format, or its header is inconsistent. */
public final class DumpFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public DumpFormatException(String message) {
        super(message);
    }

    public DumpFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
