package io.sadump.ipl;

import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpParmTail;
import io.sadump.device.dumptool.DumpToolKind;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.machine.Sizes;
import java.util.Objects;
import java.util.Optional;

/**
 * The dump tool the IPL found on the load device, with the parameters zipl patched into its parm tail
 * (docs/formats.md §4.3): what the dumper needs to run.
 *
 * @param kind {@code XECKD64}, {@code XMULT64} or sadump's tape tool
 * @param version the magic's version byte
 * @param parameters the parm tail (no-compress, force, size limit)
 * @param multiVolumeTable the volume table (XMULT64 only)
 */
public record DumpTool(DumpToolKind kind, int version, DumpParmTail parameters,
        Optional<MultiVolumeTable> multiVolumeTable) {

    public DumpTool {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(multiVolumeTable, "multiVolumeTable");
    }

    /**
     * The tool a device inspection found.
     *
     * @param where "3390 0.0.0190", for the message
     * @throws IplException when the device carries no usable dump tool
     */
    public static DumpTool of(DumpDeviceInfo info, String where) {
        if (info.tool().isEmpty() || info.parameters().isEmpty()) {
            String why = info.problems().isEmpty() ? "" : " (" + String.join("; ", info.problems()) + ")";
            throw new IplException(where + " holds no dump tool" + why
                    + ": it cannot be IPLed as a dumper; prepare it with 'sadump dumpdev' first");
        }
        DumpToolKind kind = info.tool().get();
        if (kind == DumpToolKind.ECKD_MULTI && info.multiVolumeTable().isEmpty()) {
            throw new IplException(where + ": the XMULT64 dump tool has no readable multi-volume table"
                    + (info.problems().isEmpty() ? "" : " (" + String.join("; ", info.problems()) + ")"));
        }
        return new DumpTool(kind, info.version(), info.parameters().get(), info.multiVolumeTable());
    }

    public boolean noCompress() {
        return parameters.noCompress();
    }

    public boolean force() {
        return parameters.mvdumpForce();
    }

    public boolean hasLimit() {
        return parameters.sizeLimit().isPresent();
    }

    public long memoryLimit() {
        return parameters.memUpperLimit();
    }

    static String label(DumpToolKind kind) {
        return switch (kind) {
            case ECKD_SINGLE -> "single-volume DASD";
            case ECKD_MULTI -> "multi-volume DASD";
            case TAPE -> "tape";
        };
    }

    /** "XECKD64 v2 (single-volume DASD, compression on, no size limit)". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(kind.magicName()).append(" v").append(version).append(" (").append(label(kind));
        if (kind == DumpToolKind.ECKD_SINGLE) {
            sb.append(noCompress() ? ", no compression" : ", compression on");
        }
        multiVolumeTable.ifPresent(t -> sb.append(", ").append(t.volumes().size()).append(" volumes"));
        if (kind == DumpToolKind.ECKD_MULTI && force()) {
            sb.append(", force");
        }
        sb.append(hasLimit() ? ", size limit " + Sizes.format(memoryLimit()) : ", no size limit").append(')');
        return sb.toString();
    }
}
