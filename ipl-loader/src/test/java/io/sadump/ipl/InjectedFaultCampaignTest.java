package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.FaultPlanChannel;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Injected device faults at seeded random points of every dump path: single-volume DASD with and
 * without compression, a multi-volume set of 2 or 3 volumes (the fault on any of them), tape, and the
 * kdump kernel's vmcore. Each run picks a path, a fault ({@link IoFaultPlan}: an I/O error on the N-th
 * write or at a block, an end of volume, a read error during the read-back) and a point, runs the HMC
 * load on a 64 MiB machine with a mixed workload, and checks how it ended:
 *
 * <ul>
 *   <li>"Dump successful" and the dump reads back equal to storage at the time of the dump, or
 *   <li>"Dump failed: 0xCODE" with the fault's code (0x0003 for an I/O error, 0x4600 "Device too
 *       small" at end of volume) and a read-back that reports the dump incomplete (or finds none), or
 *   <li>for the vmcore: "kdump: saving vmcore failed", the load fails with the file system's error
 *       (Input/output error, No space left on device), no vmcore under any name, and the load's journal
 *       puts storage back as it was;
 *   <li>for a read error during the read-back: the reader stops with the device's error.
 * </ul>
 *
 * Never both, and never "Dump successful" over a dump that reads back different. Runs from
 * {@code -Dsadump.faults.seed} (default 1), {@code -Dsadump.faults.runs} of them (default 20); with
 * {@code -Dsadump.faults.report=FILE} each run appends a line {@code seed path kind fault ending code
 * verdict} (tab-separated; verdict {@code ok} or {@code FAILED}) to FILE for robustness/faults.sh.
 */
class InjectedFaultCampaignTest {
    static final long STORAGE = 64 * Sizes.MIB;
    static final DeviceNumber[] VOLUMES = {
        DeviceNumber.parse("0.0.0200"), DeviceNumber.parse("0.0.0201"), DeviceNumber.parse("0.0.0202")};
    /** Sizes of a clean dump of each path (bytes of the dump file), measured once per JVM. */
    private static final Map<DumpPath, Long> CLEAN_SIZE = new ConcurrentHashMap<>();

    /** The dump paths of the issue. */
    enum DumpPath {
        DASD("dasd"), DASD_NO_COMPRESSION("dasd-nocompress"), MULTI_VOLUME("multi-volume"), TAPE("tape"),
        VMCORE("vmcore");

        final String word;

        DumpPath(String word) {
            this.word = word;
        }
    }

    /** How a run ended, as the report counts it. */
    enum Ending {
        GOOD_DUMP("good dump"), DUMP_FAILED("dump failed"), VMCORE_FAILED("vmcore failed, load undone"),
        READ_BACK_ERROR("read-back stopped by the read error"), WRONG("WRONG");

        final String word;

        Ending(String word) {
            this.word = word;
        }
    }

    @TempDir
    Path tmp;

    static Stream<Long> seeds() {
        long first = Long.getLong("sadump.faults.seed", 1);
        int runs = Integer.getInteger("sadump.faults.runs", 20);
        return LongStream.range(first, first + runs).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyInjectedFaultEndsInAGoodDumpOrItsDocumentedCode(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        DumpPath path = DumpPath.values()[rnd.nextInt(DumpPath.values().length)];
        Run run = path == DumpPath.VMCORE ? vmcoreRun(seed, rnd) : deviceRun(seed, path, rnd);
        report(run);
        assertThat(run.problems).as(run.describe()).isEmpty();
        assertThat(run.ending).as(run.describe()).isNotEqualTo(Ending.WRONG);
    }

    /** One run's facts; {@code problems} lists every broken rule (empty when the ending is right). */
    static final class Run {
        final long seed;
        final DumpPath path;
        String kind = "";
        String fault = "";
        Ending ending = Ending.WRONG;
        String code = "-";
        final List<String> problems = new ArrayList<>();
        final List<String> console = new ArrayList<>();

        Run(long seed, DumpPath path) {
            this.seed = seed;
            this.path = path;
        }

        void require(boolean ok, String rule) {
            if (!ok) {
                problems.add(rule);
            }
        }

        String describe() {
            return "seed " + seed + " (-Dsadump.faults.seed=" + seed + " -Dsadump.faults.runs=1), path " + path.word
                    + ", fault " + fault + ", ending " + ending.word + " " + code + "\nconsole:\n"
                    + String.join("\n", console);
        }
    }

    // ---- stand-alone dump paths ------------------------------------------------------------------

    private Run deviceRun(long seed, DumpPath path, SplittableRandom rnd) throws IOException {
        Run run = new Run(seed, path);
        long clean = cleanSize(path);
        TestMachine m = machine(tmp.resolve("m"), path);
        List<DeviceNumber> volumes = path == DumpPath.MULTI_VOLUME ? multiVolume(m, rnd) : List.of();
        String[] kinds = path == DumpPath.TAPE ? new String[] {"write#", "block:", "eov:"}
                : new String[] {"write#", "block:", "eov:", "read-block:"};
        String kind = kinds[rnd.nextInt(kinds.length)];
        run.kind = kind.substring(0, kind.length() - 1);

        // where the dump's blocks lie on the faulty device: volume block numbers (DASD), block IDs (tape)
        DeviceNumber faulty;
        long firstBlock;
        long blocks;
        if (path == DumpPath.MULTI_VOLUME) {
            faulty = volumes.get(rnd.nextInt(volumes.size()));
            try (EckdDasd d = AttachedDevices.openDasd(m.machine, faulty)) {
                EckdExtent p = d.dumpPartition();
                firstBlock = p.firstBlock();
                blocks = p.blockCount();
            }
        } else if (path == DumpPath.TAPE) {
            faulty = TestMachine.TAPE;
            firstBlock = 0;
            blocks = clean / (32 * 1024) + 8;
        } else {
            faulty = TestMachine.DASD;
            firstBlock = EckdDasd.DUMP_PARTITION_FIRST_TRACK * 12L;
            blocks = clean / 4096 + 2;
        }
        // single volumes and tape: a tenth past the dump's end, where the fault never fires
        long point = rnd.nextLong(path == DumpPath.MULTI_VOLUME ? blocks : blocks + blocks / 10);
        IoFaultPlan plan = IoFaultPlan.parse(kind + (kind.equals("write#") ? point + 1 : firstBlock + point));
        run.fault = plan + (path == DumpPath.MULTI_VOLUME ? " on " + faulty : "");
        boolean readFault = plan.kind() == IoFaultPlan.Kind.READ_BLOCK;
        DeviceNumber load = path == DumpPath.MULTI_VOLUME ? volumes.get(0)
                : path == DumpPath.TAPE ? TestMachine.TAPE : TestMachine.DASD;
        if (!readFault) {
            installWriteFault(m, faulty, plan);
        }

        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(load, false, true, ""), c), elf());
        run.console.addAll(o.messages());
        boolean successful = o.messages().contains(IplLoader.DUMP_SUCCESSFUL);
        Optional<String> failedLine = o.messages().stream().filter(s -> s.startsWith(IplLoader.DUMP_FAILED)).findFirst();
        run.require(!(successful && failedLine.isPresent()), "both 'Dump successful' and 'Dump failed'");
        run.require(successful || failedLine.isPresent(), "neither 'Dump successful' nor 'Dump failed'");
        run.require(o.after() == AfterDump.REIPL, "the dumper re-IPLs the production system, not " + o.after());
        if (successful) {
            run.require(o.dumpComplete() && o.dumpCode() == 0, "'Dump successful' with complete=" + o.dumpComplete()
                    + " code=" + o.dumpCode());
            IoFaultPlan readPlan = readFault ? plan : IoFaultPlan.none();
            try {
                MebibyteDigests.Comparison c = readBack(m, path, volumes, faulty, readPlan, true);
                run.ending = c != null && c.different().isEmpty() && c.absent().isEmpty() ? Ending.GOOD_DUMP : Ending.WRONG;
                run.require(run.ending == Ending.GOOD_DUMP, "'Dump successful' over a dump that reads back "
                        + (c == null ? "incomplete" : "different in MiBs " + c.different() + ", absent " + c.absent()));
            } catch (DeviceIoErrorException e) {
                run.ending = Ending.READ_BACK_ERROR;
                run.code = "data check";
                run.require(readFault && e.getMessage().contains("injected"), "read-back failed: " + e.getMessage());
            }
            return run;
        }
        run.ending = Ending.DUMP_FAILED;
        run.code = String.format("0x%04X", o.dumpCode());
        int expected = plan.kind() == IoFaultPlan.Kind.END_OF_VOLUME ? DumpFailedException.DEVICE_TOO_SMALL
                : DumpFailedException.IO_ERROR;
        run.require(!readFault, "a read fault during the read-back failed the dump itself");
        run.require(o.dumpCode() == expected, String.format("the code is 0x%04X, 0x%04X expected", o.dumpCode(), expected));
        run.require(failedLine.orElse("").startsWith(String.format("%s: 0x%04X", IplLoader.DUMP_FAILED, expected)),
                "the console line says " + failedLine.orElse(""));
        run.require(!o.dumpComplete(), "a failed dump is reported complete");
        try {
            MebibyteDigests.Comparison c = readBack(m, path, volumes, faulty, IoFaultPlan.none(), false);
            run.require(c == null, "the cut-short dump reads back as complete");
        } catch (IOException e) {
            // no dump header at all (the fault hit the first write): nothing reads back as good
            run.require(!(e instanceof DeviceIoErrorException), "reading back the cut-short dump: " + e.getMessage());
        }
        return run;
    }

    /** A fresh 64 MiB machine whose meminfo pointer is cleared, so the load falls back to the stand-alone dump. */
    private static TestMachine machine(Path dir, DumpPath path) throws IOException {
        TestMachine m = new TestMachine(dir, STORAGE);
        try (MachineLock lock = m.machine.lock()) {
            if (path == DumpPath.DASD_NO_COMPRESSION) {
                try (EckdDasd d = AttachedDevices.openDasd(m.machine, lock, TestMachine.DASD)) {
                    DumpDevicePreparer.prepareDasd(d, new DumpToolOptions(OptionalLong.empty(), true, false));
                }
            }
            if (path != DumpPath.VMCORE) {
                try (FileStorage s = m.machine.openStorage(lock)) {
                    s.putU64(Lowcore.MEMINFO_POINTER, 0);
                }
            }
        }
        return m;
    }

    /**
     * Attaches 2 or 3 volumes prepared as one set: the first ones small (15..40 cylinders, 10..28 MiB),
     * the last large enough for the rest, so the dump spans them.
     */
    private static List<DeviceNumber> multiVolume(TestMachine m, SplittableRandom rnd) throws IOException {
        int count = 2 + rnd.nextInt(2);
        List<DeviceNumber> numbers = new ArrayList<>();
        try (MachineLock lock = m.machine.lock()) {
            List<EckdDasd> opened = new ArrayList<>();
            try {
                List<DumpDevicePreparer.Volume> set = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int cylinders = i < count - 1 ? 15 + rnd.nextInt(26) : 110;
                    AttachedDevices.attach(m.machine, lock,
                            new AttachedDevice(VOLUMES[i], AttachedDevice.DeviceType.DASD_3390, cylinders));
                    EckdDasd d = AttachedDevices.openDasd(m.machine, lock, VOLUMES[i]);
                    opened.add(d);
                    set.add(new DumpDevicePreparer.Volume(VOLUMES[i], d));
                    numbers.add(VOLUMES[i]);
                }
                DumpDevicePreparer.prepareMultiVolume(set, DumpToolOptions.defaults(),
                        Instant.parse("2026-12-01T10:00:00Z"));
            } finally {
                for (EckdDasd d : opened) {
                    d.close();
                }
            }
        }
        return numbers;
    }

    /** Opens the machine's devices for the load with {@code plan} on {@code faulty} (any volume of a set). */
    private static void installWriteFault(TestMachine m, DeviceNumber faulty, IoFaultPlan plan) {
        m.devices = (inner, lock) -> number -> {
            if (number.equals(TestMachine.TAPE)) {
                TapeDrive t = AttachedDevices.openTape(m.machine, lock, number);
                t.setFaultPlan(plan);
                return new TapeLoadDevice(number, t);
            }
            EckdDasd d = AttachedDevices.openDasd(m.machine, lock, number);
            if (number.equals(faulty)) {
                d.setFaultPlan(plan);
            }
            return new EckdLoadDevice(number, d, v -> {
                EckdDasd other = AttachedDevices.openDasd(m.machine, lock, v);
                if (v.equals(faulty)) {
                    other.setFaultPlan(plan);
                }
                return Optional.of(other);
            });
        };
    }

    /**
     * Reads the dump back from the devices (with {@code readPlan} on {@code faulty}) and compares it with
     * storage at the time of the dump.
     *
     * @param complete whether to open it as a complete dump (else inspect it)
     * @return the comparison, or {@code null} when the reader reports the dump incomplete
     */
    private static MebibyteDigests.Comparison readBack(TestMachine m, DumpPath path, List<DeviceNumber> volumes,
            DeviceNumber faulty, IoFaultPlan readPlan, boolean complete) throws IOException {
        ReadBackDump dump;
        switch (path) {
            case TAPE -> {
                try (TapeDrive tape = AttachedDevices.openTape(m.machine, TestMachine.TAPE);
                        ReadBackDump d = ClassicS390DumpReader.inspectTape(tape.dumpFile(S390DumpHeader::isDumpHeader),
                                "tape")) {
                    return d.complete() ? m.atDump.compare(d.memory()) : null;
                }
            }
            case MULTI_VOLUME -> {
                List<DumpBlockSource> sources = new ArrayList<>();
                List<String> names = new ArrayList<>();
                try {
                    for (DeviceNumber v : volumes) {
                        EckdDasd d = AttachedDevices.openDasd(m.machine, v);
                        if (v.equals(faulty)) {
                            d.setFaultPlan(readPlan);
                        }
                        sources.add(d.dumpPartition().closingDasd());
                        names.add(v.toString());
                    }
                    dump = S390ExtDumpReader.inspectMultiVolume(sources, names);
                } catch (IOException | RuntimeException e) {
                    for (DumpBlockSource s : sources) {
                        s.close();
                    }
                    throw e;
                }
            }
            default -> {
                EckdDasd d = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                d.setFaultPlan(readPlan);
                dump = S390ExtDumpReader.inspect(d.dumpPartition().closingDasd(), "0190");
            }
        }
        try (ReadBackDump d = dump) {
            return d.complete() ? m.atDump.compare(d.memory()) : null;
        }
    }

    // ---- the vmcore ------------------------------------------------------------------------------

    private Run vmcoreRun(long seed, SplittableRandom rnd) throws IOException {
        Run run = new Run(seed, DumpPath.VMCORE);
        long clean = cleanSize(DumpPath.VMCORE);
        TestMachine m = machine(tmp.resolve("m"), DumpPath.VMCORE);
        m.journaled = true; // as the HMC command: a load that fails is undone
        String[] kinds = {"write#", "block:", "eov:"};
        String kind = kinds[rnd.nextInt(kinds.length)];
        run.kind = kind.substring(0, kind.length() - 1);
        // a fifth past the end: some faults lie beyond what the writer writes, and the vmcore is good
        long point = rnd.nextLong(clean + clean / 5 + 1);
        IoFaultPlan plan = IoFaultPlan.parse(kind + (kind.equals("write#") ? point + 1 : point));
        run.fault = plan + " (byte)";
        MebibyteDigests before = storageDigests(m);

        LoadOutcome o;
        try {
            o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                    new ElfVmcoreWriter(DumpProgressListener.NONE, plan));
        } catch (IOException e) {
            run.console.addAll(m.console);
            run.ending = Ending.VMCORE_FAILED;
            boolean full = plan.kind() == IoFaultPlan.Kind.END_OF_VOLUME;
            run.code = full ? "ENOSPC" : "EIO";
            String expected = full ? FaultPlanChannel.NO_SPACE : FaultPlanChannel.IO_ERROR;
            run.require(e.getMessage().contains(expected), "the load failed with '" + e.getMessage() + "', not "
                    + expected);
            run.require(m.console.stream().anyMatch(s -> s.startsWith(KdumpKernel.VMCORE_FAILED)),
                    "the console does not say '" + KdumpKernel.VMCORE_FAILED + "'");
            run.require(!m.console.contains(IplLoader.DUMP_SUCCESSFUL), "'Dump successful' on a failed vmcore");
            List<Path> left = filesUnder(m.machine.vmcoreDir());
            run.require(left.isEmpty(), "left under vmcore/: " + left);
            MebibyteDigests.Comparison c = storageAgainst(m, before);
            run.require(c.different().isEmpty(), "storage not put back: MiBs " + c.different() + " differ");
            return run;
        }
        run.console.addAll(o.messages());
        run.code = "0";
        run.require(o.dumpComplete() && o.wrote(io.sadump.dump.DumpFormat.ELF), "the load wrote no complete vmcore");
        run.require(o.messages().stream().noneMatch(s -> s.startsWith(KdumpKernel.VMCORE_FAILED)),
                "'saving vmcore failed' on a load that succeeded");
        Path vmcore = Path.of(o.paths().get(0));
        CrashkernelRange ck = m.machine.config().crashkernel().orElseThrow();
        try (ReadBackDump core = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(vmcore)), vmcore.toString())) {
            MebibyteDigests.Comparison c = m.atDump.compare(core.memory());
            List<Long> crashkernel = LongStream.range(ck.base() >> 20, ck.end() >> 20).boxed().toList();
            run.ending = c.different().isEmpty() && c.absent().equals(crashkernel) ? Ending.GOOD_DUMP : Ending.WRONG;
            run.require(run.ending == Ending.GOOD_DUMP, "the vmcore reads back different in MiBs " + c.different()
                    + ", absent " + c.absent());
        }
        List<Path> files = filesUnder(m.machine.vmcoreDir()).stream().filter(Files::isRegularFile).toList();
        run.require(files.equals(List.of(vmcore)), "files under vmcore/, only the vmcore expected: " + files);
        return run;
    }

    private static MebibyteDigests storageDigests(TestMachine m) throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            return MebibyteDigests.of(s);
        }
    }

    private static MebibyteDigests.Comparison storageAgainst(TestMachine m, MebibyteDigests before) throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            return before.compare(new StorageMemorySource(s));
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    // ---- shared ----------------------------------------------------------------------------------

    /** The size of a dump of {@code path} without faults, measured on its own machine once per JVM. */
    private static long cleanSize(DumpPath path) throws IOException {
        Long known = CLEAN_SIZE.get(path);
        if (known != null) {
            return known;
        }
        if (path == DumpPath.MULTI_VOLUME) {
            return 0; // faults on a set are placed inside a volume's partition
        }
        Path dir = Files.createTempDirectory("sadump-faults-clean");
        try {
            TestMachine m = machine(dir.resolve("m"), path);
            DeviceNumber load = path == DumpPath.TAPE ? TestMachine.TAPE : TestMachine.DASD;
            LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(load, false, true, ""), c), elf());
            assertThat(o.dumpComplete()).as(path + " without faults\n" + String.join("\n", o.messages())).isTrue();
            long size = o.bytes();
            CLEAN_SIZE.put(path, size);
            return size;
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void report(Run run) {
        String file = System.getProperty("sadump.faults.report");
        if (file == null || file.isBlank()) {
            return;
        }
        String line = String.join("\t", Long.toString(run.seed), run.path.word, run.kind, run.fault, run.ending.word,
                run.code, run.problems.isEmpty() ? "ok" : "FAILED") + "\n";
        try {
            synchronized (InjectedFaultCampaignTest.class) {
                Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the fault report " + file, e);
        }
    }

    private static VmcoreWriter elf() {
        return new ElfVmcoreWriter(DumpProgressListener.NONE);
    }
}
