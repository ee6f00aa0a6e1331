package io.sadump.ipl;

import io.sadump.dump.DumpFormat;
import io.sadump.machine.CpuState;
import io.sadump.machine.RunState;
import io.sadump.meminfo.VerdictResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The result of a load or PSW restart, for the HMC and for scripts.
 *
 * @param trigger what the operator did: {@code load 0.0.0190}, {@code restart}
 * @param verdict the kdump verdict, when one ran (not after a clear reset)
 * @param dumpFormat the format of the dump written; empty when none was (storage cleared, the dump failed to
 *     start, or the action was stop/reipl)
 * @param dumpComplete whether the dump was written completely (false also when none was written)
 * @param dumpCode the dumper's code: 0 on success, e.g. 0x4600 "Device too small"
 * @param reason one sentence: why kdump did or did not run, and how the dump went
 * @param paths the vmcore file, or the device images the fallback dump went to
 * @param bytes bytes of memory data written (vmcore size, or the s390 dump's data)
 * @param duration wall time of the whole task
 * @param after how the machine ended
 * @param waitCode the code of the disabled wait PSW when {@code after} is {@link AfterDump#DISABLED_WAIT}
 * @param cpus the CPUs as the task left them (new ones after a re-IPL); the caller saves them
 * @param messages every console line, in order
 * @param unreadablePages the storage pages the dump could not read, ascending (old-memory addresses for
 *     a vmcore, which leaves them out; absolute addresses for a stand-alone dump, which holds the fill
 *     pattern there)
 */
public record LoadOutcome(
        String trigger,
        Optional<VerdictResult> verdict,
        Optional<DumpFormat> dumpFormat,
        boolean dumpComplete,
        int dumpCode,
        String reason,
        List<String> paths,
        long bytes,
        Duration duration,
        AfterDump after,
        int waitCode,
        List<CpuState> cpus,
        List<String> messages,
        List<Long> unreadablePages) {

    public LoadOutcome {
        paths = List.copyOf(paths);
        cpus = List.copyOf(cpus);
        messages = List.copyOf(messages);
        unreadablePages = List.copyOf(unreadablePages);
    }

    /** An outcome in which every storage page could be read. */
    public LoadOutcome(String trigger, Optional<VerdictResult> verdict, Optional<DumpFormat> dumpFormat,
            boolean dumpComplete, int dumpCode, String reason, List<String> paths, long bytes, Duration duration,
            AfterDump after, int waitCode, List<CpuState> cpus, List<String> messages) {
        this(trigger, verdict, dumpFormat, dumpComplete, dumpCode, reason, paths, bytes, duration, after, waitCode,
                cpus, messages, List.of());
    }

    /**
     * Whether the CPUs run after the task: the re-IPLed production system (and a kdump kernel that is
     * still running) operates, the dumper's exit without a valid IPIB is a disabled wait with its code,
     * a stop action or a load clear leaves them stopped. The caller saves it with the CPUs.
     */
    public RunState runState() {
        return switch (after) {
            case REIPL -> RunState.operating();
            case DISABLED_WAIT -> RunState.disabledWait(waitCode);
            case STOPPED -> RunState.stopped();
        };
    }

    /** Whether the task wrote a dump of {@code format}. */
    public boolean wrote(DumpFormat format) {
        return dumpFormat.equals(Optional.of(format));
    }

    /** The word scripts see for the dump: {@code vmcore}, {@code s390_ext}, {@code classic} or {@code none}. */
    public String dumpWord() {
        return dumpFormat.map(DumpFormat::loadWord).orElse("none");
    }

    /** "pass", "fail" or "none". */
    public String verdictWord() {
        return verdict.map(v -> v.passed() ? "pass" : "fail").orElse("none");
    }

    /** The verdict's code: 0 on pass or without a verdict. */
    public int verdictCode() {
        return verdict.map(VerdictResult::code).orElse(0);
    }
}
