package io.sadump.ipl;

import io.sadump.device.dumptool.DumpToolKind;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineConfig.DumpconfAction;
import io.sadump.machine.RunState;
import io.sadump.machine.Sizes;
import io.sadump.machine.StorageMemorySource;
import io.sadump.meminfo.CrashVmcoreinfo;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VerdictResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The IPL model: the HMC's Load of a dump device and the PSW restart, each ending in the single
 * decision point of docs/abi.md §8. The dumper (or the first kernel, on restart) runs the {@link
 * KdumpVerdict}; on pass it swaps the crashkernel memory with {@code [0, size)} ({@link
 * CrashkernelSwap}), sets {@code OLDMEM_BASE/SIZE} and enters the {@link KdumpKernel}; on fail it says
 * why, with the code, and writes the stand-alone dump to its IPL device. Afterwards it re-IPLs through
 * a valid IPIB or stops in a disabled wait (docs/abi.md §8, §9, §10).
 *
 * <p>Nothing is printed: every console line goes to the {@link ConsoleListener} and into the {@link
 * LoadOutcome}. The dumper's own code in storage (zipl loads it below 0x10000) is not modelled, so the
 * dump holds exactly the production system's memory.
 */
public final class IplLoader {
    /** The dump tool's banner (zipl {@code stage2dump.c}, docs/architecture.md §6). */
    public static final String BANNER = "zIPL v2.31.0 dump tool (64 bit)";
    /** The line before the memory is written. */
    public static final String DUMPING = "Dumping 64 bit OS";
    public static final String DUMP_SUCCESSFUL = "Dump successful";
    public static final String DUMP_FAILED = "Dump failed";
    /** How often the dumper prints its progress line (about every 5 s, docs/architecture.md §6). */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    /** Disabled wait PSW mask: wait state, EA+BA (64-bit), no interrupts; the address carries the code. */
    public static final long DISABLED_WAIT_MASK = 0x0002_0001_8000_0000L;
    /** Running PSW after a successful restart of kdump: the kdump kernel runs enabled, 64-bit. */
    static final long KDUMP_RUNNING_MASK = 0x0704_C001_8000_0000L;

    private final AbsoluteStorage storage;
    private final MachineConfig config;
    private final List<CpuState> cpus;
    private final RunState runState;
    private final LoadDevices devices;
    private final KdumpKernel kdump;
    private final Optional<ProductionReboot> reboot;
    private final Clock clock;
    private S390DumpSettings dumpSettings = S390DumpSettings.defaults();

    /**
     * @param storage the machine's absolute storage (opened for writing)
     * @param cpus the machine's CPUs, IPL CPU first
     * @param runState whether the CPUs run now: a normal load of operating CPUs is refused
     * @param reboot boots the production system on re-IPL; empty when there is none to boot
     */
    public IplLoader(AbsoluteStorage storage, MachineConfig config, List<CpuState> cpus, RunState runState,
            LoadDevices devices, KdumpKernel kdump, Optional<ProductionReboot> reboot, Clock clock) {
        this.storage = Objects.requireNonNull(storage);
        this.config = Objects.requireNonNull(config);
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("a machine needs at least one CPU");
        }
        this.cpus = List.copyOf(cpus);
        this.runState = Objects.requireNonNull(runState);
        this.devices = Objects.requireNonNull(devices);
        this.kdump = Objects.requireNonNull(kdump);
        this.reboot = Objects.requireNonNull(reboot);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The settings of the stand-alone dump (threads, TOD clock); the tool's parameters override them. */
    public IplLoader withDumpSettings(S390DumpSettings settings) {
        this.dumpSettings = Objects.requireNonNull(settings);
        return this;
    }

    /**
     * The HMC's Load. Throws {@link IplException}, with nothing changed, when the device cannot be IPLed.
     *
     * <p>The HMC's rule: a normal load of operating CPUs is refused; the operator stops them first (so
     * the registers that store status saves stand still and storage is no longer changing), or loads
     * clear, whose clear reset discards the running system anyway. (Hercules is stricter still: it rejects
     * even the system reset of running CPUs, "All CPU's must be stopped", docs/architecture.md §8.)
     *
     * @throws CpuStateException when the CPUs operate and the load is not clear (nothing changed)
     */
    public LoadOutcome load(LoadRequest request, ConsoleListener console) throws IOException {
        if (runState.isOperating() && !request.clear()) {
            // A load address with no device is the operator's first mistake to hear of: the fix named
            // below (a load clear) would zero storage and still fail on it.
            devices.open(request.device()).close();
            throw new CpuStateException("the CPUs are operating: a load needs them stopped first (the HMC's stop), "
                    + "or a load clear, which zeroes storage");
        }
        Task t = new Task("load " + request.device(), console);
        return t.load(request, cpus, "HMC");
    }

    /** PSW restart: the first kernel's restart handler, then its {@code on_restart} action. */
    public LoadOutcome restart(ConsoleListener console) throws IOException {
        if (runState.status() == RunState.Status.CHECK_STOP) {
            throw new CpuStateException("the CPUs are check-stopped: a restart interruption is not taken in the "
                    + "check-stop state; a reset or a load clear recovers them");
        }
        Task t = new Task("restart", console);
        return t.kernelTrigger("on_restart", config.onRestart(),
                "HMC: PSW restart: the first kernel takes the restart interrupt");
    }

    /**
     * A kernel panic: {@code panic() -> __crash_kexec()} runs the same verdict (docs/abi.md §8), then
     * the {@code on_panic} action.
     *
     * @param message the panic message, for the console
     */
    public LoadOutcome panic(String message, ConsoleListener console) throws IOException {
        Task t = new Task("panic", console);
        return t.kernelTrigger("on_panic", config.onPanic(), "Kernel panic - not syncing: " + message);
    }

    /** One load or restart: collects its console lines. */
    private final class Task {
        final String trigger;
        final ConsoleListener console;
        final List<String> messages = new ArrayList<>();
        /** Storage pages the dump could not read (set by the dump that ran). */
        List<Long> unreadable = List.of();
        final Instant start;

        Task(String trigger, ConsoleListener console) {
            this.trigger = trigger;
            this.console = console;
            this.start = clock.instant();
        }

        void say(String line) {
            messages.add(line);
            console.message(line);
        }

        /** @param who "HMC" for the operator's Load, "kernel: diag 308" for the dumpconf dump action */
        LoadOutcome load(LoadRequest request, List<CpuState> current, String who) throws IOException {
            say(String.format("%s: load %s (%s%s%s)", who, request.device(), request.clear() ? "clear" : "normal",
                    request.storeStatus() ? ", store status" : "",
                    request.loadparm().isEmpty() ? "" : ", loadparm " + request.loadparm()));
            try (LoadDevice device = devices.open(request.device())) {
                // Identify first: a device that cannot be IPLed as a dumper fails the load before anything changes.
                byte[] iplRecord = device.readIplRecord();
                DumpTool tool = device.readDumpTool();
                List<CpuState> now = current;
                if (request.storeStatus()) {
                    storeStatus(now);
                    say(String.format("%s: store status: %d CPU%s stored (CPU %d, the IPL CPU, also at absolute 0x%04X)",
                            who, now.size(), now.size() == 1 ? "" : "s", now.get(0).cpuAddress(), Lowcore.SAVE_AREA));
                }
                if (request.clear()) {
                    storage.clear();
                    now = now.stream().map(c -> CpuState.reset(c.cpuAddress())).toList();
                    say(who + ": clear reset: storage zeroed (" + Sizes.format(storage.size())
                            + "); no dump is possible");
                } else {
                    say(who + ": system reset (normal): storage kept");
                }
                ByteBuffer r = ByteBuffer.wrap(iplRecord);
                say(String.format("%s: IPL from %s: IPL PSW %016X; dump tool %s", who, device.description(),
                        r.getLong(0), tool.describe()));
                if (request.clear()) {
                    say("The dump tool finds zeroed storage: nothing to dump; the system stays stopped");
                    return outcome(Optional.empty(), Optional.empty(), false, 0,
                            "load clear: storage was zeroed, no dump is possible", List.of(), 0, AfterDump.STOPPED, 0,
                            now);
                }
                return dumper(device, tool, now);
            }
        }

        /** The dump tool running after the IPL: verdict, then kdump or the stand-alone dump. */
        LoadOutcome dumper(LoadDevice device, DumpTool tool, List<CpuState> now) throws IOException {
            say(BANNER);
            saveCrashTime();
            // stage2dump.c: store status on every CPU (SIGP stop-and-store); the IPL CPU's status is
            // stored only by the operator's "store status".
            for (int i = 1; i < now.size(); i++) {
                now.get(i).storeStatus(storage, false);
            }
            VerdictResult verdict = KdumpVerdict.evaluate(storage);
            if (verdict.passed()) {
                say(passLine(verdict));
                return kdump(verdict, now, false);
            }
            say(failLine(verdict));
            return fallback(device, tool, verdict, now);
        }

        String passLine(VerdictResult v) {
            MeminfoPage p = v.meminfo().orElseThrow();
            return String.format("kdump check: meminfo at 0x%X valid, crashkernel %s at 0x%X, %d segments verified: "
                    + "starting the kdump kernel at 0x%X", v.meminfoPointer(), Sizes.format(p.crashkernelSize()),
                    p.crashkernelAddr(), v.segmentTable().orElseThrow().segments().size(), v.entryPoint());
        }

        String failLine(VerdictResult v) {
            return String.format("kdump not possible: 0x%04X %s", v.code(), v.message());
        }

        /** Swap, OLDMEM_BASE/SIZE, enter the kdump kernel (purgatory's work, docs/abi.md §9.1), then re-IPL. */
        LoadOutcome kdump(VerdictResult verdict, List<CpuState> now, boolean fromKernel) throws IOException {
            MeminfoPage page = verdict.meminfo().orElseThrow();
            CrashkernelRange ck = new CrashkernelRange(page.crashkernelAddr(), page.crashkernelSize());
            console.dumpStarting(storage);
            CrashkernelSwap.swap(storage, ck);
            storage.putU64(Lowcore.OLDMEM_BASE, ck.base());
            storage.putU64(Lowcore.OLDMEM_SIZE, ck.size());
            say(String.format("%sswapped [0, 0x%X) with [0x%X, 0x%X); OLDMEM_BASE=0x%X OLDMEM_SIZE=0x%X; "
                    + "PSW %016X %016X", fromKernel ? "kernel: " : "", ck.size(), ck.base(), ck.end(), ck.base(),
                    ck.size(), KDUMP_RUNNING_MASK, verdict.entryPoint()));
            storage.noteChange("vmcore write by the kdump kernel (storage swapped)");
            KdumpResult r = kdump.run(storage, now, this::say);
            unreadable = r.unreadablePages();
            List<CpuState> after = new ArrayList<>(now);
            after.set(0, now.get(0).withPsw(KDUMP_RUNNING_MASK, verdict.entryPoint()));
            String reason = "kdump: " + verdict.message() + "; vmcore written";
            return reIpl(r.reIpl(), Optional.of(verdict), Optional.of(DumpFormat.ELF), true, 0, reason,
                    List.of(r.vmcore().toString()), r.bytes(), 0, after);
        }

        /** The stand-alone dump to the IPL device, the dumper's messages, then exit. */
        LoadOutcome fallback(LoadDevice device, DumpTool tool, VerdictResult verdict, List<CpuState> now)
                throws IOException {
            say(DUMPING);
            if (tool.noCompress() && tool.kind() == DumpToolKind.ECKD_SINGLE) {
                say("Dump compression prevented by the --no-compress attribute");
            }
            if (tool.hasLimit()) {
                say("Using memory limit");
            }
            console.dumpStarting(storage);
            storage.noteChange("stand-alone dump to " + device.number());
            Progress progress = new Progress();
            // live storage reads its file at positions: the compression threads read their own frames
            S390DumpSettings settings = dumpSettings.withListener(progress).withParallelReads(true);
            // the s390 formats carry no VMCOREINFO of their own: readers find it in the dumped memory
            StorageMemorySource memory = new StorageMemorySource(storage);
            String reason = "kdump not possible (" + verdict.summary() + ")";
            try {
                FallbackDumpResult r = device.dump(memory, DumpMetadata.of(now, Optional.empty()), tool, settings);
                progress.finish();
                unreadable = r.unreadablePages();
                StorageErrorLines.of(unreadable, "written as the fill pattern").forEach(this::say);
                // the dump is complete: every page is in it, the unreadable ones marked as such
                say(DUMP_SUCCESSFUL);
                List<String> paths = r.volumes().stream().map(Object::toString).toList();
                return exit(Optional.of(verdict), Optional.of(r.format()), true, 0,
                        reason + "; stand-alone dump written to " + String.join(", ", paths), paths,
                        r.dumpFileBytes(), verdict.code(), now);
            } catch (DumpFailedException e) {
                say(String.format("%s: 0x%04X %s", DUMP_FAILED, e.code(), e.getMessage()));
                return exit(Optional.of(verdict), formatOf(tool), false, e.code(),
                        reason + "; the stand-alone dump failed: " + e.getMessage(),
                        List.of(device.number().toString()), progress.bytes, e.code(), now);
            }
        }

        Optional<DumpFormat> formatOf(DumpTool tool) {
            return Optional.of(switch (tool.kind()) {
                case TAPE -> DumpFormat.S390_TAPE;
                case ECKD_MULTI -> DumpFormat.S390_MV_EXT;
                case ECKD_SINGLE -> DumpFormat.S390_EXT;
            });
        }

        /** The dumper's exit: re-IPL through a valid IPIB of storage, else a disabled wait with the code. */
        LoadOutcome exit(Optional<VerdictResult> verdict, Optional<DumpFormat> format, boolean complete, int dumpCode,
                String reason, List<String> paths, long bytes, int waitCode, List<CpuState> now) throws IOException {
            return reIpl(Ipib.find(storage), verdict, format, complete, dumpCode, reason, paths, bytes, waitCode, now);
        }

        LoadOutcome reIpl(Ipib.Check check, Optional<VerdictResult> verdict, Optional<DumpFormat> format,
                boolean complete, int dumpCode, String reason, List<String> paths, long bytes, int waitCode, List<CpuState> now)
                throws IOException {
            if (check.valid() && reboot.isPresent()) {
                Ipib ipib = check.ipib().orElseThrow();
                say("Re-IPL through the IPIB at 0x" + Long.toHexString(ipib.address()).toUpperCase() + ": "
                        + ipib.target());
                List<CpuState> booted = reboot.get().reboot(ipib, this::say);
                say("The production system is running again");
                return outcome(verdict, format, complete, dumpCode, reason, paths, bytes, AfterDump.REIPL, 0, booted);
            }
            String why = check.valid() ? "a valid IPIB, but no production system to boot" : check.reason();
            List<CpuState> after = new ArrayList<>(now);
            after.set(0, now.get(0).withPsw(DISABLED_WAIT_MASK, waitCode & 0xFFFF_FFFFL));
            say(String.format("No re-IPL (%s): disabled wait PSW %016X %016X (code 0x%04X)", why, DISABLED_WAIT_MASK,
                    waitCode & 0xFFFF_FFFFL, waitCode));
            return outcome(verdict, format, complete, dumpCode, reason, paths, bytes, AfterDump.DISABLED_WAIT, waitCode,
                    after);
        }

        /** The first kernel's crash_kexec, then the shutdown action {@code name} = {@code action}. */
        LoadOutcome kernelTrigger(String name, DumpconfAction action, String firstLine) throws IOException {
            say(firstLine + " (" + name + " = " + action.word() + ")");
            saveCrashTime();
            VerdictResult verdict = KdumpVerdict.evaluate(storage);
            if (verdict.passed()) {
                say("kernel: " + passLine(verdict));
                // __machine_kdump: store status of every CPU, the boot CPU's also at absolute 0x1200 (docs/abi.md §3)
                storeStatus(cpus);
                return kdump(verdict, cpus, true);
            }
            say("kernel: " + failLine(verdict));
            switch (action) {
                case DUMP -> {
                    if (config.dumpDevice().isEmpty()) {
                        say("kernel: " + name + " = dump, but no dump device is configured: stopping");
                        return stopped(verdict, "kdump not possible and no dump device configured");
                    }
                    say("kernel: " + name + " = dump: IPL of dump device " + config.dumpDevice().get());
                    return load(new LoadRequest(config.dumpDevice().get(), false, true, config.loadparm()), cpus,
                            "kernel: diag 308");
                }
                case REIPL -> {
                    Ipib.Check check = Ipib.find(storage);
                    return reIpl(check, Optional.of(verdict), Optional.empty(), false, 0,
                            "kdump not possible (" + verdict.summary() + "); " + name + " = reipl", List.of(), 0,
                            verdict.code(), cpus);
                }
                default -> {
                    say("kernel: " + name + " = " + action.word() + ": the system stops");
                    return stopped(verdict, "kdump not possible (" + verdict.summary() + "); " + name + " = "
                            + action.word());
                }
            }
        }

        /**
         * The kernel's {@code crash_save_vmcoreinfo}: panic and PSW restart reach it through {@code
         * crash_kexec}. The model also dates the dump of a Load by it, so that every dump's VMCOREINFO
         * says when it was taken; the time is this task's start, whichever path gets here first.
         */
        void saveCrashTime() {
            CrashVmcoreinfo.save(storage, start);
        }

        LoadOutcome stopped(VerdictResult verdict, String reason) {
            return outcome(Optional.of(verdict), Optional.empty(), false, 0, reason, List.of(), 0, AfterDump.STOPPED, 0,
                    cpus);
        }

        LoadOutcome outcome(Optional<VerdictResult> verdict, Optional<DumpFormat> format, boolean complete, int dumpCode,
                String reason, List<String> paths, long bytes, AfterDump after, int waitCode, List<CpuState> now) {
            return new LoadOutcome(trigger, verdict, format, complete, dumpCode, reason, paths, bytes,
                    Duration.between(start, clock.instant()), after, waitCode, now, messages, unreadable);
        }

        /** The dumper's progress lines, at most every 5 s and once at the end. */
        final class Progress implements DumpProgressListener {
            // the loader's clock, not System.nanoTime: tests drive the 5 s interval with their own clock
            Instant lastLine = clock.instant();
            long done;
            long total;
            long bytes;

            @Override
            public void progress(long memoryDone, long memoryTotal, long dumpFileBytes) {
                done = memoryDone;
                total = memoryTotal;
                bytes = dumpFileBytes;
                console.progress(memoryDone, memoryTotal);
                Instant t = clock.instant();
                if (Duration.between(lastLine, t).compareTo(PROGRESS_INTERVAL) >= 0) {
                    lastLine = t;
                    say(line());
                }
            }

            void finish() {
                say(line());
            }

            String line() {
                return String.format("%08d / %08d MB (Dump file size %08d MB)", done >> 20, total >> 20, bytes >> 20);
            }
        }
    }

    /** Store status on every CPU; the first (IPL) CPU's area also at absolute 0x1200. */
    void storeStatus(List<CpuState> list) {
        for (int i = 0; i < list.size(); i++) {
            list.get(i).storeStatus(storage, i == 0);
        }
    }
}
