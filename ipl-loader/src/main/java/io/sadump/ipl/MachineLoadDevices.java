package io.sadump.ipl;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;

/** The devices attached to a machine directory, opened for the IPL by device number. */
public final class MachineLoadDevices implements LoadDevices {
    private final MachineDirectory machine;
    private final MachineLock lock;

    public MachineLoadDevices(MachineDirectory machine, MachineLock lock) {
        this.machine = machine;
        this.lock = lock;
    }

    @Override
    public LoadDevice open(DeviceNumber number) throws IOException {
        Optional<AttachedDevice> device = machine.config().device(number);
        if (device.isEmpty()) {
            String attached = machine.config().devices().stream()
                    .map(d -> d.number() + " (" + AttachedDevices.describe(d.type()) + ")")
                    .collect(Collectors.joining(", "));
            throw new IplException("no device at load address " + number + "; attached: "
                    + (attached.isEmpty() ? "none" : attached));
        }
        return switch (device.get().type()) {
            case DASD_3390 -> new EckdLoadDevice(number, AttachedDevices.openDasd(machine, lock, number),
                    this::openVolume);
            case TAPE_3490 -> new TapeLoadDevice(number, AttachedDevices.openTape(machine, lock, number));
        };
    }

    private Optional<EckdDasd> openVolume(DeviceNumber number) throws DeviceException {
        Optional<AttachedDevice> d = machine.config().device(number);
        if (d.isEmpty() || d.get().type() != AttachedDevice.DeviceType.DASD_3390) {
            return Optional.empty();
        }
        return Optional.of(AttachedDevices.openDasd(machine, lock, number));
    }
}
