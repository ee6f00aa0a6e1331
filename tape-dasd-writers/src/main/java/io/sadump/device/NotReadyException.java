package io.sadump.device;

/** The device is not ready (intervention required): no tape is mounted, or the device was closed. */
public class NotReadyException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public NotReadyException(String device, String message) {
        super(device, message);
    }
}
