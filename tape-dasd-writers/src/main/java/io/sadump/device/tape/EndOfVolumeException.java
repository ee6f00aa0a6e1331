package io.sadump.device.tape;

import io.sadump.device.DeviceException;

/**
 * Unit exception on a write: the end of the cartridge is reached. The block was not written. A tape
 * dumper reports it as "Device too small" (docs/formats.md §2.2).
 */
public class EndOfVolumeException extends DeviceException {
    private static final long serialVersionUID = 1L;

    public EndOfVolumeException(String device, String message) {
        super(device, message);
    }
}
