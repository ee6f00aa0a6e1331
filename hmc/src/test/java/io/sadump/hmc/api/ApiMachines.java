package io.sadump.hmc.api;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.MachineTemplate;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Machines for the API tests, made as {@code machine create --dasd 0.0.0190:CYLS}, {@code dumpdev prepare
 * 0.0.0190} and {@code kexec load} make them (the same library calls), built once per JVM and copied per
 * test ({@link MachineTemplate} keeps storage sparse).
 */
final class ApiMachines {
    static final String DASD = "0.0.0190";

    private static Path template;

    private ApiMachines() {}

    /** A running production system with a prepared DASD at 0.0.0190 and a kdump kernel loaded. */
    static synchronized Path template() throws Exception {
        if (template == null) {
            Path root = Files.createTempDirectory("sadump-wsapi-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
            Path dir = root.resolve("sys1");
            build(dir, 128 * Sizes.MIB, 80);
            template = dir;
        }
        return template;
    }

    /** Builds a machine of {@code storage} bytes with a DASD of {@code cylinders} at 0.0.0190. */
    static void build(Path dir, long storage, int cylinders) throws Exception {
        ProductionSystem.create(dir, ProductionSystem.Spec.of(storage, dir.getFileName().toString()));
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd(DASD + ":" + cylinders));
            try (EckdDasd dasd = AttachedDevices.openDasd(m, lock, DeviceNumber.parse(DASD))) {
                DumpDevicePreparer.prepareDasd(dasd, new DumpToolOptions(OptionalLong.empty(), false, false));
            }
            KexecLoad.load(m, lock, new KexecLoad.Request(Optional.empty(), Optional.empty(), Optional.empty()));
        }
    }

    /** A copy of the template as {@code parent/name}. */
    static Path copy(Path parent, String name) throws Exception {
        Path dir = parent.resolve(name);
        MachineTemplate.copy(template(), dir);
        return dir;
    }

    private static void delete(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind: the system's cleaner takes it
        }
    }

    /** Damages the machine as {@code sadump inject DIR KIND --seed S} does. */
    static void inject(Path dir, Corruption kind, long seed) {
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            CorruptionCatalogue.inject(m, lock, kind, seed);
        }
    }
}
