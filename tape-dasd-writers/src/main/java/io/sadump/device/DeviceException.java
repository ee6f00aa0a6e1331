package io.sadump.device;

import java.io.IOException;

/**
 * A device reported an error, or its image cannot be used. The message names the device (its device
 * number, or the image file when no number is known) and says what is wrong, for a user to read.
 * Subclasses are the conditions a channel program sees: no record found, end of extent, end of
 * volume, a damaged image, an I/O error.
 */
public class DeviceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String device;

    public DeviceException(String device, String message) {
        super(device + ": " + message);
        this.device = device;
    }

    public DeviceException(String device, String message, Throwable cause) {
        super(device + ": " + message, cause);
        this.device = device;
    }

    /** The device number ({@code 0.0.0190}) or the image file the error is about. */
    public String device() {
        return device;
    }
}
