package io.sadump.device;

/**
 * A device image file is not what its format requires: a wrong device header, a size that does not
 * match the geometry, an invalid track header, a truncated or malformed tape chunk. The device would
 * present unit check (invalid track format, data check); Hercules refuses such images too.
 */
public class ImageFormatException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String device, String message) {
        super(device, message);
    }
}
