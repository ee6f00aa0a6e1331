package io.sadump.cli;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolKind;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.Sizes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints a {@link DumpDeviceInfo} the way zgetdump -d does, or as JSON. */
final class DumpDeviceReport {
    private DumpDeviceReport() {}

    /** One volume of a multi-volume table, with what the machine says about it. */
    record VolumeState(MultiVolumeTable.Volume volume, String state) {}

    static String psw(long psw) {
        return String.format("%08X %08X", psw >>> 32, psw & 0xFFFFFFFFL);
    }

    static String deviceLine(AttachedDevice d) {
        if (d.type() == AttachedDevice.DeviceType.DASD_3390) {
            return d.number() + " (3390 DASD, " + d.capacity() + " cylinders)";
        }
        return d.number() + " (3490 tape, capacity " + Sizes.format(d.capacity()) + ")";
    }

    static void print(PrintWriter out, MachineDirectory machine, AttachedDevice d, DumpDeviceInfo info) {
        row(out, "Device", deviceLine(d));
        if (!info.hasDumpTool()) {
            row(out, "Dump tool", "none");
            info.iplRecord().ifPresent(ipl -> row(out, "IPL PSW", psw(ipl.psw())));
            for (String p : info.problems()) {
                row(out, "Problem", p);
            }
            return;
        }
        DumpToolKind kind = info.tool().get();
        row(out, "Dump tool", kind.description());
        row(out, "Magic", kind.magicName());
        row(out, "Version", Integer.toString(info.version()));
        row(out, "Architecture", "s390x (64 bit)");
        if (kind != DumpToolKind.TAPE) {
            row(out, "DASD type", "ECKD");
        }
        row(out, "Dump size limit", info.sizeLimit().isPresent()
                ? info.sizeLimit().getAsLong() / Sizes.MIB + " MB" : "none");
        info.parameters().ifPresent(p -> {
            if (kind == DumpToolKind.ECKD_SINGLE) {
                row(out, "Compression", p.noCompress() ? "off (--no-compress)" : "zlib");
            }
            if (kind == DumpToolKind.ECKD_MULTI) {
                row(out, "Force specified", p.mvdumpForce() ? "yes" : "no");
            }
        });
        if (info.partitionFirstBlock() >= 0) {
            long blocks = info.partitionLastBlock() - info.partitionFirstBlock() + 1;
            row(out, "Dump partition", "blocks " + info.partitionFirstBlock() + ".." + info.partitionLastBlock() + " ("
                    + blocks + " x 4096 bytes = " + blocks * 4096 / Sizes.MIB + " MB)");
        }
        if (kind == DumpToolKind.ECKD_MULTI) {
            row(out, "Signature", info.signature() ? "present" : "missing");
        }
        info.iplRecord().ifPresent(ipl -> row(out, "IPL PSW", psw(ipl.psw())));
        info.waitPsw().ifPresent(w -> row(out, "Disabled wait", psw(w) + " (what Hercules shows after IPL)"));
        info.multiVolumeTable().ifPresent(t -> {
            row(out, "Multi-volume table", t.volumes().size() + " volume" + (t.volumes().size() == 1 ? "" : "s")
                    + ", time stamp " + MultiVolumeTable.instantOf(t.timestamp()));
            List<VolumeState> states = volumeStates(machine, t);
            for (int i = 0; i < states.size(); i++) {
                VolumeState s = states.get(i);
                out.printf(Locale.ROOT, "  %2d  %s  blocks %d..%d  %s%n", i, s.volume().device(),
                        s.volume().startBlock(), s.volume().endBlock(), s.state());
            }
        });
        for (String p : info.problems()) {
            row(out, "Problem", p);
        }
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "%-19s %s%n", key + ":", value);
    }

    /** For each volume of a table: ok, not attached, not a DASD, no dump tool, another time stamp... */
    static List<VolumeState> volumeStates(MachineDirectory machine, MultiVolumeTable table) {
        List<VolumeState> out = new ArrayList<>();
        for (MultiVolumeTable.Volume v : table.volumes()) {
            out.add(new VolumeState(v, volumeState(machine, table, v)));
        }
        return out;
    }

    private static String volumeState(MachineDirectory machine, MultiVolumeTable table, MultiVolumeTable.Volume v) {
        Optional<AttachedDevice> d = machine.config().device(v.device());
        if (d.isEmpty()) {
            return "not attached";
        }
        if (d.get().type() != AttachedDevice.DeviceType.DASD_3390) {
            return "not a DASD";
        }
        try (EckdDasd dasd = AttachedDevices.openDasd(machine, v.device())) {
            DumpDeviceInfo info = DumpDevicePreparer.inspect(dasd);
            if (info.tool().orElse(null) != DumpToolKind.ECKD_MULTI || info.multiVolumeTable().isEmpty()) {
                return "no multi-volume dump tool";
            }
            if (info.multiVolumeTable().get().timestamp() != table.timestamp()) {
                return "other time stamp (prepared separately)";
            }
            return info.signature() ? "ok" : "ok, no signature";
        } catch (DeviceException | MachineException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    // ---------------------------------------------------------------------------------------------

    static String json(MachineDirectory machine, AttachedDevice d, DumpDeviceInfo info) {
        StringBuilder sb = new StringBuilder("{");
        field(sb, "device", str(d.number().toString()));
        field(sb, "type", str(d.type().model()));
        field(sb, "capacity", Long.toString(d.capacity()));
        field(sb, "tool", info.tool().map(k -> str(k.magicName())).orElse("null"));
        field(sb, "description", info.tool().map(k -> str(k.description())).orElse("null"));
        field(sb, "version", Integer.toString(info.version()));
        field(sb, "sizeLimit", info.sizeLimit().isPresent() ? Long.toString(info.sizeLimit().getAsLong()) : "null");
        field(sb, "compression", info.parameters().map(p -> Boolean.toString(!p.noCompress()
                && info.tool().get() == DumpToolKind.ECKD_SINGLE)).orElse("null"));
        field(sb, "force", info.parameters().map(p -> Boolean.toString(p.mvdumpForce())).orElse("null"));
        field(sb, "partitionFirstBlock", info.partitionFirstBlock() >= 0 ? Long.toString(info.partitionFirstBlock())
                : "null");
        field(sb, "partitionLastBlock", info.partitionLastBlock() >= 0 ? Long.toString(info.partitionLastBlock())
                : "null");
        field(sb, "signature", info.tool().orElse(null) == DumpToolKind.ECKD_MULTI
                ? Boolean.toString(info.signature()) : "null");
        field(sb, "iplPsw", info.iplRecord().map(i -> str(psw(i.psw()))).orElse("null"));
        field(sb, "waitPsw", info.waitPsw().isPresent() ? str(psw(info.waitPsw().getAsLong())) : "null");
        if (info.multiVolumeTable().isPresent()) {
            MultiVolumeTable t = info.multiVolumeTable().get();
            StringBuilder vols = new StringBuilder("[");
            for (VolumeState s : volumeStates(machine, t)) {
                if (vols.length() > 1) {
                    vols.append(',');
                }
                vols.append("{\"device\":").append(str(s.volume().device().toString()))
                        .append(",\"startBlock\":").append(s.volume().startBlock())
                        .append(",\"endBlock\":").append(s.volume().endBlock())
                        .append(",\"state\":").append(str(s.state())).append('}');
            }
            vols.append(']');
            field(sb, "multiVolume", "{\"timestamp\":" + t.timestamp() + ",\"time\":"
                    + str(MultiVolumeTable.instantOf(t.timestamp()).toString()) + ",\"volumes\":" + vols + "}");
        } else {
            field(sb, "multiVolume", "null");
        }
        StringBuilder probs = new StringBuilder("[");
        for (String p : info.problems()) {
            if (probs.length() > 1) {
                probs.append(',');
            }
            probs.append(str(p));
        }
        field(sb, "problems", probs.append(']').toString());
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String jsonValue) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(str(name)).append(':').append(jsonValue);
    }

    static String str(String s) {
        return JsonWriter.quote(s);
    }
}
