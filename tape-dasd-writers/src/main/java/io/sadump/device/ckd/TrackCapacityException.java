package io.sadump.device.ckd;

import io.sadump.device.DeviceException;

/**
 * The records written to a track do not fit on a real 3390 track ({@link Capacity3390}): unit check,
 * invalid track format. Hercules would only refuse a record beyond the 56832-byte image slot.
 */
public class TrackCapacityException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public TrackCapacityException(String device, String message) {
        super(device, message);
    }
}
