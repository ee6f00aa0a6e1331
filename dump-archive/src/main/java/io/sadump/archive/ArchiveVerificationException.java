package io.sadump.archive;

import java.io.IOException;

/** An archive whose content does not match its digests or signature, or that is unsafe to extract. */
public final class ArchiveVerificationException extends IOException {
    private static final long serialVersionUID = 1L;

    public ArchiveVerificationException(String message) {
        super(message);
    }

    public ArchiveVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
