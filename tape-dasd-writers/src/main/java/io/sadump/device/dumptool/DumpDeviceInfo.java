package io.sadump.device.dumptool;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What is installed on a device (what {@code zgetdump -d} reports).
 *
 * @param device the device's name (device number)
 * @param tool the dump tool found, empty for "no dump tool"
 * @param version the tool's version byte (0 without a tool)
 * @param parameters the tool's parameter tail (size limit, no-compress, force)
 * @param multiVolumeTable the multi-volume table (XMULT64 only)
 * @param signature whether the dump partition carries the multi-volume signature (XMULT64 only)
 * @param iplRecord the IPL record (IPL PSW and CCWs), if the device has one
 * @param waitPsw the disabled-wait PSW that IPLing the device on a real machine ends in
 * @param partitionFirstBlock first block of the DASD dump partition (-1 for a tape)
 * @param partitionLastBlock last block of the DASD dump partition (-1 for a tape)
 * @param problems what is inconsistent (an IPL PSW that does not enter the tool, a damaged table...)
 */
public record DumpDeviceInfo(
        String device,
        Optional<DumpToolKind> tool,
        int version,
        Optional<DumpParmTail> parameters,
        Optional<MultiVolumeTable> multiVolumeTable,
        boolean signature,
        Optional<IplRecord> iplRecord,
        OptionalLong waitPsw,
        long partitionFirstBlock,
        long partitionLastBlock,
        List<String> problems) {
    public DumpDeviceInfo {
        problems = List.copyOf(problems);
    }

    public boolean hasDumpTool() {
        return tool.isPresent();
    }

    /** The dump size limit in bytes, empty for none (or no tool). */
    public OptionalLong sizeLimit() {
        return parameters.map(DumpParmTail::sizeLimit).orElse(OptionalLong.empty());
    }
}
