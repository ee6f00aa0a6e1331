package io.sadump.hmc.web;

import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.StorageBytes;
import io.sadump.hmc.StorageRange;
import io.sadump.machine.CpuState;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Lowcore;
import io.sadump.machine.RunState;
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
 * The HMC's display functions as lines of text, in the layout {@code sadump hmc DIR display} prints, so an
 * operator sees the same thing in the terminal and in the browser. The values come from {@link HmcMachine};
 * this class only lays them out.
 */
final class DisplayText {
    /** What a browser may ask to display. */
    enum What {
        PSW("PSW"), REGISTERS("Registers"), MEMINFO("Meminfo"), STORAGE("Storage");

        final String title;

        What(String title) {
            this.title = title;
        }

        static What parse(String s) {
            for (What w : values()) {
                if (w.name().equalsIgnoreCase(s)) {
                    return w;
                }
            }
            throw new InvalidValueException("cannot display '" + s + "': psw, registers, meminfo or storage");
        }
    }

    record Display(String title, List<String> lines) {}

    private DisplayText() {}

    static Display of(HmcMachine machine, What what, String address, String length) {
        return switch (what) {
            case PSW -> new Display(what.title, psw(machine.cpus()));
            case REGISTERS -> new Display(what.title, registers(machine.cpus()));
            case MEMINFO -> new Display(what.title, meminfo(machine.meminfo()));
            case STORAGE -> {
                if (address == null || address.isBlank()) {
                    throw new InvalidValueException("display storage needs an address (hex like 0x1200)");
                }
                StorageRange range = StorageRange.parse(address, length == null || length.isBlank() ? null : length);
                StorageBytes b = machine.storage(range);
                yield new Display(String.format("Storage [0x%X, 0x%X)", range.address(),
                        range.address() + range.length()), hexDump(b.address(), b.bytes()));
            }
        };
    }

    static List<String> psw(List<CpuState> cpus) {
        List<String> out = new ArrayList<>();
        for (CpuState c : cpus) {
            out.add(String.format("CPU %d  PSW %016X %016X  prefix 0x%X%s", c.cpuAddress(), c.pswMask(),
                    c.pswAddress(), c.prefix(), RunState.isDisabledWait(c.pswMask())
                            ? String.format("  disabled wait, code 0x%04X", c.pswAddress() & 0xFFFF_FFFFL) : ""));
        }
        return out;
    }

    static List<String> registers(List<CpuState> cpus) {
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

    static List<String> meminfo(VerdictResult v) {
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

    static List<String> hexDump(long addr, byte[] b) {
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
}
