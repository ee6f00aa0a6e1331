package io.sadump.hmc.web;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.PasswordHash;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Machines for the web tests, made as {@code sadump machine create}, {@code dumpdev prepare} and
 * {@code kexec load} make them: a small production system with a prepared 3390 at 0.0.0190 and the kdump
 * kernel loaded, so a Load passes the verdict; {@link #damageKernelSegment} makes it fail with 0x4533.
 */
final class WebMachines {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    static final long STORAGE = 48 * Sizes.MIB;

    private WebMachines() {}

    static Path create(Path dir) throws IOException {
        ProductionSystem system = ProductionSystem.create(dir, ProductionSystem.Spec.of(STORAGE,
                dir.getFileName().toString()));
        MachineDirectory machine = system.machine();
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390, 40));
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, DASD)) {
                DumpDevicePreparer.prepareDasd(dasd, new DumpToolOptions(OptionalLong.empty(), false, false));
            }
            KexecLoad.load(machine, lock, KexecLoad.Request.synthetic());
        }
        return dir;
    }

    /**
     * The site of {@code dirs} with its state in {@code state}; its passwords are hashed with a small Argon2id
     * cost (1 MiB, 1 pass), so that the tests' logons take milliseconds: the web layer does not care.
     */
    static HmcSite site(List<Path> dirs, Path state) {
        HmcState s = HmcState.at(state);
        UserStore users = new UserStore(s, RoleCatalog.load(s.dir()), new PasswordHash(1024, 1, 1), Clock.systemUTC());
        return HmcSite.of(dirs, s, Optional.empty(), users, Clock.systemUTC());
    }

    /** The {@code inject} catalogue's flip in the kdump kernel segment: the verdict becomes 0x4533 segment 0. */
    static void damageKernelSegment(Path dir) {
        MachineDirectory machine = MachineDirectory.open(dir);
        try (MachineLock lock = machine.lock()) {
            CorruptionCatalogue.inject(machine, lock, Corruption.byName("segment-bitflip-kernel"), 3);
        }
    }
}
