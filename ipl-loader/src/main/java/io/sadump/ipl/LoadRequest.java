package io.sadump.ipl;

import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import java.util.Objects;

/**
 * The HMC's Load task: which device, and how.
 *
 * @param device the load address (device number)
 * @param clear load clear: storage is zeroed by the reset, so nothing is left to dump
 * @param storeStatus store every CPU's status into its save area before the reset (the IPL CPU's also
 *     at absolute 0x1200), as the HMC's "store status" option does
 * @param loadparm the load parameter (up to 8 characters), empty for none
 */
public record LoadRequest(DeviceNumber device, boolean clear, boolean storeStatus, String loadparm) {
    public static final int LOADPARM_MAX = 8;

    public LoadRequest {
        Objects.requireNonNull(device, "device");
        loadparm = loadparm == null ? "" : loadparm;
        if (loadparm.length() > LOADPARM_MAX) {
            throw new InvalidValueException("a loadparm has at most 8 characters, '" + loadparm + "' has "
                    + loadparm.length());
        }
        if (clear && storeStatus) {
            throw new InvalidValueException(
                    "store status is not possible with load clear: the clear reset zeroes the save areas too");
        }
    }
}
