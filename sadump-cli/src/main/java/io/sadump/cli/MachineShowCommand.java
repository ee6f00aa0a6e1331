package io.sadump.cli;

import io.sadump.fixtures.CrashkernelSegments;
import io.sadump.fixtures.KeptKdumpKernel;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.StorageLayout;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.Sizes;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump machine show DIR}: what a machine is and holds, read-only. */
@Command(
        name = "show",
        header = "Show a machine: storage, CPUs, meminfo, kdump kernel, verdict.",
        mixinStandardHelpOptions = true,
        description = {
            "Shows a machine, read-only: storage and how much of it was ever written, the CPUs (prefix, PSW), the "
                    + "crashkernel, how the production system was built, the meminfo state, the kdump kernel and "
                    + "its kexec segments, attached devices and dumpconf, and the verdict the IPL-time dumper would "
                    + "reach now.",
            "--map draws the storage layout: the whole storage, the first kernel's 4 MiB and the crashkernel as bars "
                    + "of 64 marks, then every region with its exact addresses."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown (whatever the verdict)", "1:DIR is not a machine, or its files cannot be read"},
        footer = {
            "",
            "Examples:",
            "  sadump machine show sys1",
            "  sadump machine show sys1 --map",
            "  sadump machine show sys1 --json | jq .verdict.summary"
        })
final class MachineShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--map", description = "draw the storage layout (with --json: add the regions)")
    boolean map;

    @Spec
    CommandSpec spec;

    /** What storage says about meminfo; empty when the pointer leads nowhere readable. */
    record MeminfoView(long pointer, Optional<MeminfoPage> page) {}

    @Override
    public Integer call() {
        MachineDirectory m = MachineDirectory.open(dir);
        MachineConfig config = m.config();
        List<CpuState> cpus = m.cpus();
        Optional<ProductionState> state = ProductionSystem.stateOf(m);
        Optional<KeptKdumpKernel> kept = KeptKdumpKernel.of(m);
        MeminfoView meminfo;
        Optional<KexecSegmentTable> table;
        VerdictResult verdict;
        long written;
        long frames;
        List<StorageLayout.Region> regions;
        List<String> mapLines = List.of();
        try (FileStorage s = m.openStorage()) {
            long pointer = s.u64(Lowcore.MEMINFO_POINTER);
            Optional<MeminfoPage> page = Optional.empty();
            if (pointer != 0 && pointer % MeminfoPage.ALIGNMENT == 0 && s.contains(pointer, MeminfoPage.SIZE)) {
                MeminfoPage p = MeminfoPage.read(s.bytes(pointer, MeminfoPage.SIZE));
                if (p.magicValid()) {
                    page = Optional.of(p);
                }
            }
            meminfo = new MeminfoView(pointer, page);
            table = CrashkernelSegments.currentTable(s);
            verdict = KdumpVerdict.evaluate(s);
            written = s.writtenFrames().writtenCount();
            frames = s.writtenFrames().frameCount();
            regions = StorageLayout.of(config, cpus, s);
            if (map && !json) {
                mapLines = new StorageMapText(regions, s.writtenFrames(), s.size()).lines();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            json(out, m, config, cpus, state, kept, meminfo, table, verdict, written, frames, regions);
        } else {
            text(out, m, config, cpus, state, kept, meminfo, table, verdict, written, frames, mapLines);
        }
        return 0;
    }

    private void text(PrintWriter out, MachineDirectory m, MachineConfig config, List<CpuState> cpus,
            Optional<ProductionState> state, Optional<KeptKdumpKernel> kept, MeminfoView meminfo,
            Optional<KexecSegmentTable> table, VerdictResult verdict, long written, long frames, List<String> mapLines) {
        out.printf("machine %s%n", m.path());
        out.printf("  storage      %s (%s bytes), %d of %d 1M frames written (%s)%n", Sizes.format(config.storageSize()),
                MachineText.hex(config.storageSize()), written, frames, MachineText.size(written << 20));
        out.printf("  CPUs         %d, %s%n", cpus.size(), m.runState().describe());
        for (CpuState c : cpus) {
            out.printf("    cpu %-3d    prefix 0x%08X  psw %016X %016X%n", c.cpuAddress(), c.prefix(), c.pswMask(),
                    c.pswAddress());
        }
        out.printf("  crashkernel  %s%n", config.crashkernel().map(ck -> ck + String.format(" [0x%X, 0x%X)",
                ck.base(), ck.end())).orElse("none"));
        out.printf("  production   %s%n", state.map(s -> String.format("workload %s%s, seed %d, nodename %s, IPL device"
                + " %s, booted %d time%s", s.workload().word(),
                s.limited() ? " in the first " + Sizes.format(s.inUse()) : "", s.seed(), s.nodename(), s.iplDevice(),
                s.bootCount(),
                s.bootCount() == 1 ? "" : "s")).orElse("(not built by 'sadump machine create')"));
        if (meminfo.page().isPresent()) {
            MeminfoPage p = meminfo.page().get();
            List<String> present = new ArrayList<>();
            for (MeminfoEntryIndex i : MeminfoEntryIndex.values()) {
                if (!p.entry(i).isAbsent()) {
                    present.add(i.index() + " " + i.name());
                }
            }
            out.printf("  meminfo      at 0x%X, version %d.%d, header checksum %s, crashkernel [0x%X, +%s), entries: %s%n",
                    meminfo.pointer(), p.versionMajor(), p.versionMinor(), p.checksumValid() ? "ok" : "MISMATCH",
                    p.crashkernelAddr(), Sizes.format(p.crashkernelSize()),
                    present.isEmpty() ? "none" : String.join(", ", present));
        } else {
            out.printf("  meminfo      none readable (pointer at 0x0E18 is 0x%X)%n", meminfo.pointer());
        }
        if (kept.isPresent()) {
            KeptKdumpKernel k = kept.get();
            out.printf("  kdump kernel kernel %s, initrd %s, cmdline \"%s\"%n", k.kernelSource(), k.initrdSource(),
                    k.commandLine());
        } else {
            out.printf("  kdump kernel none loaded%n");
        }
        if (table.isPresent()) {
            KexecSegmentTable t = table.get();
            out.printf("  segments     %d, entry point 0x%X%n", t.segments().size(), t.entryPoint());
            out.printf("    %-2s %-9s %-12s %-10s %-10s %s%n", "#", "kind", "mem", "memsz", "bufsz", "sha256");
            for (int i = 0; i < t.segments().size(); i++) {
                KexecSegment s = t.segment(i);
                out.printf("    %-2d %-9s 0x%-10X 0x%-8X 0x%-8X %s%n", i, s.kind().label(), s.mem(), s.memsz(), s.bufsz(),
                        s.sha256Hex());
            }
        }
        if (config.devices().isEmpty()) {
            out.printf("  devices      none%n");
        } else {
            out.printf("  devices      %d%n", config.devices().size());
            for (AttachedDevice d : config.devices()) {
                out.printf("    %s  %s  %s%n", d.number(), d.type().model(),
                        d.type() == AttachedDevice.DeviceType.DASD_3390 ? d.capacity() + " cylinders"
                                : Sizes.format(d.capacity()));
            }
        }
        out.printf("  dumpconf     on_panic %s, on_restart %s, dump device %s%n", config.onPanic().word(),
                config.onRestart().word(), config.dumpDevice().map(Object::toString).orElse("none"));
        out.printf("  collector    %s%n", MachineConfigCommand.describe(config.coreCollector()));
        if (!mapLines.isEmpty()) {
            out.println("  map");
            mapLines.forEach(out::println);
        }
        out.printf("  verdict      %s%n", verdict.summary());
        out.flush();
    }

    private void json(PrintWriter out, MachineDirectory m, MachineConfig config, List<CpuState> cpus,
            Optional<ProductionState> state, Optional<KeptKdumpKernel> kept, MeminfoView meminfo,
            Optional<KexecSegmentTable> table, VerdictResult verdict, long written, long frames,
            List<StorageLayout.Region> regions) {
        JsonWriter j = new JsonWriter(out).beginObject();
        j.field("dir", m.path().toString());
        j.name("storage").beginObject().field("size", config.storageSize()).field("frames", frames)
                .field("written_frames", written).endObject();
        j.name("cpus").beginArray();
        for (CpuState c : cpus) {
            j.beginObject().field("address", c.cpuAddress()).field("prefix", c.prefix())
                    .field("psw_mask", String.format("%016X", c.pswMask()))
                    .field("psw_address", String.format("%016X", c.pswAddress())).endObject();
        }
        j.endArray();
        j.field("run_state", m.runState().status().word());
        if (m.runState().status() == io.sadump.machine.RunState.Status.DISABLED_WAIT) {
            j.field("wait_code", String.format("0x%04X", m.runState().waitCode()));
        }
        j.name("crashkernel");
        crashkernel(j, config.crashkernel());
        j.name("production");
        if (state.isPresent()) {
            ProductionState s = state.get();
            j.beginObject().field("workload", s.workload().word()).field("seed", s.seed())
                    .field("nodename", s.nodename()).field("ipl_device", s.iplDevice().toString())
                    .field("boots", s.bootCount())
                    .field("in_use", s.limited() ? s.inUse() : config.storageSize()).endObject();
        } else {
            j.nullValue();
        }
        j.name("meminfo");
        if (meminfo.page().isPresent()) {
            MeminfoPage p = meminfo.page().get();
            j.beginObject().field("pointer", meminfo.pointer()).field("version_major", p.versionMajor())
                    .field("version_minor", p.versionMinor()).field("checksum_ok", p.checksumValid())
                    .field("crashkernel_addr", p.crashkernelAddr()).field("crashkernel_size", p.crashkernelSize());
            j.name("entries").beginArray();
            for (MeminfoEntryIndex i : MeminfoEntryIndex.values()) {
                if (!p.entry(i).isAbsent()) {
                    j.value(i.index());
                }
            }
            j.endArray().endObject();
        } else {
            j.nullValue();
        }
        j.name("kdump");
        if (kept.isPresent()) {
            KeptKdumpKernel k = kept.get();
            j.beginObject().field("kernel", k.kernelSource()).field("initrd", k.initrdSource())
                    .field("cmdline", k.commandLine()).endObject();
        } else {
            j.nullValue();
        }
        j.name("segments").beginArray();
        table.ifPresent(t -> t.segments().forEach(s -> j.beginObject().field("kind", s.kind().label())
                .field("mem", s.mem()).field("memsz", s.memsz()).field("bufsz", s.bufsz())
                .field("sha256", s.sha256Hex()).endObject()));
        j.endArray();
        j.name("entry_point");
        if (table.isPresent()) {
            j.value(table.get().entryPoint());
        } else {
            j.nullValue();
        }
        j.name("devices").beginArray();
        for (AttachedDevice d : config.devices()) {
            j.beginObject().field("devno", d.number().toString()).field("type", d.type().model())
                    .field("capacity", d.capacity()).endObject();
        }
        j.endArray();
        j.name("dumpconf").beginObject().field("on_panic", config.onPanic().word())
                .field("on_restart", config.onRestart().word())
                .field("dump_device", config.dumpDevice().map(Object::toString).orElse(null)).endObject();
        j.name("verdict").beginObject().field("passed", verdict.passed()).field("code", verdict.code())
                .field("check", verdict.failedCheck().map(c -> c.shortName()).orElse(null))
                .field("summary", verdict.summary()).endObject();
        if (map) {
            j.name("regions").beginArray();
            for (StorageLayout.Region r : regions) {
                j.beginObject().field("start", r.start()).field("end", r.end())
                        .field("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT)).field("name", r.name())
                        .endObject();
            }
            j.endArray();
        }
        j.endObject().finish();
    }

    private static void crashkernel(JsonWriter j, Optional<CrashkernelRange> ck) {
        if (ck.isPresent()) {
            j.beginObject().field("base", ck.get().base()).field("size", ck.get().size()).endObject();
        } else {
            j.nullValue();
        }
    }
}
