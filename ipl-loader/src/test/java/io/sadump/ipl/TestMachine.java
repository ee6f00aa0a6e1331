package io.sadump.ipl;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.MachineTemplate;
import java.nio.file.Files;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineChange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A production system for the full-load tests: 256 MiB, 2 CPUs, crashkernel 64M@64M, a kdump kernel
 * loaded by kexec, a prepared 3390 at 0.0.0190 and a prepared tape at 0.0.0181.
 */
final class TestMachine {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    static final DeviceNumber SMALL_DASD = DeviceNumber.parse("0.0.0191");
    static final DeviceNumber BLANK_DASD = DeviceNumber.parse("0.0.0192");
    static final DeviceNumber TAPE = DeviceNumber.parse("0.0.0181");
    static final long STORAGE = 256 * Sizes.MIB;

    final ProductionSystem system;
    final MachineDirectory machine;
    final List<String> console = new ArrayList<>();
    MebibyteDigests atDump;
    /** Addresses whose 16 bytes are recorded when the dump starts, and what they held. */
    final List<Long> probes = new ArrayList<>();
    final java.util.Map<Long, byte[]> probeBytes = new java.util.HashMap<>();
    List<io.sadump.machine.CpuState> cpusBefore;
    /** MiB-aligned addresses whose whole MiB is recorded when the dump starts, and what it held. */
    final List<Long> mibProbes = new ArrayList<>();
    final java.util.Map<Long, byte[]> mibBytes = new java.util.HashMap<>();

    private static final java.util.Map<Long, Path> TEMPLATES = new java.util.HashMap<>();
    final long storageSize;
    /** Wraps the machine's IPL devices, e.g. to install an I/O fault plan on the opened device. */
    DeviceHook devices = (inner, lock) -> inner;
    /** Called on every progress event of the dump (before the loader decides on a progress line). */
    java.util.function.LongConsumer onProgress = done -> { };
    /** The loader's clock reading when each console line arrived, parallel to {@link #console}. */
    final List<java.time.Instant> consoleTimes = new ArrayList<>();

    interface DeviceHook {
        LoadDevices wrap(LoadDevices inner, MachineLock lock);
    }

    /**
     * Whether {@link #run} stops operating CPUs first, as an operator does before a load (default:
     * yes). Off, the loader sees the running system and applies the HMC's rule itself.
     */
    boolean operatorStops = true;

    /** The loader's clock (the progress lines' 5 s interval). */
    Clock clock = Clock.systemUTC();

    /** A copy of the 256 MiB machine built once per test run (building it takes longer than copying it). */
    TestMachine(Path dir) throws IOException {
        this(dir, STORAGE);
    }

    /** A copy of a machine of {@code storage} bytes (default crashkernel for that size). */
    TestMachine(Path dir, long storage) throws IOException {
        storageSize = storage;
        Path template;
        synchronized (TestMachine.class) {
            template = TEMPLATES.get(storage);
            if (template == null) {
                Path root = Files.createTempDirectory("sadump-ipl-template");
                removeAtExit(root);
                template = root.resolve("m");
                build(template, storage);
                TEMPLATES.put(storage, template);
            }
        }
        MachineTemplate.copy(template, dir);
        system = ProductionSystem.open(dir);
        machine = system.machine();
    }

    private static void build(Path dir, long storage) throws IOException {
        ProductionSystem system = ProductionSystem.create(dir, ProductionSystem.Spec.of(storage, "testhost"));
        MachineDirectory machine = system.machine();
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390, 500));
            AttachedDevices.attach(machine, lock, new AttachedDevice(SMALL_DASD, AttachedDevice.DeviceType.DASD_3390,
                    20));
            AttachedDevices.attach(machine, lock, new AttachedDevice(BLANK_DASD, AttachedDevice.DeviceType.DASD_3390,
                    5));
            AttachedDevices.attach(machine, lock, new AttachedDevice(TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    400 * Sizes.MIB));
            for (DeviceNumber d : List.of(DASD, SMALL_DASD)) {
                try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, d)) {
                    DumpDevicePreparer.prepareDasd(dasd, DumpToolOptions.defaults());
                }
            }
            try (TapeDrive tape = AttachedDevices.openTape(machine, lock, TAPE)) {
                DumpDevicePreparer.prepareTape(tape, DumpToolOptions.defaults());
            }
            KexecLoad.load(machine, lock, KexecLoad.Request.synthetic());
        }
    }

    /**
     * Whether {@link #run} is one journaled change of the machine, as the HMC command runs a load: a
     * load that throws is then undone (storage, CPUs and run state as before). Default: not journaled.
     */
    boolean journaled;

    /** Runs {@code task} on an IPL loader of this machine, as the HMC command does, and saves the CPUs. */
    LoadOutcome run(LoaderTask task, VmcoreWriter writer) throws IOException {
        try (MachineLock lock = machine.lock();
                MachineChange change = journaled ? machine.beginChange(lock, "load",
                        List.of(io.sadump.fixtures.ProductionState.FILE), null) : null) {
            if (operatorStops && machine.runState().isOperating()) {
                io.sadump.machine.CpuControls.stop(machine, lock);
            }
            cpusBefore = machine.cpus();
            FileStorage storage = machine.openStorage(lock);
            try {
                ProductionReboot reboot = (ipib, out) -> {
                    storage.close();
                    system.reboot(lock);
                    return machine.cpus();
                };
                IplLoader loader = new IplLoader(storage, machine.config(), machine.cpus(), machine.runState(),
                        devices.wrap(new MachineLoadDevices(machine, lock), lock),
                        new KdumpKernel(machine.vmcoreDir(), writer, Clock.systemUTC()), Optional.of(reboot),
                        clock);
                LoadOutcome o = task.run(loader, new ConsoleListener() {
                    @Override
                    public void message(String line) {
                        console.add(line);
                        consoleTimes.add(clock.instant());
                    }

                    @Override
                    public void progress(long done, long total) {
                        onProgress.accept(done);
                    }

                    @Override
                    public void dumpStarting(io.sadump.machine.AbsoluteStorage s) {
                        atDump = MebibyteDigests.of(s);
                        for (long a : probes) {
                            probeBytes.put(a, s.bytes(a, 16));
                        }
                        for (long a : mibProbes) {
                            mibBytes.put(a, s.bytes(a, (int) Sizes.MIB));
                        }
                    }
                });
                machine.saveCpus(lock, o.cpus());
                machine.saveRunState(lock, o.runState());
                storage.close();
                if (change != null) {
                    change.commit();
                }
                return o;
            } finally {
                storage.close();
            }
        }
    }

    interface LoaderTask {
        LoadOutcome run(IplLoader loader, ConsoleListener console) throws IOException;
    }

    /** Removes a scratch tree when the test JVM ends: a temporary directory is not removed by itself. */
    private static void removeAtExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // best effort at JVM exit: what is left is in a temporary directory
            }
        }));
    }
}
