package io.sadump.hmc;

import io.sadump.ipl.Ipib;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.SaveArea;
import java.nio.ByteBuffer;

/**
 * What the lowcore display shows: the pointers in absolute lowcore, the IPIB check, the save area at
 * 0x1200 and the kdump kernel's OLDMEM_BASE/SIZE.
 *
 * @param ipibPointer the IPIB pointer (0x{@value Lowcore#IPIB_POINTER})
 * @param ipibChecksum the IPIB checksum word
 * @param ipibValid whether a valid IPIB is there
 * @param ipib {@code valid: re-IPL TARGET}, or why the IPIB is not valid
 * @param vmcoreinfoPointer the VMCOREINFO note pointer
 * @param meminfoPointer the meminfo page pointer
 * @param saveArea the IPL CPU's save area at 0x1200
 * @param oldmemBase OLDMEM_BASE
 * @param oldmemSize OLDMEM_SIZE
 */
public record LowcoreFacts(long ipibPointer, long ipibChecksum, boolean ipibValid, String ipib, long vmcoreinfoPointer,
        long meminfoPointer, SaveArea saveArea, long oldmemBase, long oldmemSize) {

    static LowcoreFacts read(AbsoluteStorage s) {
        Ipib.Check check = Ipib.find(s);
        String ipib = check.valid() ? "valid: re-IPL " + check.ipib().orElseThrow().target() : check.reason();
        SaveArea a = SaveArea.read(ByteBuffer.wrap(s.bytes(Lowcore.SAVE_AREA, SaveArea.SIZE)));
        return new LowcoreFacts(s.u64(Lowcore.IPIB_POINTER), s.u32(Lowcore.IPIB_CHECKSUM), check.valid(), ipib,
                s.u64(Lowcore.VMCOREINFO_POINTER), s.u64(Lowcore.MEMINFO_POINTER), a, s.u64(Lowcore.OLDMEM_BASE),
                s.u64(Lowcore.OLDMEM_SIZE));
    }
}
