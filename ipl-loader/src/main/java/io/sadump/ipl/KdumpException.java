package io.sadump.ipl;

/** The kdump kernel cannot do its work (OLDMEM fields unusable); the message names the fields. */
public final class KdumpException extends IplException {
    private static final long serialVersionUID = 1L;

    public KdumpException(String message) {
        super(message);
    }
}
