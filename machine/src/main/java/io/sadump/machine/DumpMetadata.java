package io.sadump.machine;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a dump says about itself beside its memory (zgetdump's {@code dfi_attr}): the CPUs and their
 * store-status save areas, the VMCOREINFO, when the dump started and ended, which CPU dumped, and the
 * facts of the volume it was read from. A format that lacks a fact leaves it empty; a live system has
 * none of the times (the dumper reads its clock). A view {@link MemorySource#map mapped} from a dump
 * keeps its metadata: the dump was taken when it was taken, whichever system is shown.
 *
 * @param cpus the CPUs' saved registers, IPL/boot CPU first
 * @param vmcoreinfo the VMCOREINFO text when one is known
 * @param startTod the TOD clock when the dump started (s390 header; an ELF core's CRASHTIME)
 * @param endTod the TOD clock when the dump ended (s390 end marker)
 * @param cpuId the dumping CPU's STIDP value
 * @param version the s390 dump header version
 * @param volumeNumber the volume of a multi-volume set the header came from
 * @param realCpuCount the CPUs the dumper saw, with or without registers in the dump
 */
public record DumpMetadata(List<CpuState> cpus, Optional<String> vmcoreinfo, OptionalLong startTod,
        OptionalLong endTod, OptionalLong cpuId, OptionalInt version, OptionalInt volumeNumber,
        OptionalInt realCpuCount) {
    public DumpMetadata {
        cpus = List.copyOf(cpus);
    }

    /** CPUs and VMCOREINFO, no dump facts yet (live storage, a kdump kernel's old memory). */
    public static DumpMetadata of(List<CpuState> cpus, Optional<String> vmcoreinfo) {
        return new DumpMetadata(cpus, vmcoreinfo, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Nothing known. */
    public static DumpMetadata none() {
        return of(List.of(), Optional.empty());
    }

    public DumpMetadata withCpus(List<CpuState> c) {
        return new DumpMetadata(c, vmcoreinfo, startTod, endTod, cpuId, version, volumeNumber, realCpuCount);
    }

    public DumpMetadata withVmcoreinfo(Optional<String> v) {
        return new DumpMetadata(cpus, v, startTod, endTod, cpuId, version, volumeNumber, realCpuCount);
    }

    /** With the dump's start and end TOD and the dumping CPU. */
    public DumpMetadata withDumpTimes(OptionalLong start, OptionalLong end, OptionalLong dumpingCpu) {
        return new DumpMetadata(cpus, vmcoreinfo, start, end, dumpingCpu, version, volumeNumber, realCpuCount);
    }

    /** With the facts of the volume the dump header came from. */
    public DumpMetadata withVolume(OptionalInt headerVersion, OptionalInt volume, OptionalInt realCpus) {
        return new DumpMetadata(cpus, vmcoreinfo, startTod, endTod, cpuId, headerVersion, volume, realCpus);
    }
}
