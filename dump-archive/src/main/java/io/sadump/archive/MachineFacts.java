package io.sadump.archive;

import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.Sizes;
import io.sadump.meminfo.MeminfoLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is known about the machine a dump comes from, for the archive's {@code info.json} ("machine"):
 * its configuration when the dump's files lie in a machine directory (a device image in {@code
 * devices/}, a vmcore in {@code vmcore/}): storage size, CPUs, crashkernel, attached devices, dumpconf
 * and loadparm; otherwise what the dump itself says: the real memory size and CPU count of its header,
 * the crashkernel range of the meminfo ({@code os_info}) page in dumped memory, and the devices the
 * volumes were read from. A crashkernel range read from a page that fails its checks is still shown,
 * marked as not trusted.
 *
 * @param origin "machine directory" or "dump"
 * @param directory the machine directory, when there is one
 * @param storageSize bytes of storage
 * @param cpuCount CPUs of the machine (the dump: the real CPU count when known, else the CPUs saved)
 * @param crashkernel the reserved crashkernel memory, when known
 * @param crashkernelTrusted false when the range comes from a meminfo page that fails its checksum
 *     (or version) check
 * @param devices attached devices ("0.0.0190 3390 ..."), or the devices the volumes came from
 * @param dumpconf the machine's dumpconf setting, when from a machine directory
 * @param loadparm the machine's loadparm, when from a machine directory
 */
public record MachineFacts(String origin, Optional<Path> directory, long storageSize, int cpuCount,
        Optional<CrashkernelRange> crashkernel, boolean crashkernelTrusted, List<Device> devices,
        Optional<String> dumpconf, Optional<String> loadparm) {

    /** A device: number, model (3390, 3490), capacity (cylinders or bytes; 0 when unknown). */
    public record Device(String number, String model, long capacity) {}

    public MachineFacts {
        devices = List.copyOf(devices);
    }

    /** The facts for an opened dump. */
    public static MachineFacts of(OpenedDump opened, DumpInfo info) {
        Optional<MachineDirectory> machine = machineOf(opened.files());
        if (machine.isPresent()) {
            MachineConfig c = machine.get().config();
            List<Device> devices = new ArrayList<>();
            for (AttachedDevice d : c.devices()) {
                devices.add(new Device(d.number().toString(), d.type().model(), d.capacity()));
            }
            String dumpconf = "on_panic=" + c.onPanic().word() + " on_restart=" + c.onRestart().word()
                    + c.dumpDevice().map(d -> " device=" + d).orElse("");
            return new MachineFacts("machine directory", Optional.of(machine.get().path()), c.storageSize(),
                    c.cpuCount(), c.crashkernel(), true, devices, Optional.of(dumpconf), Optional.of(c.loadparm()));
        }
        List<Device> devices = new ArrayList<>();
        for (DumpVolume v : info.volumes()) {
            v.device().ifPresent(d -> devices.add(new Device(d, "3390", 0)));
        }
        int cpus = info.cpuCountReal().isPresent() ? info.cpuCountReal().getAsInt() : info.cpuCountOnline();
        MeminfoLookup meminfo = MeminfoLookup.in(opened.dump().memory());
        return new MachineFacts("dump", Optional.empty(), info.realMemorySize(), cpus, crashkernelOf(meminfo),
                meminfo.valid(), devices, Optional.empty(), Optional.empty());
    }

    /** The machine directory all files lie in ({@code DIR/devices/X} or {@code DIR/vmcore/X}), if any. */
    static Optional<MachineDirectory> machineOf(List<Path> files) {
        Path dir = null;
        for (Path f : files) {
            Path parent = f.toAbsolutePath().normalize().getParent();
            if (parent == null || parent.getParent() == null || parent.getFileName() == null) {
                return Optional.empty();
            }
            String sub = parent.getFileName().toString();
            if (!sub.equals(MachineDirectory.DEVICES) && !sub.equals(MachineDirectory.VMCORE)) {
                return Optional.empty();
            }
            Path d = parent.getParent();
            if (dir != null && !dir.equals(d)) {
                return Optional.empty();
            }
            dir = d;
        }
        if (dir == null || !Files.isRegularFile(dir.resolve(MachineDirectory.CONFIG))) {
            return Optional.empty();
        }
        try {
            return Optional.of(MachineDirectory.open(dir));
        } catch (MachineException e) {
            return Optional.empty(); // a damaged config: the dump's own facts are used
        }
    }

    /** The crashkernel range the meminfo page records, when there is a page (valid or not) with one. */
    static Optional<CrashkernelRange> crashkernelOf(MeminfoLookup meminfo) {
        return meminfo.page().filter(p -> p.crashkernelAddr() != 0 && p.crashkernelSize() != 0).flatMap(p -> {
            try {
                return Optional.of(new CrashkernelRange(p.crashkernelAddr(), p.crashkernelSize()));
            } catch (RuntimeException e) {
                return Optional.empty(); // the values make no range: not known
            }
        });
    }

    /** As a JSON object (for info.json). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"origin\": ").append(DumpInfoJson.str(origin));
        sb.append(", \"directory\": ").append(directory.map(d -> DumpInfoJson.str(d.toString())).orElse("null"));
        sb.append(", \"storageSize\": ").append(storageSize);
        sb.append(", \"storage\": ").append(DumpInfoJson.str(Sizes.format(storageSize)));
        sb.append(", \"cpuCount\": ").append(cpuCount);
        sb.append(", \"crashkernel\": ").append(crashkernel.map(c -> "{\"base\": " + c.base() + ", \"size\": "
                + c.size() + ", \"text\": " + DumpInfoJson.str(Sizes.format(c.size()) + "@" + Sizes.format(c.base()))
                + ", \"trusted\": " + crashkernelTrusted + "}").orElse("null"));
        sb.append(", \"devices\": [");
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            sb.append(i > 0 ? ", " : "").append("{\"device\": ").append(DumpInfoJson.str(d.number()))
                    .append(", \"model\": ").append(DumpInfoJson.str(d.model()))
                    .append(", \"capacity\": ").append(d.capacity()).append('}');
        }
        sb.append(']');
        sb.append(", \"dumpconf\": ").append(dumpconf.map(DumpInfoJson::str).orElse("null"));
        sb.append(", \"loadparm\": ").append(loadparm.map(DumpInfoJson::str).orElse("null"));
        return sb.append('}').toString();
    }
}
