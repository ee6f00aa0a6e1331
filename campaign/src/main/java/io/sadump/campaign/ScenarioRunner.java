package io.sadump.campaign;

import io.sadump.dump.DumpFormat;
import io.sadump.device.ckd.CkdGeometry;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionException;
import io.sadump.fixtures.InjectionReport;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.WrittenRanges;
import io.sadump.meminfo.SegmentKind;
import io.sadump.meminfo.VerdictCheck;
import io.sadump.meminfo.VerdictResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one scenario: copies the template into a scenario directory, injects, runs the HMC load of the
 * dump DASD with store status (no re-IPL: the machine ends in the dumper's disabled wait, which saves
 * rebuilding storage), and checks
 * <ol>
 *   <li>the verdict: the catalogue's check and code for a damaging kind (and, for a segment bit flip, the
 *       segment kind the verdict names); a pass for a control;</li>
 *   <li>the dump: a fallback s390_ext dump on the DASD for a damaging kind, a vmcore for a control; complete,
 *       and reading back equal, MiB by MiB, to storage when the dump started (a vmcore leaves out exactly the
 *       crashkernel range); one save area per CPU. With a core collector that filters, the vmcore is
 *       kdump-compressed and checked page by page ({@link ObservedLoad#compareFilteredDump}): it holds exactly
 *       the pages {@link KeptPagePrediction} keeps, each equal to storage when the dump started;</li>
 *   <li>the disk: after a fallback, storage is as it was when the dump started and the DASD's header and
 *       track 0 (IPL record, dump tool, label) are unchanged; after kdump, exactly one new file, the vmcore;
 *       every other file of the machine (configuration, production state, ...) is as in the template.</li>
 * </ol>
 * Thread-safe as long as each thread works in its own directory.
 */
final class ScenarioRunner {
    /**
     * Files a load changes by design: storage and its frame record, the CPUs and their run state (stopped
     * first, then the dumper's wait), the console log, the lock.
     */
    private static final Set<String> LOAD_CHANGES = Set.of(MachineDirectory.STORAGE, MachineDirectory.FRAMES,
            MachineDirectory.CPUS, MachineDirectory.RUN_STATE, MachineDirectory.CONSOLE_LOG, ".lock");

    private final CampaignTemplate template;
    private final CoreCollector collector;
    /** Per crashkernel range (the same in every scenario but a damaged one), what the dump level keeps. */
    private final java.util.concurrent.ConcurrentHashMap<CrashkernelRange, KeptPagePrediction> predictions =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final TemplateCopy copy;
    private final DiskState templateState;
    private final String dasdImage;
    private final byte[] dasdHead;
    private final int cpuCount;
    /** Mappings of the scenario machines' storage files, read by the reference and the storage check. */
    private final KeptMappings storageViews = new KeptMappings();
    /**
     * The template storage's CRC-32C per MiB, the reference's starting point ({@link KnownStorage}); null for
     * storage too large to keep mapped, which is read whole.
     */
    private final MebibyteDigests templateDigests;
    /**
     * Per scenario directory, the ranges its storage and DASD were written at since its last restore, so the
     * next restore puts back only those (each directory is used by one thread at a time).
     */
    private final java.util.concurrent.ConcurrentHashMap<Path, WrittenRanges> writeLogs =
            new java.util.concurrent.ConcurrentHashMap<>();

    ScenarioRunner(CampaignTemplate template) throws IOException {
        this(template, CoreCollector.COPY);
    }

    /** @param collector the kdump kernel's core collector in every scenario */
    ScenarioRunner(CampaignTemplate template, CoreCollector collector) throws IOException {
        this.template = template;
        this.collector = java.util.Objects.requireNonNull(collector, "collector");
        this.copy = new TemplateCopy(template.machineDir());
        this.templateState = DiskState.of(template.machineDir());
        MachineDirectory machine = MachineDirectory.open(template.machineDir());
        this.cpuCount = machine.config().cpuCount();
        AttachedDevice dasd = machine.config().device(CampaignTemplate.DASD).orElseThrow(() ->
                new IllegalStateException(template.machineDir() + " has no DASD at " + CampaignTemplate.DASD));
        Path image = machine.deviceImage(dasd);
        this.dasdImage = template.machineDir().relativize(image).toString().replace('\\', '/');
        long headLength;
        try (EckdDasd d = EckdDasd.open(image, false)) {
            headLength = d.geometry().trackOffset(EckdDasd.DUMP_PARTITION_FIRST_TRACK);
        }
        this.dasdHead = readHead(image, headLength);
        try (AbsoluteStorage storage = machine.openStorage()) {
            ByteBuffer mapped = storageViews.view(machine.path().resolve(MachineDirectory.STORAGE));
            this.templateDigests = mapped != null && mapped.capacity() == storage.size()
                    ? MebibyteDigests.ofImage(mapped, storage.writtenFrames(), MebibyteDigests.Algorithm.CRC_32C)
                    : null;
        }
    }

    CampaignTemplate template() {
        return template;
    }

    /**
     * Runs {@code s} in {@code dir}: a new directory, or one a previous scenario ran in, which is restored to
     * the template first ({@link TemplateCopy#restore}). The machine is left in {@code dir} as the scenario
     * left it, for the caller to keep, reuse or remove.
     */
    ScenarioResult run(Scenario s, Path dir) {
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Optional<InjectionReport> injection = Optional.empty();
        String label = "error";
        int code = 0;
        boolean fellBack = false;
        List<String> messages = List.of();
        try {
            WrittenRanges log = restore(dir);
            MachineDirectory machine = MachineDirectory.open(dir).watchWrites(log);
            KnownStorage known = templateDigests == null ? null
                    : new KnownStorage(templateDigests, dir.resolve(MachineDirectory.STORAGE), log, copy);
            try (MachineLock lock = machine.lock()) {
                injection = Optional.of(CorruptionCatalogue.inject(machine, lock, s.kind(), s.seed()));
            }
            ObservedLoad load = HmcLoad.of(machine, CampaignTemplate.DASD).reIpl(false).fastReference(true)
                    .coreCollector(collector).mappedStorage(storageViews).knownStorage(known).run();
            LoadOutcome o = load.outcome();
            messages = o.messages();
            code = o.verdictCode();
            fellBack = o.verdict().map(v -> !v.passed()).orElse(false);
            label = label(o);
            checkVerdict(s.kind(), o, problems);
            checkDump(load, injection.map(InjectionReport::changes).orElse(List.of()), problems);
            checkDisk(machine, load, known, problems);
        } catch (InjectionException e) {
            problems.add("the injector refused: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            problems.add("the scenario failed: " + e);
        }
        return new ScenarioResult(s, injection, label, code, fellBack, problems, messages,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Makes {@code dir} the template again (a copy when it does not exist), putting back only what the last
     * scenario run in it wrote; returns the log the next scenario's writes are to be noted in.
     */
    WrittenRanges restore(Path dir) throws IOException {
        WrittenRanges log = writeLogs.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new WrittenRanges());
        copy.restore(dir, log);
        return log;
    }

    static String label(LoadOutcome o) {
        if (o.verdict().isEmpty()) {
            return "no verdict";
        }
        VerdictResult v = o.verdict().get();
        String s = v.passed() ? "kdump" : String.format("fallback 0x%04X", v.code());
        if (o.dumpCode() != 0) {
            s += String.format(", dump failed 0x%04X", o.dumpCode());
        } else if (!o.dumpComplete()) {
            s += ", no complete dump";
        }
        return s;
    }

    /** The segment kind a segment bit flip of {@code kind} must make the verdict name. */
    static Optional<SegmentKind> namedSegment(Corruption kind) {
        return switch (kind) {
            case SEGMENT_BITFLIP_KERNEL -> Optional.of(SegmentKind.KERNEL);
            case SEGMENT_BITFLIP_INITRD -> Optional.of(SegmentKind.INITRD);
            case SEGMENT_BITFLIP_CMDLINE -> Optional.of(SegmentKind.COMMAND_LINE);
            case SEGMENT_BITFLIP_PURGATORY -> Optional.of(SegmentKind.PURGATORY);
            default -> Optional.empty();
        };
    }

    private static void checkVerdict(Corruption kind, LoadOutcome o, List<String> problems) {
        Optional<VerdictResult> v = o.verdict();
        if (v.isEmpty()) {
            problems.add("no verdict ran (" + o.reason() + ")");
            return;
        }
        Optional<VerdictCheck> expected = kind.expected();
        if (expected.isEmpty()) {
            if (!v.get().passed()) {
                problems.add("a control fell back: " + v.get().summary() + " (expected " + kind.expectedText() + ")");
            } else if (!o.wrote(DumpFormat.ELF)) {
                problems.add("kdump passed but wrote " + o.dumpWord() + ", not a vmcore");
            }
            return;
        }
        if (v.get().passed()) {
            problems.add("the damage went undetected: the verdict passed and kdump started (expected "
                    + kind.expectedText() + ")");
            return;
        }
        if (v.get().failedCheck().get() != expected.get()) {
            problems.add("the verdict failed at the wrong check: " + v.get().summary() + " (expected "
                    + kind.expectedText() + ")");
        }
        namedSegment(kind).ifPresent(seg -> {
            if (!v.get().segmentKind().equals(Optional.of(seg))) {
                problems.add("the verdict names segment " + v.get().segmentKind().map(SegmentKind::label)
                        .orElse("none") + ", not the " + seg.label() + " segment that was damaged");
            }
        });
        if (!o.wrote(DumpFormat.S390_EXT)) {
            problems.add("the fallback wrote " + o.dumpWord() + ", not s390_ext on the DASD");
        }
    }

    private void checkDump(ObservedLoad load, List<ByteChange> changes, List<String> problems) throws IOException {
        LoadOutcome o = load.outcome();
        if (!o.dumpComplete() || o.dumpCode() != 0) {
            problems.add(String.format("the dump is not complete (code 0x%04X): %s", o.dumpCode(), o.reason()));
            return;
        }
        if (!o.wrote(DumpFormat.ELF) && !o.wrote(DumpFormat.S390_EXT)) {
            return;
        }
        if (load.wroteFilteredVmcore()) {
            KeptPagePrediction predicted = predictions.computeIfAbsent(load.crashkernel(),
                    ck -> KeptPagePrediction.of(load.machine(), ck, collector.dumpLevel()));
            // a control may flip a bit in the page descriptors: makedumpfile then decides those frames by
            // what storage holds, not by the fixture's classes
            BitSet otherwise = predicted.framesDecidedOtherwise(changes);
            ObservedLoad.FilteredComparison f = load.compareFilteredDump(predicted, otherwise);
            if (!f.matches()) {
                problems.add("the filtered dump is not what the dump level keeps of storage: " + f.describe());
            }
            if (f.cpus() != cpuCount) {
                problems.add("the dump holds " + f.cpus() + " CPU save areas, the machine has " + cpuCount + " CPUs");
            }
            return;
        }
        ObservedLoad.DumpComparison c = load.compareDump();
        if (!c.matches()) {
            problems.add("the dump does not read back as storage was: " + c.describe());
        }
        if (c.cpus() != cpuCount) {
            problems.add("the dump holds " + c.cpus() + " CPU save areas, the machine has " + cpuCount + " CPUs");
        }
    }

    private void checkDisk(MachineDirectory machine, ObservedLoad load, KnownStorage known, List<String> problems)
            throws IOException {
        LoadOutcome o = load.outcome();
        boolean kdump = o.wrote(DumpFormat.ELF);
        String vmcorePrefix = MachineDirectory.VMCORE + "/";
        DiskState now = DiskState.of(machine.path());
        problems.addAll(templateState.differences(now, p -> LOAD_CHANGES.contains(p)
                || (kdump && p.startsWith(vmcorePrefix)) || (!kdump && p.equals(dasdImage))));
        if (kdump) {
            List<String> added = now.files().keySet().stream()
                    .filter(p -> p.startsWith(vmcorePrefix) && !templateState.files().containsKey(p)).toList();
            String vmcore = machine.path().relativize(Path.of(o.paths().get(0))).toString().replace('\\', '/');
            if (!added.equals(List.of(vmcore))) {
                problems.add("kdump should add exactly " + vmcore + " under " + vmcorePrefix + "; added: " + added);
            }
        } else {
            byte[] head = readHead(machine.path().resolve(dasdImage), dasdHead.length);
            if (!Arrays.equals(head, dasdHead)) {
                problems.add(dasdImage + ": the device header or track 0 (IPL record, dump tool, label) changed");
            }
            MebibyteDigests atDump = load.atDump().orElse(null);
            if (atDump != null) {
                try (AbsoluteStorage storage = machine.openStorage()) {
                    ByteBuffer image = storage.unreadablePages().isEmpty()
                            ? storageViews.view(machine.path().resolve(MachineDirectory.STORAGE)) : null;
                    MebibyteDigests.Comparison c = image != null && image.capacity() == storage.size()
                            ? (known != null ? known.compare(atDump, image, storage.writtenFrames())
                                    : atDump.compareImage(image, storage.writtenFrames()))
                            : atDump.compare(new StorageMemorySource(storage));
                    if (!c.different().isEmpty()) {
                        problems.add("the stand-alone dump changed storage: " + c.different().size()
                                + " MiB differ, first at MiB " + c.different().get(0));
                    }
                }
            }
        }
    }

    private static byte[] readHead(Path image, long length) throws IOException {
        try (InputStream in = Files.newInputStream(image)) {
            return in.readNBytes((int) Math.min(length, CkdGeometry.TRACK_SIZE * 2L));
        }
    }
}
