package io.sadump.cli;

import io.sadump.device.AttachedDevices;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.Workload;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.FileStorage;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.output.StagedDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump machine create DIR}: a production system with a booted first kernel. */
@Command(
        name = "create",
        header = "Create a production system with a booted first kernel.",
        mixinStandardHelpOptions = true,
        description = {
            "Creates a production system in DIR (a new or empty directory) and boots its first kernel: the kernel "
                    + "image at 0 with its parmarea, init_uts_ns, lowcore_ptr and high_memory, a VMCOREINFO note "
                    + "(meminfo entry 0 and the lowcore pointer 0x0E0C), the meminfo page at 0x0E18 with the "
                    + "crashkernel reservation, an IPIB with its checksum, CPUs with plausible registers and "
                    + "distinct prefix pages, and a workload in the rest of memory.",
            "Storage is a sparse file: a machine costs only the memory its workload writes, so a 1 TiB machine "
                    + "with --workload zero takes seconds and a few MiB of disk.",
            "No kdump kernel is loaded yet: run 'sadump kexec load DIR' next."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:created", "1:DIR is not empty, or the files cannot be written",
            "2:an option is wrong (nothing is created)"},
        footer = {
            "",
            "Examples:",
            "  sadump machine create sys1                      2G, 2 CPUs, crashkernel 256M@256M, mixed workload",
            "  sadump machine create small --storage 64M       crashkernel defaults to 16M@16M",
            "  sadump machine create big --storage 1T --workload zero --cpus 8",
            "  sadump machine create idle --storage 1T --in-use 4G   mixed in the first 4G, the rest free",
            "  sadump machine create lab --crashkernel 512M@1G --seed 42",
            "  sadump machine create sys2 --dasd 0.0.0190 --dasd 191:1113 --tape 181:2G",
            "  sadump machine create sys3 --core-collector 'makedumpfile -c -d 31'   kdump writes a filtered dump"
        })
final class MachineCreateCommand implements Callable<Integer> {
    /** Storage from which the workload fill reports progress. */
    static final long PROGRESS_FROM = Sizes.GIB;

    @Parameters(index = "0", paramLabel = "DIR", description = "the new machine directory")
    Path dir;

    @Option(names = "--storage", paramLabel = "SIZE", defaultValue = "2G",
            description = "absolute storage, a multiple of 1M, at least 16M, at most 16T (default: ${DEFAULT-VALUE})")
    String storage;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "2", description = "CPUs, 1.."
            + MachineConfig.MAX_CPUS + " (default: ${DEFAULT-VALUE})")
    String cpus;

    @Option(names = "--crashkernel", paramLabel = "SIZE@BASE|none",
            description = "the crashkernel reservation, 1M-aligned, base at 4M or above. Default: 256M@256M for "
                    + "storage of 1G and more; below that a quarter of storage at a quarter of storage, rounded down "
                    + "to 1M (64M gives 16M@16M). 'none' reserves nothing.")
    String crashkernel;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "mixed",
            description = "what fills memory: mixed (about half zero pages, a quarter text, a quarter random), zero "
                    + "(nothing; costs no disk), random (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--in-use", paramLabel = "SIZE",
            description = "the workload fills only the first SIZE of storage (a multiple of 1M, at least 16M); the "
                    + "rest is free memory, as on a large system that uses little of it: 1T with 4G in use costs the "
                    + "disk and the filtered dump of 4G (default: all of storage)")
    String inUse;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the workload and CPU registers: the same seed builds the same storage "
                    + "(default: ${DEFAULT-VALUE})")
    String seed;

    @Option(names = "--dasd", paramLabel = "DEVNO[:CYLS]",
            description = "attach a 3390 DASD at DEVNO (image devices/<devno>.3390; default 3339 cylinders, a"
                    + " 3390-3); repeatable")
    List<String> dasds = new ArrayList<>();

    @Option(names = "--tape", paramLabel = "DEVNO[:CAPACITY]",
            description = "attach a 3490 tape drive at DEVNO with a blank cartridge (image devices/<devno>.aws;"
                    + " default capacity 800M); repeatable")
    List<String> tapes = new ArrayList<>();

    @Option(names = "--core-collector", paramLabel = "COMMAND",
            description = "what the kdump kernel saves old memory with, as kdump-tools and kdump.conf say it: 'cp' "
                    + "(the whole ELF vmcore; the default) or 'makedumpfile [-c|-z] [-d N]' (a kdump-compressed file "
                    + "without the pages dump level N leaves out, zlib or zstd per page)")
    String coreCollector;

    @Option(names = "--json", description = "print one JSON object instead of the summary line")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        long size = parseSize(storage, "--storage");
        int cpuCount = parseInt(cpus, "--cpus");
        long seedValue = parseLong(seed, "--seed");
        Workload w = Workload.parse(workload);
        CoreCollector collector = coreCollector == null ? CoreCollector.COPY : CoreCollector.parse(coreCollector);
        Optional<CrashkernelRange> ck;
        if (crashkernel == null) {
            ck = Optional.of(ProductionSystem.defaultCrashkernel(size));
        } else if (crashkernel.trim().toLowerCase(Locale.ROOT).equals("none")) {
            ck = Optional.empty();
        } else {
            ck = Optional.of(CrashkernelRange.parse(crashkernel));
        }
        List<AttachedDevice> devices = new ArrayList<>();
        for (String d : dasds) {
            devices.add(AttachedDevices.parseDasd(d));
        }
        for (String t : tapes) {
            devices.add(AttachedDevices.parseTape(t));
        }
        // the config refuses a device number given twice, before anything is created
        MachineConfig.of(Sizes.MIB, 1, Optional.empty()).withDevices(devices);
        String nodename = nodename(dir);
        ProductionSystem.Spec s = new ProductionSystem.Spec(size, cpuCount, ck, w, seedValue, nodename);
        if (inUse != null) {
            s = s.withInUse(parseSize(inUse, "--in-use"));
        }
        ProductionSystem.validate(s);
        long start = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        // Progress on stderr for fills that take a while: every 10% of at least 1 GiB of workload.
        boolean showProgress = w != Workload.ZERO && Math.min(size, s.inUse()) >= PROGRESS_FROM;
        long[] shown = {0};
        // All or nothing: the machine is built in a hidden directory beside DIR and renamed to DIR only
        // when complete; a failure (a full disk, say) removes it and leaves DIR as it was.
        long written;
        try (StagedDirectory staged = stage(dir)) {
            ProductionSystem p = ProductionSystem.create(staged.path(), s, (done, total) -> {
                if (showProgress && (done - shown[0] >= total / 10 || done == total) && done > shown[0]) {
                    shown[0] = done;
                    err.printf("sadump machine create: filling memory: %s / %s%n", MachineText.size(done),
                            MachineText.size(total));
                    err.flush();
                }
            });
            if (!devices.isEmpty() || !collector.equals(CoreCollector.COPY)) {
                try (MachineLock lock = p.machine().lock()) {
                    p.machine().saveConfig(lock, p.machine().config().withCoreCollector(collector));
                    for (AttachedDevice d : devices) {
                        AttachedDevices.attach(p.machine(), lock, d);
                    }
                }
            }
            try (FileStorage st = p.machine().openStorage()) {
                written = st.writtenFrames().writtenCount();
            }
            staged.commit();
        } catch (DirectoryNotEmptyException e) {
            throw new MachineException(dir + " is not empty; choose a new directory for the machine");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.field("dir", dir.toString()).field("storage", size).field("cpus", cpuCount);
            j.name("crashkernel");
            if (ck.isPresent()) {
                j.beginObject().field("base", ck.get().base()).field("size", ck.get().size()).endObject();
            } else {
                j.nullValue();
            }
            j.name("devices").beginArray();
            for (AttachedDevice d : devices) {
                j.beginObject().field("devno", d.number().toString()).field("type", d.type().model())
                        .field("capacity", d.capacity()).endObject();
            }
            j.endArray();
            j.field("core_collector", collector.commandLine());
            j.field("workload", w.word()).field("in_use", Math.min(size, s.inUse()))
                    .field("seed", seedValue).field("nodename", nodename)
                    .field("written_frames", written).field("milliseconds", Math.round(seconds * 1000));
            j.endObject().finish();
        } else {
            out.printf("created %s: %s storage, %d CPU%s, crashkernel %s, workload %s%s (seed %d), %s"
                    + " written, in %.2f s; next: sadump kexec load %s%n", dir, Sizes.format(size), cpuCount,
                    cpuCount == 1 ? "" : "s", ck.map(CrashkernelRange::toString).orElse("none"), w.word(),
                    s.inUse() < size ? " in the first " + Sizes.format(s.inUse()) : "", seedValue,
                    MachineText.size(written << 20), seconds, dir);
            if (!collector.equals(CoreCollector.COPY)) {
                out.printf("  kdump core collector: %s%n", MachineConfigCommand.describe(collector));
            }
            for (AttachedDevice d : devices) {
                out.printf("  attached %s %s at %s (%s)%n", d.type().model(),
                        d.type() == AttachedDevice.DeviceType.DASD_3390 ? "DASD" : "tape", d.number(),
                        d.type() == AttachedDevice.DeviceType.DASD_3390 ? d.capacity() + " cylinders"
                                : Sizes.format(d.capacity()));
            }
            out.flush();
        }
        return 0;
    }

    /** The hidden directory the machine is built in; refuses a DIR that is a file or not empty. */
    private static StagedDirectory stage(Path dir) throws IOException {
        try {
            return StagedDirectory.create(dir);
        } catch (FileAlreadyExistsException e) {
            throw new MachineException(dir + " exists and is not a directory");
        } catch (DirectoryNotEmptyException e) {
            throw new MachineException(dir + " is not empty; choose a new directory for the machine");
        }
    }

    /** The host name: the directory's name, cut to what a utsname field holds. */
    static String nodename(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        String n = name == null ? "s390" : name.toString().replaceAll("[^A-Za-z0-9._-]", "-");
        if (n.isEmpty()) {
            n = "s390";
        }
        return n.length() > 64 ? n.substring(0, 64) : n;
    }

    static long parseSize(String text, String option) {
        try {
            return Sizes.parse(text);
        } catch (InvalidValueException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    static int parseInt(String text, String option) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a number: '" + text + "'");
        }
    }

    static long parseLong(String text, String option) {
        try {
            String t = text.trim();
            return t.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a number: '" + text + "'");
        }
    }
}
