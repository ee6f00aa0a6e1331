package io.sadump.device;

/** A write was issued to a device opened read-only (a write-protected volume: command reject). */
public class WriteProtectedException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public WriteProtectedException(String device, String message) {
        super(device, message);
    }
}
