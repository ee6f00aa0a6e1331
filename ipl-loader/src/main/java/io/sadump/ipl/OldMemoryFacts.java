package io.sadump.ipl;

import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import io.sadump.machine.SaveArea;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VmcoreinfoLocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the kdump kernel learns from old memory before it writes the vmcore (docs/abi.md §9.4 {@code
 * os_info_old_init}, docs/formats.md §7.2): the meminfo page and the VMCOREINFO as {@link
 * VmcoreinfoLocator} finds them, and every CPU's store-status save area.
 *
 * @param meminfo the verified meminfo page, if old memory had one
 * @param vmcoreinfo the VMCOREINFO text, if found
 * @param vmcoreinfoSource where it came from, for the console
 * @param cpus the CPUs whose save areas have a non-zero prefix, IPL CPU first
 * @param warnings what was wrong and fell back (as the kernel logs "checksum failed")
 */
public record OldMemoryFacts(Optional<MeminfoPage> meminfo, Optional<String> vmcoreinfo, String vmcoreinfoSource,
        List<CpuState> cpus, List<String> warnings) {

    /**
     * Reads the facts through {@code old}, the old memory after the swap ({@link KdumpKernel#oldMemory}).
     *
     * @param cpuPrefixes the prefix of every CPU of the machine (as SIGP store status reaches them); the
     *     IPL CPU first, whose save area is also at absolute 0x1200
     */
    public static OldMemoryFacts read(MemorySource old, List<CpuState> cpuPrefixes) {
        VmcoreinfoLocator.Found found = VmcoreinfoLocator.search(old);
        List<String> warnings = new ArrayList<>(found.problems());
        List<CpuState> cpus = new ArrayList<>();
        for (CpuState c : cpuPrefixes) {
            if (c.prefix() == 0) {
                continue;
            }
            byte[] area = new byte[SaveArea.SIZE];
            try {
                old.read(c.prefix() + Lowcore.SAVE_AREA, area, 0, area.length);
            } catch (IOException e) {
                // a prefix in the crashkernel range or beyond memory: old memory has no such save area
                warnings.add(String.format("CPU %d: no save area at prefix 0x%X in old memory", c.cpuAddress(),
                        c.prefix()));
                continue;
            }
            CpuState saved = CpuState.fromSaveArea(c.cpuAddress(), SaveArea.read(ByteBuffer.wrap(area)));
            if (saved.prefix() != 0) {
                cpus.add(saved);
            }
        }
        return new OldMemoryFacts(found.meminfo().validPage(), found.text(), found.origin().text(), List.copyOf(cpus),
                List.copyOf(warnings));
    }
}
