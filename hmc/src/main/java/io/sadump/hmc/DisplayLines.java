package io.sadump.hmc;

import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.RunState;
import io.sadump.machine.SaveArea;
import io.sadump.machine.Sizes;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntry;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VerdictResult;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The HMC's display functions laid out as lines of text, one layout for every console: {@code sadump hmc
 * DIR display} prints them and the web console shows them, so an operator sees the same thing in both.
 */
public final class DisplayLines {
    private DisplayLines() {}

    public static List<String> psw(List<CpuState> cpus) {
        List<String> out = new ArrayList<>();
        for (CpuState c : cpus) {
            out.add(String.format("CPU %d  PSW %016X %016X  prefix 0x%X%s", c.cpuAddress(), c.pswMask(),
                    c.pswAddress(), c.prefix(), RunState.isDisabledWait(c.pswMask())
                            ? String.format("  disabled wait, code 0x%04X", c.pswAddress() & 0xFFFF_FFFFL) : ""));
        }
        return out;
    }

    public static List<String> registers(List<CpuState> cpus) {
        List<String> out = new ArrayList<>();
        for (CpuState c : cpus) {
            out.add(String.format("CPU %d  PSW %016X %016X  prefix 0x%X", c.cpuAddress(), c.pswMask(),
                    c.pswAddress(), c.prefix()));
            rows(out, "GR", c.gprs());
            long[] ars = new long[CpuState.REGISTER_COUNT];
            for (int i = 0; i < ars.length; i++) {
                ars[i] = Integer.toUnsignedLong(c.accessRegisters()[i]);
            }
            rows(out, "AR", ars);
            rows(out, "CR", c.controlRegisters());
            out.add(String.format("  FPC %08X  CPU timer %016X  clock comparator %016X  TOD programmable %08X",
                    c.fpc(), c.cpuTimer(), c.clockComparator(), c.todProgrammable()));
        }
        return out;
    }

    private static void rows(List<String> out, String name, long[] regs) {
        for (int i = 0; i < regs.length; i += 4) {
            out.add(String.format("  %s%-2d %016X %016X %016X %016X", name, i, regs[i], regs[i + 1], regs[i + 2],
                    regs[i + 3]));
        }
    }

    public static List<String> meminfo(VerdictResult v) {
        List<String> out = new ArrayList<>();
        out.add(String.format("meminfo pointer (0x%04X): 0x%X", Lowcore.MEMINFO_POINTER, v.meminfoPointer()));
        if (v.meminfo().isPresent()) {
            MeminfoPage p = v.meminfo().get();
            out.add(String.format("magic \"%s\", csum 0x%08X (%s), version %d.%d", p.magicText(), p.csum(),
                    p.checksumValid() ? "valid" : "INVALID", p.versionMajor(), p.versionMinor()));
            out.add(String.format("crashkernel 0x%X, size 0x%X (%s)", p.crashkernelAddr(), p.crashkernelSize(),
                    Sizes.format(p.crashkernelSize())));
            for (MeminfoEntryIndex i : MeminfoEntryIndex.values()) {
                MeminfoEntry e = p.entry(i);
                if (!e.isAbsent()) {
                    out.add(String.format("  entry %2d %-15s addr 0x%X size 0x%X csum 0x%08X", i.index(), i.name(),
                            e.addr(), e.size(), e.csum()));
                }
            }
        }
        if (v.segmentTable().isPresent()) {
            KexecSegmentTable t = v.segmentTable().get();
            out.add(String.format("kexec segment table: %d segments, entry point 0x%X", t.segments().size(),
                    t.entryPoint()));
            for (int i = 0; i < t.segments().size(); i++) {
                KexecSegment g = t.segments().get(i);
                out.add(String.format("  segment %d %-10s mem 0x%X memsz 0x%X bufsz 0x%X sha256 %s...", i,
                        g.kind().label(), g.mem(), g.memsz(), g.bufsz(), HexFormat.of().formatHex(g.sha256(), 0, 8)));
            }
        }
        out.add("verdict: " + v.summary());
        return out;
    }

    public static List<String> hexDump(long addr, byte[] b) {
        List<String> out = new ArrayList<>();
        for (int off = 0; off < b.length; off += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (off + i < b.length) {
                    int v = b[off + i] & 0xFF;
                    hex.append(String.format("%02X", v));
                    text.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
                } else {
                    hex.append("  ");
                }
                if (i % 4 == 3) {
                    hex.append(' ');
                }
            }
            out.add(String.format("%016X  %s |%s|", addr + off, hex, text));
        }
        return out;
    }

    public static List<String> lowcore(LowcoreFacts f) {
        List<String> out = new ArrayList<>();
        out.add(String.format("0x%04X  IPIB pointer          0x%X", Lowcore.IPIB_POINTER, f.ipibPointer()));
        out.add(String.format("0x%04X  IPIB checksum         0x%08X  (%s)", Lowcore.IPIB_CHECKSUM, f.ipibChecksum(),
                f.ipib()));
        out.add(String.format("0x%04X  VMCOREINFO note       0x%X", Lowcore.VMCOREINFO_POINTER,
                f.vmcoreinfoPointer()));
        out.add(String.format("0x%04X  meminfo pointer       0x%X", Lowcore.MEMINFO_POINTER, f.meminfoPointer()));
        SaveArea a = f.saveArea();
        out.add(String.format("0x%04X  save area: PSW %016X %016X  prefix 0x%X  GR15 %016X", Lowcore.SAVE_AREA,
                a.pswMask(),
                a.pswAddress(), Integer.toUnsignedLong(a.prefix()), a.gprs()[15]));
        out.add(String.format("0x%05X OLDMEM_BASE           0x%X", Lowcore.OLDMEM_BASE, f.oldmemBase()));
        out.add(String.format("0x%05X OLDMEM_SIZE           0x%X", Lowcore.OLDMEM_SIZE, f.oldmemSize()));
        return out;
    }

    /** The bytes of a storage display, 16 a line, with their printable characters. */
    public static List<String> hexDump(StorageBytes range) {
        return hexDump(range.address(), range.bytes());
    }
}
