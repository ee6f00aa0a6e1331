package io.sadump.cli;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpMedium;
import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.fixtures.InjectionReport;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuControls;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.meminfo.KexecSegment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sadump demo}: the whole dump path on a built-in system, in one command. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The whole dump path on a built-in 2 GiB system, in ./sadump-demo.",
            "",
            "A production system (workload mixed, 2 CPUs, crashkernel 256M@256M) with",
            "a 3390 and a tape; kexec loads a kdump kernel; the DASD is prepared as a",
            "dump device. Load with store status: the verdict passes and kdump writes",
            "a vmcore. Then one bit of the kdump kernel is flipped: the next Load fails",
            "the verdict, naming the segment, and the stand-alone dump goes to the DASD.",
            "Both dumps are read back and compared MiB by MiB (SHA-256) with storage as",
            "it was when each dump started. The machine stays for 'sadump hmc'.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump demo",
            "  sadump demo --force                 (replace an earlier ./sadump-demo)",
            "  sadump demo --dir /tmp/demo1",
            "  sadump hmc sadump-demo messages     (afterwards: the console log)",
        })
public final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_DIR = Path.of("sadump-demo");
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    static final DeviceNumber TAPE = DeviceNumber.parse("0.0.0181");
    static final long INJECTION_SEED = 6;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to build the demo machine (default ./sadump-demo).")
    Path dir = DEFAULT_DIR;

    @Option(names = "--force", description = "Replace DIR if it holds an earlier demo.")
    boolean force;

    private PrintWriter out;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        long start = System.nanoTime();
        prepareDirectory();

        step("1", "Production system");
        ProductionSystem system = ProductionSystem.create(dir, ProductionSystem.Spec.defaults("demo"));
        MachineDirectory machine = system.machine();
        CrashkernelRange ck = machine.config().crashkernel().orElseThrow();
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390,
                    AttachedDevices.DEFAULT_DASD_CYLINDERS));
            AttachedDevices.attach(machine, lock, new AttachedDevice(TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    AttachedDevices.DEFAULT_TAPE_CAPACITY));
        }
        out.printf("   %s storage, %d CPUs, crashkernel %s, workload mixed, in %s%n",
                Sizes.format(machine.config().storageSize()), machine.config().cpuCount(), ck, dir);
        out.printf("   devices: 3390 %s (%d cylinders), 3490 tape %s (%s)%n", DASD,
                AttachedDevices.DEFAULT_DASD_CYLINDERS, TAPE, Sizes.format(AttachedDevices.DEFAULT_TAPE_CAPACITY));

        step("2", "kexec -p: the kdump kernel is loaded into crashkernel memory");
        KexecLoad.Loaded loaded;
        try (MachineLock lock = machine.lock()) {
            loaded = KexecLoad.load(machine, lock, KexecLoad.Request.synthetic());
        }
        List<KexecSegment> segs = loaded.table().segments();
        for (int i = 0; i < segs.size(); i++) {
            KexecSegment s = segs.get(i);
            out.printf("   segment %d %-10s [0x%08X, 0x%08X) %s%n", i, s.kind().label(), s.mem(), s.end(),
                    Sizes.format(s.memsz()));
        }
        out.printf("   meminfo entry 13 points to the segment table (SHA-256 per segment), entry point 0x%X%n",
                loaded.table().entryPoint());

        step("3", "Storage map");
        storageMap(machine, ck);

        step("4", "Dump devices (zipl -d)");
        try (MachineLock lock = machine.lock()) {
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, DASD)) {
                DumpDevicePreparer.prepareDasd(dasd, DumpToolOptions.defaults());
            }
            try (TapeDrive tape = AttachedDevices.openTape(machine, lock, TAPE)) {
                DumpDevicePreparer.prepareTape(tape, DumpToolOptions.defaults());
            }
        }
        out.printf("   %s: XECKD64 single-volume DASD dump tool (zlib); %s: tape dump tool%n", DASD, TAPE);

        step("5", "HMC: stop, then load " + DASD + " with store status (the kdump kernel is intact)");
        MebibyteDigests[] atDump = new MebibyteDigests[1];
        LoadOutcome first = load(machine, atDump);
        MebibyteDigests firstDigests = atDump[0];
        out.println("   => " + first.verdict().map(v -> v.summary()).orElse("no verdict") + "; "
                + HmcOutcomeReport.dumpLine(first));

        step("6", "Inject: one bit flipped in the kdump kernel segment");
        InjectionReport report;
        try (MachineLock lock = machine.lock()) {
            report = CorruptionCatalogue.inject(machine, lock, Corruption.SEGMENT_BITFLIP_KERNEL, INJECTION_SEED);
        }
        out.println("   " + report.description());

        step("7", "HMC: stop, then load " + DASD + " with store status again");
        LoadOutcome second = load(machine, atDump);
        MebibyteDigests secondDigests = atDump[0];
        out.println("   => " + second.verdict().map(v -> v.summary()).orElse("no verdict"));
        out.println("      " + HmcOutcomeReport.dumpLine(second));

        step("8", "Read both dumps back and compare them with storage at the time of each dump");
        boolean ok = first.wrote(DumpFormat.ELF) && first.dumpComplete()
                && second.wrote(DumpFormat.S390_EXT) && second.dumpComplete();
        // the two read-backs are independent: one on each core
        FutureTask<ReadBack> vmcoreCheck = new FutureTask<>(() -> first.wrote(DumpFormat.ELF)
                ? readBackVmcore(first, firstDigests, ck) : null);
        Thread vmcoreReader = new Thread(vmcoreCheck, "demo-vmcore-read-back");
        vmcoreReader.setDaemon(true);
        vmcoreReader.start();
        ReadBack dasdCheck = second.wrote(DumpFormat.S390_EXT) ? readBackDasd(machine, secondDigests) : null;
        for (ReadBack r : new ReadBack[] {result(vmcoreCheck), dasdCheck}) {
            if (r != null) {
                ok &= r.good();
                out.println(r.line());
            }
        }
        endStep();
        out.println();
        out.println("Step times: " + times);
        out.printf("%s in %.1f s. Explore: sadump hmc %s messages | display meminfo | display psw%n",
                ok ? "Both dumps match storage" : "The dumps do NOT match storage",
                (System.nanoTime() - start) / 1e9, dir);
        out.flush();
        return ok ? 0 : 1;
    }

    /** What a dump read back showed: the line to print, and whether it matched. */
    private record ReadBack(String line, boolean good) {}

    private static ReadBack readBackVmcore(LoadOutcome first, MebibyteDigests firstDigests, CrashkernelRange ck)
            throws IOException {
        Path vmcore = Path.of(first.paths().get(0));
        try (ReadBackDump core = DumpFormatRegistry.read(DumpBlockSource.of(FileChannel.open(vmcore)),
                vmcore.toString(), DumpMedium.FILE).requireComplete()) {
            MebibyteDigests.Comparison c = firstDigests.compare(core.memory());
            boolean good = c.matches() && c.absent().size() == ck.size() / Sizes.MIB
                    && c.absent().get(0) == ck.base() / Sizes.MIB;
            return new ReadBack(String.format("   vmcore (ELF, %d CPUs):     %d MiB equal, %d MiB differ, %d MiB left"
                    + " out (the crashkernel range, as designed)%s", core.metadata().cpus().size(), c.equal(),
                    c.different().size(), c.absent().size(), good ? "" : "  MISMATCH"), good);
        }
    }

    private static ReadBack readBackDasd(MachineDirectory machine, MebibyteDigests secondDigests) throws IOException {
        EckdDasd dasd = AttachedDevices.openDasd(machine, DASD);
        ReadBackDump d;
        try {
            d = DumpFormatRegistry.read(dasd.dumpPartition().closingDasd(), DASD.toString(), DumpMedium.CKD_IMAGE)
                    .requireComplete();
        } catch (IOException | RuntimeException e) {
            dasd.close();
            throw e;
        }
        MebibyteDigests.Comparison c;
        int cpus;
        try (d) { // closes the DASD too
            c = secondDigests.compare(d.memory());
            cpus = d.metadata().cpus().size();
        }
        boolean good = c.matches() && c.absent().isEmpty();
        return new ReadBack(String.format("   %s (s390_ext, %d CPUs): %d MiB equal, %d MiB differ, %d MiB absent%s",
                DASD, cpus, c.equal(), c.different().size(), c.absent().size(), good ? "" : "  MISMATCH"), good);
    }

    /** The task's result, its failure rethrown as it was. */
    private static ReadBack result(FutureTask<ReadBack> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the vmcore was read back", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private LoadOutcome load(MachineDirectory machine, MebibyteDigests[] atDump) throws IOException {
        PrintWriter indented = new PrintWriter(new java.io.Writer() {
            boolean lineStart = true;

            @Override
            public void write(char[] cbuf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (lineStart) {
                        out.write("   | ");
                    }
                    out.write(cbuf[i]);
                    lineStart = cbuf[i] == '\n';
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                flush();
            }
        });
        // the HMC refuses a normal load of running CPUs: the operator stops them first
        try (MachineLock lock = machine.lock()) {
            indented.println(CpuControls.stop(machine, lock).message());
        }
        // the demo's scratch machine is no HMC's: its load is not audited
        ConsoleEcho echo = new ConsoleEcho(indented, spec.commandLine().getErr(), true, ConsoleProgress.terminalAttached()) {
            @Override
            public void dumpStarting(AbsoluteStorage s) {
                atDump[0] = MebibyteDigests.of(s);
            }
        };
        try (ShutdownDeferral deferral = new ShutdownDeferral(spec.commandLine().getErr())) {
            return HmcMachine.open(machine.path()).load(new LoadRequest(DASD, false, true, ""),
                    TaskContext.local(echo));
        } finally {
            echo.clear();
        }
    }

    private void storageMap(MachineDirectory machine, CrashkernelRange ck) {
        try (AbsoluteStorage s = machine.openStorage()) {
            FrameRecord f = s.writtenFrames();
            long written = 0;
            for (long i = 0; i < f.frameCount(); i++) {
                if (f.isWritten(i)) {
                    written++;
                }
            }
            long end = s.size();
            row(0, FirstKernelLayout.IMAGE_END, String.format("first kernel: lowcore, text, meminfo 0x%X, IPIB 0x%X",
                    FirstKernelLayout.MEMINFO_PAGE, FirstKernelLayout.IPIB));
            row(FirstKernelLayout.IMAGE_END, ck.base(), "workload");
            row(ck.base(), ck.end(), "crashkernel: kdump kernel, initrd, command line, purgatory");
            row(ck.end(), end, "workload");
            out.printf("   %d of %d MiB were ever written; the rest is zero and takes no space in storage.img%n",
                    written, f.frameCount());
        }
    }

    private void endStep() {
        if (stepName != null) {
            times.append(times.length() == 0 ? "" : ", ").append(stepName)
                    .append(String.format(" %.1f s", (System.nanoTime() - stepStart) / 1e9));
        }
        stepName = null;
    }

    private void row(long from, long to, String what) {
        if (to > from) {
            out.printf("   [0x%08X, 0x%08X) %9s  %s%n", from, to, Sizes.format(to - from), what);
        }
    }

    private final StringBuilder times = new StringBuilder();
    private long stepStart;
    private String stepName;

    private void step(String n, String title) {
        endStep();
        stepName = n;
        stepStart = System.nanoTime();
        out.println();
        out.println(n + ". " + title);
        out.flush();
    }

    /** Refuses an existing directory unless --force and it is an earlier demo (a machine directory). */
    private void prepareDirectory() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        }
        if (empty) {
            return;
        }
        if (!force) {
            throw new UsageException(dir + " exists; run 'sadump demo --force' to replace it, or choose another "
                    + "directory with --dir");
        }
        if (!Files.exists(dir.resolve(MachineDirectory.CONFIG))) {
            throw new UsageException(dir + " is not an earlier demo (no " + MachineDirectory.CONFIG
                    + "); --force only replaces a machine directory");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
