package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.KdumpCommandLine;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.MachineTemplate;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuControls;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineChange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineJournal;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every journaled multi-step change of a machine, cut short at a seeded random step as a kill would
 * cut it: the directory as the kill leaves it (copied at that step) is opened again, and the machine is
 * exactly as before the change (storage MiB by MiB, the state files, the kept kexec copies, the
 * mounted volume; a load's dump on its device is output, not undone). The process that was cut short
 * undoes it too, when its change closes.
 */
class InterruptedChangeRecoveryTest {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    static final DeviceNumber TAPE = DeviceNumber.parse("0.0.0181");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path shared;
    static Path template;

    @TempDir
    Path tmp;

    /** A 64 MiB production system with a kdump kernel loaded, a prepared 3390 and a tape. */
    @BeforeAll
    static void template() throws IOException {
        template = shared.resolve("template");
        ProductionSystem system = ProductionSystem.create(template, ProductionSystem.Spec.of(64 * Sizes.MIB, "kill"));
        MachineDirectory m = system.machine();
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390, 20));
            AttachedDevices.attach(m, lock, new AttachedDevice(TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    64 * Sizes.MIB));
            try (EckdDasd dasd = AttachedDevices.openDasd(m, lock, DASD)) {
                DumpDevicePreparer.prepareDasd(dasd, DumpToolOptions.defaults());
            }
            KexecLoad.load(m, lock, KexecLoad.Request.synthetic());
            CpuControls.stop(m, lock);
        }
    }

    /** One change of a machine, run under its lock. */
    interface Operation {
        void run(MachineDirectory machine, MachineLock lock, Path scratch) throws IOException;
    }

    /** A change, and what is done (and committed) before it, untouched by the kill. */
    record Op(Operation prepare, Operation change) {
        Op(Operation change) {
            this((m, lock, scratch) -> { }, change);
        }
    }

    static Map<String, Op> operations() {
        Map<String, Op> ops = new TreeMap<>();
        ops.put("hmc load, kdump: swap, vmcore, re-IPL", new Op((m, lock, scratch) -> load(m, lock, true)));
        // damage that fails the verdict first; the load is the change cut short
        ops.put("hmc load, stand-alone dump, re-IPL", new Op(
                (m, lock, scratch) -> CorruptionCatalogue.inject(m, lock, Corruption.SEGMENT_TABLE_MAGIC, 7),
                (m, lock, scratch) -> load(m, lock, true)));
        ops.put("hmc load, kdump, no re-IPL", new Op((m, lock, scratch) -> load(m, lock, false)));
        ops.put("kexec load", new Op((m, lock, scratch) -> KexecLoad.load(m, lock, new KexecLoad.Request(
                Optional.empty(), Optional.empty(), Optional.of(KdumpCommandLine.DEFAULT + " quiet")))));
        ops.put("kexec unload", new Op((m, lock, scratch) -> KexecLoad.unload(m, lock)));
        ops.put("inject", new Op((m, lock, scratch) -> CorruptionCatalogue.inject(m, lock, Corruption.SEGMENT_OVERLAP,
                3)));
        // storage damaged first, so that the re-IPL has something to rebuild
        ops.put("re-IPL", new Op(
                (m, lock, scratch) -> CorruptionCatalogue.inject(m, lock, Corruption.MEMINFO_MAGIC, 5),
                (m, lock, scratch) -> ProductionSystem.open(m).reboot(lock)));
        ops.put("mount", new Op((m, lock, scratch) -> {
            Path blank = scratch.resolve("blank.aws");
            Files.createDirectories(scratch);
            Files.write(blank, new byte[0]);
            VolumeMount.mount(m, lock, TAPE, blank, CLOCK);
        }));
        return ops;
    }

    /** The HMC's load as the CLI runs it: one journaled change around the IPL model and the re-IPL. */
    static void load(MachineDirectory m, MachineLock lock, boolean reIpl) throws IOException {
        try (MachineChange change = m.beginChange(lock, "hmc load " + DASD, List.of(ProductionState.FILE), null)) {
            FileStorage storage = m.openStorage(lock);
            try {
                ProductionSystem system = ProductionSystem.open(m);
                Optional<ProductionReboot> reboot = reIpl ? Optional.of((ipib, console) -> {
                    storage.close();
                    system.reboot(lock);
                    return m.cpus();
                }) : Optional.empty();
                IplLoader loader = new IplLoader(storage, m.config(), m.cpus(), m.runState(),
                        new MachineLoadDevices(m, lock), new KdumpKernel(m.vmcoreDir(),
                                new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE), Clock.systemUTC()), reboot, CLOCK);
                LoadOutcome o = loader.load(new LoadRequest(DASD, false, true, ""), ConsoleListener.NONE);
                m.saveCpus(lock, o.cpus());
                m.saveRunState(lock, o.runState());
                m.appendConsole(lock, o.messages());
            } finally {
                storage.close();
            }
            change.commit();
        }
    }

    /** A kill at the hook's step: what it leaves is the directory as it is now. */
    static final class SimulatedKill extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedKill(long step) {
            super("simulated kill at step " + step);
        }
    }

    /** Kills per operation: one in the build, more from robustness/kill.sh ({@code -Dsadump.kill.seeds=N}). */
    static final long SEEDS = Long.getLong("sadump.kill.seeds", 1);

    static Stream<Arguments> kills() {
        List<Arguments> a = new ArrayList<>();
        for (String op : operations().keySet()) {
            for (long seed = 1; seed <= SEEDS; seed++) {
                a.add(Arguments.of(op, seed));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("kills")
    void aKillAtAnyStepIsUndoneByTheNextCommand(String opName, long seed) throws Exception {
        Op op = operations().get(opName);
        Path base = tmp.resolve("base");
        MachineTemplate.copy(template, base);
        run(op.prepare(), base, null);
        // A full run: how many steps the change has, and that it changes something.
        Path full = tmp.resolve("full");
        MachineTemplate.copy(base, full);
        State before = State.of(MachineDirectory.open(full), opName);
        AtomicLong steps = new AtomicLong();
        run(op.change(), full, (step, what) -> steps.set(step));
        assertThat(steps.get()).as("steps of %s", opName).isPositive();
        assertThat(Files.exists(full.resolve(MachineJournal.FILE))).isFalse();
        State after = State.of(MachineDirectory.open(full), opName);
        assertThat(after.differences(before)).as("%s changes the machine", opName).isNotEmpty();

        SplittableRandom rnd = new SplittableRandom(seed);
        long k = 1 + rnd.nextLong(steps.get());
        String where = opName + ", seed " + seed + ": kill at step " + k + " of " + steps.get();
        Path cut = tmp.resolve("cut");
        Path killed = tmp.resolve("killed");
        MachineTemplate.copy(base, cut);
        String[] stepName = new String[1];
        assertThatThrownBy(() -> run(op.change(), cut, (step, what) -> {
            if (step == k) {
                stepName[0] = what;
                MachineTemplate.copy(cut, killed); // the files exactly as a SIGKILL here leaves them
                throw new SimulatedKill(step);
            }
        })).as(where).isInstanceOf(SimulatedKill.class);
        where += " (" + stepName[0] + ")";
        assertThat(Files.exists(killed.resolve(MachineJournal.FILE))).as(where).isTrue();

        // The next command opens the killed machine: the change is undone first.
        List<String> heard = new ArrayList<>();
        MachineDirectory.onRecovery(heard::add);
        try {
            MachineDirectory reopened = MachineDirectory.open(killed);
            // one line, unless the kill came before anything changed
            assertThat(heard).as(where).hasSizeLessThanOrEqualTo(1);
            if (!heard.isEmpty()) {
                assertThat(heard.get(0)).as(where).startsWith("recovered an interrupted ");
                assertThat(reopened.console()).as(where).last().asString().contains(heard.get(0));
            }
            assertThat(Files.exists(killed.resolve(MachineJournal.FILE))).as(where).isFalse();
            assertThat(State.of(reopened, opName).differences(before)).as(where).isEmpty();
            // the machine works again: the change runs to its end
            run(op.change(), killed, null);
            assertThat(State.of(MachineDirectory.open(killed), opName).differences(after)).as(where).isEmpty();
        } finally {
            MachineDirectory.onRecovery(m -> { });
        }
        // The process cut short undid its own change when the change closed.
        assertThat(Files.exists(cut.resolve(MachineJournal.FILE))).as(where).isFalse();
        assertThat(State.of(MachineDirectory.open(cut), opName).differences(before)).as(where).isEmpty();
    }

    @Test
    void aJournalCutShortInItsHeaderChangedNothingAndIsRemoved() throws Exception {
        Path m = tmp.resolve("m");
        MachineTemplate.copy(template, m);
        State before = State.of(MachineDirectory.open(m), "");
        Files.write(m.resolve(MachineJournal.FILE), new byte[] {'H', 0, 0, 1});
        MachineDirectory reopened = MachineDirectory.open(m);
        assertThat(Files.exists(m.resolve(MachineJournal.FILE))).isFalse();
        assertThat(State.of(reopened, "").differences(before)).isEmpty();
    }

    private static void run(Operation op, Path dir, MachineChange.StepHook hook) throws IOException {
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            lock.onChangeStep(hook);
            op.run(m, lock, dir.resolveSibling(dir.getFileName() + "-scratch"));
        }
    }

    /**
     * What a change may alter: storage (MiB digests) and every file of the machine directory except
     * the frame record (a cache), the console log (it gains the recovery line), the lock, and the
     * vmcores kdump wrote (outputs, kept).
     */
    record State(MebibyteDigests storage, MachineDirectory machine, Map<String, String> files) {
        /** A load's dump device holds its output: a dump, complete or reported incomplete, not undone. */
        static State of(MachineDirectory m, String opName) throws IOException {
            boolean load = opName.startsWith("hmc load");
            MebibyteDigests d;
            try (FileStorage s = m.openStorage()) {
                d = MebibyteDigests.of(s);
            }
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> walk = Files.walk(m.path())) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    String rel = m.path().relativize(p).toString();
                    if (rel.equals(".lock") || rel.equals("storage.img") || rel.equals("storage.frames")
                            || rel.equals("console.log") || rel.startsWith("vmcore/")
                            || (load && rel.equals("devices/" + DASD + ".3390"))) {
                        continue;
                    }
                    files.put(rel, sha256(p));
                }
            }
            return new State(d, m, files);
        }

        /** What differs from {@code other}: file names, and "storage" with the MiBs that differ. */
        List<String> differences(State other) throws IOException {
            List<String> diff = new ArrayList<>();
            for (String f : files.keySet()) {
                if (!files.get(f).equals(other.files.get(f))) {
                    diff.add(f);
                }
            }
            for (String f : other.files.keySet()) {
                if (!files.containsKey(f)) {
                    diff.add(f + " (missing)");
                }
            }
            try (FileStorage s = machine.openStorage()) {
                MebibyteDigests.Comparison c = other.storage.compare(new StorageMemorySource(s));
                if (!c.matches()) {
                    diff.add("storage MiBs " + c.different());
                }
            }
            return diff;
        }

        private static String sha256(Path p) throws IOException {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
