package io.sadump.ipl;

import java.io.IOException;

/**
 * The stand-alone dumper stopped with one of its error codes (zipl {@code include/boot/error.h},
 * docs/abi.md §8, docs/formats.md §5), e.g. 0x4600 "Device too small". The dumper then prints "Dump
 * failed" and loads a disabled wait PSW carrying the code.
 */
public final class DumpFailedException extends IOException {
    private static final long serialVersionUID = 1L;
    /** {@code EMEM}: the device (or the last volume) is full. */
    public static final int DEVICE_TOO_SMALL = 0x4600;
    /** {@code EDEVNOTSUP}: the dumper cannot drive the device. */
    public static final int DEVICE_NOT_SUPPORTED = 0x4601;
    /** {@code ENODEVNO}: a volume of the multi-volume table is not defined. */
    public static final int DEVICE_UNDEFINED = 0x4603;
    /** {@code ENOSIGN}: a multi-volume partition lacks the signature zipl -M wrote. */
    public static final int WRONG_SIGNATURE = 0x4604;
    /** {@code ENOTIME}: a volume's table has another timestamp than the IPL volume's. */
    public static final int INCONSISTENT_TIME = 0x4605;
    /** A channel error while writing: code 0x0003 (plus the ERA in the top byte on tape). */
    public static final int IO_ERROR = 0x0003;

    private final int code;

    public DumpFailedException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public DumpFailedException(int code, String message) {
        this(code, message, null);
    }

    /** The disabled-wait code. */
    public int code() {
        return code;
    }
}
