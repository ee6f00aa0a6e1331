package io.sadump.dump.s390;

import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import io.sadump.machine.SaveArea;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPUs of an s390 dump: the header's prefix vector names each recorded CPU's prefix page, and the
 * dumper copied that CPU's store-status save area to prefix + 0x1200 (docs/formats.md §1, {@code
 * copy_lowcore_64}). The dump does not say the CPU addresses; the CPUs are numbered in prefix-vector
 * order.
 */
final class S390Cpus {
    private S390Cpus() {}

    /**
     * Reads the save area of every prefix whose page lies inside {@code [0, memSize)}; prefixes that
     * are zero, misaligned, beyond the dump, or unreadable are left out (zgetdump degrades such CPUs too).
     */
    static List<CpuState> fromPrefixes(MemorySource memory, long[] prefixes, long memSize) {
        List<CpuState> cpus = new ArrayList<>();
        byte[] area = new byte[SaveArea.SIZE];
        for (int i = 0; i < prefixes.length; i++) {
            long prefix = prefixes[i];
            if (prefix == 0 || (prefix & 0xFFF) != 0 || prefix + Lowcore.SAVE_AREA + SaveArea.SIZE > memSize) {
                continue;
            }
            try {
                memory.read(prefix + Lowcore.SAVE_AREA, area, 0, area.length);
            } catch (IOException e) {
                continue;
            }
            SaveArea s = SaveArea.read(ByteBuffer.wrap(area));
            cpus.add(new CpuState(i, prefix, s.pswMask(), s.pswAddress(), s.gprs(), s.accessRegisters(),
                    s.controlRegisters(), s.fprs(), s.fpc(), s.cpuTimer(), s.clockComparator(), s.todProgrammable()));
        }
        return cpus;
    }
}
