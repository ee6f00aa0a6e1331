package io.sadump.device.ckd;

import io.sadump.device.DeviceException;

/**
 * Unit check, sense "file protected": an access outside the defined extent or beyond the last track of
 * the volume. A dumper that meets it has run out of room ("Device too small").
 */
public class EndOfExtentException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public EndOfExtentException(String device, String message) {
        super(device, message);
    }
}
