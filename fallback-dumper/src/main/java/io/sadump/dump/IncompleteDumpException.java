package io.sadump.dump;

import java.io.IOException;

/**
 * A dump that was cut short: no end marker, a bad end marker, no segment with the stop marker, or
 * data missing from the file or device. zgetdump reports such a dump as "Dump cannot be processed
 * (is not complete)"; sadump never treats it as good.
 */
public final class IncompleteDumpException extends IOException {
    private static final long serialVersionUID = 1L;

    public IncompleteDumpException(String message) {
        super(message);
    }

    public IncompleteDumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
