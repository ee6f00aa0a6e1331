package io.sadump.device;

/**
 * The device failed an operation: unit check with equipment or data check. In sadump this comes from
 * an {@link IoFaultPlan} a test or operator installed, or from the host file system under the image.
 */
public class DeviceIoErrorException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public DeviceIoErrorException(String device, String message) {
        super(device, message);
    }

    public DeviceIoErrorException(String device, String message, Throwable cause) {
        super(device, message, cause);
    }
}
