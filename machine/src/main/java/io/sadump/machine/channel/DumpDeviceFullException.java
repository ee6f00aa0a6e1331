package io.sadump.machine.channel;

import java.io.IOException;

/**
 * The dump device (or the last volume of a multi-volume set, or the tape) has no room for the rest of
 * the dump. The dump written so far is incomplete: it has no end marker. The stand-alone dumper
 * reports this as 0x4600 "Device too small" (docs/formats.md §5).
 */
public final class DumpDeviceFullException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The zipl dumper's disabled-wait code for this failure ({@code EMEM}). */
    public static final int CODE_DEVICE_TOO_SMALL = 0x4600;

    private final long addressReached;

    /**
     * @param addressReached the memory address up to which the dump was written (or the block number
     *     of the refused write when a device raises it)
     */
    public DumpDeviceFullException(String message, long addressReached) {
        super(message);
        this.addressReached = addressReached;
    }

    public long addressReached() {
        return addressReached;
    }
}
