package io.sadump.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The human-readable configuration of a machine ({@code machine.conf}): {@code key = value} lines,
 * {@code #} comments.
 *
 * @param storageSize bytes of absolute storage
 * @param cpuCount number of CPUs (1..64)
 * @param crashkernel the crashkernel reservation, if any
 * @param devices attached devices, ordered by device number
 * @param onPanic dumpconf action on panic
 * @param onRestart dumpconf action on PSW restart
 * @param dumpDevice the device that the {@code dump} action IPLs
 * @param loadparm the IPL loadparm (up to 8 characters)
 * @param coreCollector what the kdump kernel saves old memory with
 */
public record MachineConfig(
        long storageSize,
        int cpuCount,
        Optional<CrashkernelRange> crashkernel,
        List<AttachedDevice> devices,
        DumpconfAction onPanic,
        DumpconfAction onRestart,
        Optional<DeviceNumber> dumpDevice,
        String loadparm,
        CoreCollector coreCollector) {

    public static final int MAX_CPUS = 64;

    /** What the first kernel does on panic or restart when kdump cannot run (dumpconf). */
    public enum DumpconfAction {
        KDUMP, DUMP, STOP, REIPL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static DumpconfAction parse(String word) {
            for (DumpconfAction a : values()) {
                if (a.word().equals(word.trim().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new InvalidValueException("unknown dumpconf action '" + word + "' (kdump, dump, stop, reipl)");
        }
    }

    public MachineConfig {
        if (storageSize <= 0 || storageSize > AbsoluteStorage.MAX_SIZE) {
            throw new InvalidValueException("storage must be between 1 byte and 16T");
        }
        if (storageSize % FrameRecord.FRAME_SIZE != 0) {
            throw new InvalidValueException("storage must be a multiple of 1M, got " + Sizes.format(storageSize));
        }
        if (cpuCount < 1 || cpuCount > MAX_CPUS) {
            throw new InvalidValueException("cpus must be 1.." + MAX_CPUS + ", got " + cpuCount);
        }
        crashkernel.ifPresent(ck -> {
            if (ck.end() > storageSize) {
                throw new InvalidValueException("crashkernel " + ck + " does not fit in " + Sizes.format(storageSize)
                        + " of storage");
            }
        });
        List<AttachedDevice> sorted = new ArrayList<>(devices);
        sorted.sort(Comparator.comparing(AttachedDevice::number));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).number().equals(sorted.get(i - 1).number())) {
                throw new InvalidValueException("device " + sorted.get(i).number() + " is attached twice");
            }
        }
        devices = List.copyOf(sorted);
        if (coreCollector == null) {
            coreCollector = CoreCollector.COPY;
        }
        if (loadparm == null) {
            loadparm = "";
        }
        // A loadparm is blank-padded to 8 characters, so trailing blanks say nothing; dropping them keeps
        // format/parse a round trip.
        loadparm = loadparm.stripTrailing();
        if (loadparm.length() > 8) {
            throw new InvalidValueException("loadparm has at most 8 characters");
        }
        for (int i = 0; i < loadparm.length(); i++) {
            char c = loadparm.charAt(i);
            if (c < 0x20 || c > 0x7E || (i == 0 && c == ' ')) {
                throw new InvalidValueException("loadparm '" + loadparm + "' must be printable characters"
                        + " without a leading blank");
            }
        }
    }

    /** A machine with the given storage and CPUs and no devices; kdump on panic and restart. */
    public static MachineConfig of(long storageSize, int cpuCount, Optional<CrashkernelRange> crashkernel) {
        return new MachineConfig(storageSize, cpuCount, crashkernel, List.of(), DumpconfAction.KDUMP,
                DumpconfAction.KDUMP, Optional.empty(), "", CoreCollector.COPY);
    }

    public Optional<AttachedDevice> device(DeviceNumber number) {
        return devices.stream().filter(d -> d.number().equals(number)).findFirst();
    }

    public MachineConfig withDevices(List<AttachedDevice> newDevices) {
        return new MachineConfig(storageSize, cpuCount, crashkernel, newDevices, onPanic, onRestart, dumpDevice,
                loadparm, coreCollector);
    }

    public MachineConfig withDumpconf(DumpconfAction panic, DumpconfAction restart, Optional<DeviceNumber> device) {
        return new MachineConfig(storageSize, cpuCount, crashkernel, devices, panic, restart, device, loadparm,
                coreCollector);
    }

    public MachineConfig withLoadparm(String newLoadparm) {
        return new MachineConfig(storageSize, cpuCount, crashkernel, devices, onPanic, onRestart, dumpDevice,
                newLoadparm, coreCollector);
    }

    public MachineConfig withCoreCollector(CoreCollector newCollector) {
        return new MachineConfig(storageSize, cpuCount, crashkernel, devices, onPanic, onRestart, dumpDevice,
                loadparm, newCollector);
    }

    /** The file text. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("# sadump machine configuration. Edit with care; sizes take K, M, G, T.\n");
        sb.append("storage = ").append(Sizes.format(storageSize)).append('\n');
        sb.append("cpus = ").append(cpuCount).append('\n');
        sb.append("crashkernel = ").append(crashkernel.map(CrashkernelRange::toString).orElse("none")).append('\n');
        sb.append("# dumpconf: what the first kernel does on panic/restart (kdump, dump, stop, reipl)\n");
        sb.append("on_panic = ").append(onPanic.word()).append('\n');
        sb.append("on_restart = ").append(onRestart.word()).append('\n');
        sb.append("dump_device = ").append(dumpDevice.map(DeviceNumber::toString).orElse("none")).append('\n');
        sb.append("loadparm = ").append(loadparm).append('\n');
        if (!coreCollector.equals(CoreCollector.COPY)) {
            sb.append("# kdump's core collector: cp (the whole ELF vmcore) or makedumpfile [-c|-z] [-d N]\n");
            sb.append("core_collector = ").append(coreCollector.commandLine()).append('\n');
        }
        if (!devices.isEmpty()) {
            sb.append("# attached devices: 3390 cylinders=N | 3490 capacity=SIZE\n");
        }
        for (AttachedDevice d : devices) {
            sb.append("device.").append(d.number()).append(" = ").append(d.type().model());
            if (d.type() == AttachedDevice.DeviceType.DASD_3390) {
                sb.append(" cylinders=").append(d.capacity());
            } else {
                sb.append(" capacity=").append(Sizes.format(d.capacity()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses the file text.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static MachineConfig parse(String text) {
        Long storage = null;
        Integer cpus = null;
        Optional<CrashkernelRange> crashkernel = Optional.empty();
        DumpconfAction panic = DumpconfAction.KDUMP;
        DumpconfAction restart = DumpconfAction.KDUMP;
        Optional<DeviceNumber> dumpDevice = Optional.empty();
        String loadparm = "";
        CoreCollector collector = CoreCollector.COPY;
        List<AttachedDevice> devices = new ArrayList<>();
        for (SettingsText.Setting setting : SettingsText.parse(text)) {
            String key = setting.key();
            String value = setting.value();
            try {
                if (key.startsWith("device.")) {
                    devices.add(parseDevice(DeviceNumber.parse(key.substring("device.".length())), value));
                    continue;
                }
                switch (key) {
                    case "storage":
                        storage = Sizes.parse(value);
                        break;
                    case "cpus":
                        cpus = parseCount("cpus", value);
                        break;
                    case "crashkernel":
                        crashkernel = value.equals("none") ? Optional.empty()
                                : Optional.of(CrashkernelRange.parse(value));
                        break;
                    case "on_panic":
                        panic = DumpconfAction.parse(value);
                        break;
                    case "on_restart":
                        restart = DumpconfAction.parse(value);
                        break;
                    case "dump_device":
                        dumpDevice = value.equals("none") ? Optional.empty() : Optional.of(DeviceNumber.parse(value));
                        break;
                    case "loadparm":
                        loadparm = value;
                        break;
                    case "core_collector":
                        collector = CoreCollector.parse(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown key '" + key + "'");
                }
            } catch (IllegalArgumentException e) {
                throw setting.error(e);
            }
        }
        if (storage == null || cpus == null) {
            throw new IllegalArgumentException("'storage' and 'cpus' are required");
        }
        return new MachineConfig(storage, cpus, crashkernel, devices, panic, restart, dumpDevice, loadparm, collector);
    }

    private static int parseCount(String what, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got '" + value + "'");
        }
    }

    private static AttachedDevice parseDevice(DeviceNumber number, String value) {
        String[] words = value.split("\\s+");
        AttachedDevice.DeviceType type = AttachedDevice.DeviceType.ofModel(words[0]);
        long capacity = -1;
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            if (type == AttachedDevice.DeviceType.DASD_3390 && word.startsWith("cylinders=")) {
                capacity = parseCount("cylinders", word.substring("cylinders=".length()));
            } else if (type == AttachedDevice.DeviceType.TAPE_3490 && word.startsWith("capacity=")) {
                capacity = Sizes.parse(word.substring("capacity=".length()));
            } else {
                throw new IllegalArgumentException("unexpected '" + word + "' for a " + type.model());
            }
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("device " + number + " needs "
                    + (type == AttachedDevice.DeviceType.DASD_3390 ? "cylinders=N" : "capacity=SIZE"));
        }
        return new AttachedDevice(number, type, capacity);
    }
}
