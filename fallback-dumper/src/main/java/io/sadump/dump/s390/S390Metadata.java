package io.sadump.dump.s390;

import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.meminfo.VmcoreinfoLocator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What an s390 dump says about itself (zgetdump's {@code dfi_s390} attributes; docs/formats.md
 * §1, §10): the header's start TOD, CPU id, version, volume number and real CPU
 * count, the end marker's TOD, the CPUs of the prefix vector, and the VMCOREINFO found in the memory
 * (the s390 formats carry none of their own).
 */
final class S390Metadata {
    private S390Metadata() {}

    /**
     * @param memory the dump's memory
     * @param dumped how much of {@code [0, mem_size)} the dump holds (CPUs whose save area lies beyond are left out)
     */
    static DumpMetadata of(S390DumpHeader h, Optional<S390EndMarker> endMarker, MemorySource memory, long dumped) {
        return DumpMetadata.of(S390Cpus.fromPrefixes(memory, h.prefixes(), dumped), VmcoreinfoLocator.find(memory))
                .withDumpTimes(OptionalLong.of(h.tod()),
                        endMarker.map(em -> OptionalLong.of(em.tod())).orElse(OptionalLong.empty()),
                        OptionalLong.of(h.cpuId()))
                .withVolume(OptionalInt.of(h.version()), OptionalInt.of(h.volumeNumber()),
                        OptionalInt.of(h.realCpuCount()));
    }
}
