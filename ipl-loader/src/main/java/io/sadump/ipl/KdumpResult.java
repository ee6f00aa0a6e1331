package io.sadump.ipl;

import io.sadump.machine.CrashkernelRange;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kdump kernel did.
 *
 * @param vmcore the file written
 * @param bytes its size
 * @param oldmem OLDMEM_BASE/SIZE as the kernel found them (the crashkernel range)
 * @param facts meminfo, VMCOREINFO and save areas it read from old memory
 * @param reIpl the IPIB of old memory, checked, for the reboot that follows
 * @param unreadablePages old-memory addresses of the pages left out because storage could not be read
 */
public record KdumpResult(Path vmcore, long bytes, CrashkernelRange oldmem, OldMemoryFacts facts, Ipib.Check reIpl,
        List<Long> unreadablePages) {
    public KdumpResult {
        unreadablePages = List.copyOf(unreadablePages);
    }
}
