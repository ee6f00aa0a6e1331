package io.sadump.hmc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the HMC shows of one machine at a glance, read without changing it.
 *
 * @param name the machine directory's file name
 * @param storageBytes the storage size
 * @param cpuCount how many CPUs
 * @param runState the CPUs' state as the CLI says it ({@code operating}, {@code stopped}, {@code in a
 *     disabled wait, code 0x4533}...)
 * @param runWord the state's word ({@code operating}, {@code stopped}, {@code disabled-wait}, {@code check-stop})
 * @param psws each CPU's PSW, as 32 hex digits (mask then address), the way the WS API's
 *     {@code program-status-word-information} shows it
 * @param kdumpLoaded whether a kdump kernel is loaded (the kexec segment table is there)
 * @param verdict the kdump verdict now, as {@code sadump meminfo} computes it
 * @param devices the attached devices
 * @param lastDump the newest dump the machine wrote, if any
 * @param storageMap where things are in storage, for a picture
 */
public record MachineStatus(
        String name,
        long storageBytes,
        int cpuCount,
        String runState,
        String runWord,
        List<CpuPsw> psws,
        boolean kdumpLoaded,
        Verdict verdict,
        List<DeviceStatus> devices,
        Optional<LastDump> lastDump,
        StorageMap storageMap) {

    public MachineStatus {
        psws = List.copyOf(psws);
        devices = List.copyOf(devices);
    }

    /** One CPU's PSW: {@code psw} is 32 hex digits, {@code disabledWait} whether it is a disabled-wait PSW. */
    public record CpuPsw(int cpu, String psw, boolean disabledWait) {}

    /**
     * The kdump verdict.
     *
     * @param passed whether kdump can start
     * @param code the reason code, 0 on pass
     * @param hex the code as {@code 0x4533}
     * @param reason the message ({@code kdump can start} on pass)
     * @param summary the one line {@code sadump meminfo} ends with
     */
    public record Verdict(boolean passed, int code, String hex, String reason, String summary) {}

    /** An attached device: {@code devno} as {@code 0.0.0190}, {@code type} its model, {@code image} the file. */
    public record DeviceStatus(String devno, String type, String image) {}

    /**
     * The newest dump: {@code kind} {@code vmcore} (kdump) or the device dump's format word, {@code path}
     * the file, {@code time} when it was written, {@code complete} whether its reader calls it complete.
     */
    public record LastDump(String kind, String path, Instant time, boolean complete) {}

    /** Storage of {@code size} bytes with its regions, sorted by start, nested ones after their parent. */
    public record StorageMap(long size, long writtenFrames, long frames, List<Region> regions) {
        public StorageMap {
            regions = List.copyOf(regions);
        }
    }

    /** A region {@code [start, end)}: {@code kind} a word, {@code mark} its letter on a map. */
    public record Region(long start, long end, String kind, char mark, String name) {}
}
