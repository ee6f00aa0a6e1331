package io.sadump.hmc;

import io.sadump.dump.DumpProgressListener;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.StorageLayout;
import io.sadump.ipl.ConsoleListener;
import io.sadump.ipl.IplLoader;
import io.sadump.ipl.KdumpKernel;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.ipl.MachineLoadDevices;
import io.sadump.ipl.ProductionReboot;
import io.sadump.ipl.VmcoreWriter;
import io.sadump.ipl.VolumeMount;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuControls;
import io.sadump.machine.CpuState;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineChange;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.RunState;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.VerdictResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One machine directory as the HMC sees it: its status, the tasks on it (Load, PSW Restart, Stop All,
 * Start All, Reset, Mount), the displays, its dumps and its console. Every console (the CLI, the JLine
 * console, the web console, the Web Services API) runs the tasks through here, so the rules are in one
 * place: one task per machine at a time ({@link MachineBusyException}), the HMC's CPU state checks, the
 * journaled change that a kill leaves finished or undone, the console log, the audit record.
 *
 * <p>Nothing here prints: the console lines and the progress go to the task's {@link TaskObserver} and
 * to the machine's {@link ConsoleFeed}; outcomes are returned; failures are typed exceptions.
 */
public final class HmcMachine {
    private final Path dir;
    private final TaskRecorder recorder;
    private final Optional<Path> library;
    private final Clock clock;

    private HmcMachine(Path dir, TaskRecorder recorder, Optional<Path> library, Clock clock) {
        this.dir = dir;
        this.recorder = recorder;
        this.library = library;
        this.clock = clock;
    }

    /**
     * The machine in {@code dir} (a {@code MachineException} if it is none); its tasks are recorded nowhere
     * until {@link #recordedBy}. The directory is read afresh by every call, so a long-lived HmcMachine
     * (the web server's) sees what other commands change; a machine another process is changing opens
     * (its console can be followed) and its reads and tasks say who is busy with it.
     */
    public static HmcMachine open(Path dir) {
        try {
            MachineDirectory.open(dir);
        } catch (io.sadump.machine.MachineLockedException e) {
            // a machine in another process's task: its config was read, so it is one
        }
        return new HmcMachine(dir, TaskRecorder.NONE, Optional.empty(), Clock.systemUTC());
    }

    /**
     * The machine directory for a read: refused while a task of this process changes it (what is read
     * would be half before, half after), or while another process's change is under way (the same).
     */
    private MachineDirectory reader() {
        Optional<TaskHolder> running = TaskLock.runningHere(dir);
        if (running.isPresent()) {
            throw new MachineBusyException(dir.toString(), running.get());
        }
        return writer();
    }

    /** The machine directory, with a change of another process in progress said as who is busy with it. */
    private MachineDirectory writer() {
        try {
            return MachineDirectory.open(dir);
        } catch (io.sadump.machine.MachineLockedException e) {
            Optional<TaskHolder> h = TaskLock.holder(dir);
            if (h.isPresent()) {
                throw new MachineBusyException(dir.toString(), h.get());
            }
            throw e;
        }
    }

    /** This machine, its tasks recorded by {@code r} (the audit log). */
    public HmcMachine recordedBy(TaskRecorder r) {
        return new HmcMachine(dir, r, library, clock);
    }

    /** This machine, mounting images also from {@code dir} (a dump library), besides its own directory. */
    public HmcMachine withLibrary(Optional<Path> dir) {
        return new HmcMachine(this.dir, recorder, dir, clock);
    }

    /** The directory's file name. */
    public String name() {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? dir.toString() : f.toString();
    }

    public Path path() {
        return dir;
    }

    /** The machine directory underneath, for the commands outside the HMC (kexec, dumpdev). */
    public MachineDirectory directory() {
        return writer();
    }

    /** The machine's console: its messages, numbered, live. */
    public ConsoleFeed console() {
        return ConsoleFeed.of(dir);
    }

    /** Who runs a task on this machine now (in this process or another), if an HMC task does. */
    public Optional<TaskHolder> busy() {
        return TaskLock.holder(dir);
    }

    // ----------------------------------------------------------------------------------------------
    // status and displays (read-only)

    /** The status the HMC shows; reads storage, changes nothing. */
    public MachineStatus status() {
        MachineDirectory machine = reader();
        MachineConfig config = machine.config();
        List<CpuState> cpus = machine.cpus();
        RunState run = machine.runState();
        List<MachineStatus.CpuPsw> psws = new ArrayList<>();
        for (CpuState c : cpus) {
            psws.add(new MachineStatus.CpuPsw(c.cpuAddress(), String.format("%016X%016X", c.pswMask(), c.pswAddress()),
                    RunState.isDisabledWait(c.pswMask())));
        }
        VerdictResult v;
        MachineStatus.StorageMap map;
        try (FileStorage s = machine.openStorage()) {
            v = KdumpVerdict.evaluate(s);
            List<MachineStatus.Region> regions = new ArrayList<>();
            for (StorageLayout.Region r : StorageLayout.of(config, cpus, s)) {
                regions.add(new MachineStatus.Region(r.start(), r.end(), r.kind().name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-'), r.kind().mark(), r.name()));
            }
            map = new MachineStatus.StorageMap(s.size(), s.writtenFrames().writtenCount(),
                    s.writtenFrames().frameCount(), regions);
        }
        List<MachineStatus.DeviceStatus> devices = new ArrayList<>();
        for (AttachedDevice d : config.devices()) {
            devices.add(new MachineStatus.DeviceStatus(d.number().toString(), d.type().model(),
                    machine.deviceImage(d).getFileName().toString()));
        }
        return new MachineStatus(name(), config.storageSize(), config.cpuCount(), run.describe(),
                run.status().word(), psws, v.segmentTable().isPresent(), verdict(v), devices,
                Dumps.newest(machine), map);
    }

    static MachineStatus.Verdict verdict(VerdictResult v) {
        return new MachineStatus.Verdict(v.passed(), v.code(), String.format("0x%04X", v.code()),
                v.passed() ? "kdump can start" : v.message(), v.summary());
    }

    /** Every CPU's state (PSW, prefix, registers), for the PSW and registers displays. */
    public List<CpuState> cpus() {
        return reader().cpus();
    }

    /** The CPUs' run state. */
    public RunState runState() {
        return reader().runState();
    }

    /** The lowcore display: pointers, IPIB, save area, OLDMEM. */
    public LowcoreFacts lowcore() {
        try (FileStorage s = reader().openStorage()) {
            return LowcoreFacts.read(s);
        }
    }

    /** The kdump verdict now, with the meminfo page and the segment table it read. */
    public VerdictResult meminfo() {
        try (FileStorage s = reader().openStorage()) {
            return KdumpVerdict.evaluate(s);
        }
    }

    /** {@code range}'s bytes of absolute storage. */
    public StorageBytes storage(StorageRange range) {
        try (FileStorage s = reader().openStorage()) {
            s.checkRange(range.address(), range.length());
            return new StorageBytes(range.address(), s.bytes(range.address(), (int) range.length()));
        }
    }

    /** The machine's dumps, newest first, with the facts {@code zgetdump -i} shows. */
    public List<DumpEntry> dumps() {
        return Dumps.list(reader());
    }

    // ----------------------------------------------------------------------------------------------
    // tasks

    /**
     * The Load task: a normal load of operating CPUs is refused ({@link CpuStateException}, with the way
     * out); otherwise the dump tool on the device runs the kdump verdict and kdump or the stand-alone dump.
     */
    public LoadOutcome load(LoadRequest request, TaskContext ctx) throws IOException {
        String options = "devno=" + request.device() + (request.clear() ? " clear" : "")
                + (request.storeStatus() ? " store-status" : "")
                + (request.loadparm().isEmpty() ? "" : " loadparm=" + request.loadparm());
        return loader("Load", "load", options, ctx, "hmc load " + request.device(), (machine, loader, console) -> {
            try {
                LoadParameter.check(request.loadparm());
                return loader.load(request, console);
            } catch (CpuStateException e) {
                // the HMC's rule, said with the commands that resolve it
                Path d = dir;
                throw new CpuStateException(String.format("the CPUs of %s are %s: stop them first (sadump hmc %s "
                        + "stop), or load clear (sadump hmc %s load %s --clear, which zeroes storage)", d,
                        machine.runState().describe(), d, d, typed(request.device())));
            }
        });
    }

    /** A device number as one types it: {@code 190} in subchannel set 0, else {@code 0.1.0190}. */
    static String typed(DeviceNumber d) {
        return d.css() == 0 && d.ssid() == 0 ? Integer.toHexString(d.devno()) : d.toString();
    }

    /** PSW Restart: the kdump verdict, else the configured on_restart action. */
    public LoadOutcome restart(TaskContext ctx) throws IOException {
        return loader("PSW Restart", "restart", "", ctx, "hmc restart",
                (machine, loader, console) -> loader.restart(console));
    }

    /** Stop All. */
    public CpuControls.Result stop(TaskContext ctx) {
        return control("Stop All", "stop", "", ctx, CpuControls::stop);
    }

    /** Start All. */
    public CpuControls.Result start(TaskContext ctx) {
        return control("Start All", "start", "", ctx, CpuControls::start);
    }

    /** Reset Normal, or Reset Clear (storage zeroed). */
    public CpuControls.Result reset(boolean clear, TaskContext ctx) {
        return control(clear ? "Reset Clear" : "Reset Normal", "reset", clear ? "clear" : "", ctx,
                (m, lock) -> CpuControls.reset(m, lock, clear));
    }

    /**
     * Mount for the web and the API: {@code imageName} is a file name in the machine directory or the
     * dump library ({@link MountLibrary}); paths that leave them are refused.
     */
    public VolumeMount.Result mount(String devno, String imageName, TaskContext ctx) throws IOException {
        // a name that is refused (a path out of the library) is recorded too
        return recorded("Mount", "devno=" + devno + " image=" + imageName, ctx, () -> mountNow(
                DeviceNumber.parse(devno), new MountLibrary(dir, library).resolve(imageName), ctx),
                VolumeMount.Result::message);
    }

    /** Mount of a file the local user named (the CLI: any path the user can read). */
    public VolumeMount.Result mount(DeviceNumber number, Path source, TaskContext ctx) throws IOException {
        return recorded("Mount", "devno=" + number + " image=" + source.getFileName(), ctx,
                () -> mountNow(number, source, ctx), VolumeMount.Result::message);
    }

    private VolumeMount.Result mountNow(DeviceNumber number, Path source, TaskContext ctx) throws IOException {
        TaskHolder holder = new TaskHolder(ctx.user(), "mount", clock.instant());
        MachineDirectory machine = writer();
        try (TaskLock tl = TaskLock.take(machine, holder)) {
            VolumeMount.Result r = VolumeMount.mount(machine, tl.machineLock(), number, source, clock);
            console().sync();
            ctx.observer().message(r.message());
            return r;
        }
    }

    // ----------------------------------------------------------------------------------------------

    /** What runs on the IPL loader. */
    private interface LoaderTask {
        LoadOutcome run(MachineDirectory machine, IplLoader loader, ConsoleListener console) throws IOException;
    }

    private interface Control {
        CpuControls.Result apply(MachineDirectory machine, MachineLock lock);
    }

    private interface Body<T> {
        T run() throws IOException;
    }

    private CpuControls.Result control(String task, String word, String options, TaskContext ctx, Control c) {
        TaskHolder holder = new TaskHolder(ctx.user(), word, clock.instant());
        try {
            return recorded(task, options, ctx, () -> {
            MachineDirectory machine = writer();
            try (TaskLock tl = TaskLock.take(machine, holder)) {
                CpuControls.Result r = c.apply(machine, tl.machineLock());
                console().sync();
                ctx.observer().message(r.message());
                return r;
            }
        }, r -> r.message() + "; " + r.after().describe());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a CPU control does no I/O that throws IOException
        }
    }

    /** Runs {@code body} and records it, with its outcome or its refusal. */
    private <T> T recorded(String task, String options, TaskContext ctx, Body<T> body,
            java.util.function.Function<T, String> outcome) throws IOException {
        T result;
        try {
            result = body.run();
        } catch (RuntimeException | IOException e) {
            boolean refused = e instanceof MachineBusyException || e instanceof CpuStateException
                    || e instanceof io.sadump.machine.MachineLockedException
                    || e instanceof io.sadump.machine.InvalidValueException;
            recorder.record(new TaskRecord(clock.instant(), ctx.user(), ctx.origin(), name(), dirText(), task, options, !refused, (refused ? "refused: " : "failed: ")
                    + e.getMessage()));
            throw e;
        }
        recorder.record(new TaskRecord(clock.instant(), ctx.user(), ctx.origin(), name(),
                dirText(), task, options, true, outcome.apply(result)));
        return result;
    }

    /**
     * Runs {@code task} on the IPL loader as one journaled change of the machine ({@code what} names it):
     * a kill at any point is undone by the next command, so storage is never left half swapped or half
     * rebooted. Each console line is appended to the console log as it comes (under the machine's lock,
     * so the log's order is the machine's), then handed to the feed and the observer.
     */
    private LoadOutcome loader(String task, String word, String options, TaskContext ctx, String what,
            LoaderTask body) throws IOException {
        TaskHolder holder = new TaskHolder(ctx.user(), word, clock.instant());
        ConsoleFeed feed = console();
        return recorded(task, options, ctx, () -> {
            MachineDirectory machine = writer();
            try (TaskLock tl = TaskLock.take(machine, holder);
                    MachineChange change = machine.beginChange(tl.machineLock(), what, List.of(ProductionState.FILE),
                            null)) {
                MachineLock lock = tl.machineLock();
                FileStorage storage = machine.openStorage(lock);
                try {
                    Optional<ProductionReboot> reboot = ProductionSystem.stateOf(machine).map(state -> (ipib, c) -> {
                        storage.close();
                        ProductionSystem.open(machine).reboot(lock);
                        feed.sync();
                        return machine.cpus();
                    });
                    DumpProgressListener progress = new DumpProgressListener() {
                        @Override
                        public void progress(long done, long total, long fileBytes) {
                            ctx.observer().progress(done, total);
                            feed.progress(new ConsoleFeed.TaskProgress(holder, done, total));
                        }
                    };
                    IplLoader loader = new IplLoader(storage, machine.config(), machine.cpus(), machine.runState(),
                            new MachineLoadDevices(machine, lock),
                            new KdumpKernel(machine.vmcoreDir(), VmcoreWriter.of(machine.config().coreCollector(),
                                    progress), Clock.systemUTC()),
                            reboot, Clock.systemUTC());
                    LoadOutcome o = body.run(machine, loader, new ConsoleListener() {
                        @Override
                        public void message(String line) {
                            machine.appendConsole(lock, List.of(line));
                            feed.sync();
                            ctx.observer().message(line);
                        }

                        @Override
                        public void progress(long done, long total) {
                            progress.progress(done, total, 0);
                        }

                        @Override
                        public void dumpStarting(AbsoluteStorage s) {
                            ctx.observer().dumpStarting(s);
                        }
                    });
                    machine.saveCpus(lock, o.cpus());
                    machine.saveRunState(lock, o.runState());
                    storage.close();
                    change.commit();
                    return o;
                } finally {
                    storage.close();
                }
            }
        }, o -> o.verdict().map(VerdictResult::summary).orElse("no verdict") + "; dump " + o.dumpWord()
                + (o.dumpFormat().isPresent() ? (o.dumpComplete() ? " complete" : String.format(" FAILED 0x%04X",
                        o.dumpCode())) : "") + "; after " + o.after().word());
    }

    /** The directory as the audit log names it: absolute, normalized. */
    private String dirText() {
        return dir.toAbsolutePath().normalize().toString();
    }

    /** An instant for tests and records. */
    Instant now() {
        return clock.instant();
    }
}
