package io.sadump.hmc;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.MachineTemplate;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Machines for the HMC tests, as {@code machine create --storage 64M --dasd 0.0.0190:300 --tape
 * 0.0.0181:8M}, {@code dumpdev prepare 0.0.0190} and {@code kexec load} make them: a running production
 * system with a kdump kernel loaded. Built once per test JVM, copied sparsely for each test.
 */
public final class TestMachines {
    public static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    public static final DeviceNumber TAPE = DeviceNumber.parse("0.0.0181");
    public static final long STORAGE = 64 * Sizes.MIB;

    private static Path template;

    private TestMachines() {}

    /** A fresh copy in {@code dir} (which must not exist). */
    public static Path copy(Path dir) throws IOException {
        synchronized (TestMachines.class) {
            if (template == null) {
                Path root = Files.createTempDirectory("sadump-hmc-template");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(root)));
                Path t = root.resolve("sys1");
                build(t);
                template = t;
            }
        }
        MachineTemplate.copy(template, dir);
        return dir;
    }

    private static void remove(Path root) {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort at exit: it is in the temporary directory
        }
    }

    private static void build(Path dir) throws IOException {
        ProductionSystem system = ProductionSystem.create(dir, ProductionSystem.Spec.of(STORAGE, "hmctest"));
        MachineDirectory machine = system.machine();
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390, 300));
            AttachedDevices.attach(machine, lock, new AttachedDevice(TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    8 * Sizes.MIB));
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, DASD)) {
                DumpDevicePreparer.prepareDasd(dasd, DumpToolOptions.defaults());
            }
            KexecLoad.load(machine, lock, KexecLoad.Request.synthetic());
        }
    }
}
