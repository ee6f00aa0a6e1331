package io.sadump.dump.kdump;

import java.io.IOException;

/** A dump level that cannot be applied to a dump: the filter it needs is missing, or cannot read the dump. */
public final class DumpLevelException extends IOException {
    private static final long serialVersionUID = 1L;

    public DumpLevelException(String message) {
        super(message);
    }

    public DumpLevelException(String message, Throwable cause) {
        super(message, cause);
    }
}
