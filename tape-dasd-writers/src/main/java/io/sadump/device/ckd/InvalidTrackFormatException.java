package io.sadump.device.ckd;

import io.sadump.device.DeviceException;

/**
 * A write does not match the records on the track (Write Data with a different length, a block write
 * to a track not formatted with 4096-byte records, a record written out of sequence): unit check,
 * invalid track format.
 */
public class InvalidTrackFormatException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public InvalidTrackFormatException(String device, String message) {
        super(device, message);
    }
}
