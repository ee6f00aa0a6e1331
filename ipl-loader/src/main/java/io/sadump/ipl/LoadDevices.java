package io.sadump.ipl;

import io.sadump.machine.DeviceNumber;
import java.io.IOException;

/** Opens the device at a load address, as the channel subsystem finds it. */
@FunctionalInterface
public interface LoadDevices {
    /**
     * @throws IplException when no device is defined at {@code number}, naming what is attached
     */
    LoadDevice open(DeviceNumber number) throws IOException;
}
