package io.sadump.meminfo;

/** Bytes that do not form a meminfo structure; the message names the field and what was found. */
public class MeminfoFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MeminfoFormatException(String message) {
        super(message);
    }
}
