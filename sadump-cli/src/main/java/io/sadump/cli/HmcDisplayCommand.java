package io.sadump.cli;

import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.LowcoreFacts;
import io.sadump.hmc.StorageBytes;
import io.sadump.hmc.StorageRange;
import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.SaveArea;
import io.sadump.machine.Sizes;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntry;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR display ...}: what the HMC's display functions show. Read-only. */
@Command(
        name = "display",
        mixinStandardHelpOptions = true,
        description = {
            "Display machine state without changing it.",
            "",
            "  psw        every CPU's PSW and prefix, and whether the CPUs run",
            "  registers  general, access and control registers of every CPU",
            "  lowcore    IPIB, VMCOREINFO and meminfo pointers, the save area at",
            "             0x1200, OLDMEM_BASE/SIZE",
            "  meminfo    the meminfo page, the kexec segment table, the verdict now",
            "  storage    ADDR [LEN]: hex dump of absolute storage (default 256 bytes,",
            "             at most 1M)",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 display psw",
            "  sadump hmc sys1 display meminfo",
            "  sadump hmc sys1 display storage 0x1200 0x200",
        })
public final class HmcDisplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Parameters(index = "0", paramLabel = "WHAT", completionCandidates = Targets.class,
            description = "psw, registers, lowcore, meminfo or storage.")
    String what;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ADDR",
            description = "For storage: the address (hex with 0x, or a size like 2M).")
    String addr;

    @Parameters(index = "2", arity = "0..1", paramLabel = "LEN",
            description = "For storage: the length (hex with 0x, or a size like 4K).")
    String len;

    /** What display shows, for completion in the HMC console. */
    public static final class Targets extends java.util.ArrayList<String> {
        public Targets() {
            super(List.of("psw", "registers", "lowcore", "meminfo", "storage"));
        }
    }

    @Override
    public Integer call() {
        HmcMachine machine = hmc.machine();
        PrintWriter out = spec.commandLine().getOut();
        String w = what.toLowerCase(Locale.ROOT);
        if (!w.equals("storage") && addr != null) {
            throw new UsageException("display " + w + " takes no address; only 'display storage ADDR [LEN]' does");
        }
        switch (w) {
            case "psw" -> {
                psw(out, machine.cpus());
                out.println("CPUs " + machine.runState().describe());
            }
            case "registers" -> registers(out, machine.cpus());
            case "lowcore" -> lowcore(out, machine.lowcore());
            case "meminfo" -> meminfo(out, machine.meminfo());
            case "storage" -> {
                if (addr == null) {
                    throw new UsageException("display storage needs an address: display storage ADDR [LEN]");
                }
                hexDump(out, machine.storage(StorageRange.parse(addr, len)));
            }
            default -> throw new UsageException("cannot display '" + what
                    + "': choose psw, registers, lowcore, meminfo or storage");
        }
        out.flush();
        return 0;
    }

    static void psw(PrintWriter out, List<CpuState> cpus) {
        for (CpuState c : cpus) {
            out.printf("CPU %d  PSW %016X %016X  prefix 0x%X%s%n", c.cpuAddress(), c.pswMask(), c.pswAddress(),
                    c.prefix(), (c.pswMask() & 0x0002_0000_0000_0000L) != 0 && (c.pswMask() & 0x0300_0000_0000_0000L) == 0
                            ? String.format("  disabled wait, code 0x%04X", c.pswAddress() & 0xFFFF_FFFFL) : "");
        }
    }

    static void registers(PrintWriter out, List<CpuState> cpus) {
        for (CpuState c : cpus) {
            out.printf("CPU %d  PSW %016X %016X  prefix 0x%X%n", c.cpuAddress(), c.pswMask(), c.pswAddress(), c.prefix());
            rows(out, "GR", c.gprs());
            long[] ars = new long[CpuState.REGISTER_COUNT];
            for (int i = 0; i < ars.length; i++) {
                ars[i] = Integer.toUnsignedLong(c.accessRegisters()[i]);
            }
            rows(out, "AR", ars);
            rows(out, "CR", c.controlRegisters());
            out.printf("  FPC %08X  CPU timer %016X  clock comparator %016X  TOD programmable %08X%n", c.fpc(),
                    c.cpuTimer(), c.clockComparator(), c.todProgrammable());
        }
    }

    private static void rows(PrintWriter out, String name, long[] regs) {
        for (int i = 0; i < regs.length; i += 4) {
            out.printf("  %s%-2d %016X %016X %016X %016X%n", name, i, regs[i], regs[i + 1], regs[i + 2], regs[i + 3]);
        }
    }

    static void lowcore(PrintWriter out, LowcoreFacts f) {
        out.printf("0x%04X  IPIB pointer          0x%X%n", Lowcore.IPIB_POINTER, f.ipibPointer());
        out.printf("0x%04X  IPIB checksum         0x%08X  (%s)%n", Lowcore.IPIB_CHECKSUM, f.ipibChecksum(), f.ipib());
        out.printf("0x%04X  VMCOREINFO note       0x%X%n", Lowcore.VMCOREINFO_POINTER, f.vmcoreinfoPointer());
        out.printf("0x%04X  meminfo pointer       0x%X%n", Lowcore.MEMINFO_POINTER, f.meminfoPointer());
        SaveArea a = f.saveArea();
        out.printf("0x%04X  save area: PSW %016X %016X  prefix 0x%X  GR15 %016X%n", Lowcore.SAVE_AREA, a.pswMask(),
                a.pswAddress(), Integer.toUnsignedLong(a.prefix()), a.gprs()[15]);
        out.printf("0x%05X OLDMEM_BASE           0x%X%n", Lowcore.OLDMEM_BASE, f.oldmemBase());
        out.printf("0x%05X OLDMEM_SIZE           0x%X%n", Lowcore.OLDMEM_SIZE, f.oldmemSize());
    }

    static void meminfo(PrintWriter out, VerdictResult v) {
        out.printf("meminfo pointer (0x%04X): 0x%X%n", Lowcore.MEMINFO_POINTER, v.meminfoPointer());
        if (v.meminfo().isPresent()) {
            MeminfoPage p = v.meminfo().get();
            out.printf("magic \"%s\", csum 0x%08X (%s), version %d.%d%n", p.magicText(), p.csum(),
                    p.checksumValid() ? "valid" : "INVALID", p.versionMajor(), p.versionMinor());
            out.printf("crashkernel 0x%X, size 0x%X (%s)%n", p.crashkernelAddr(), p.crashkernelSize(),
                    Sizes.format(p.crashkernelSize()));
            for (MeminfoEntryIndex i : MeminfoEntryIndex.values()) {
                MeminfoEntry e = p.entry(i);
                if (!e.isAbsent()) {
                    out.printf("  entry %2d %-15s addr 0x%X size 0x%X csum 0x%08X%n", i.index(), i.name(), e.addr(),
                            e.size(), e.csum());
                }
            }
        }
        if (v.segmentTable().isPresent()) {
            KexecSegmentTable t = v.segmentTable().get();
            out.printf("kexec segment table: %d segments, entry point 0x%X%n", t.segments().size(), t.entryPoint());
            for (int i = 0; i < t.segments().size(); i++) {
                KexecSegment g = t.segments().get(i);
                out.printf("  segment %d %-10s mem 0x%X memsz 0x%X bufsz 0x%X sha256 %s...%n", i, g.kind().label(),
                        g.mem(), g.memsz(), g.bufsz(), java.util.HexFormat.of().formatHex(g.sha256(), 0, 8));
            }
        }
        out.println("verdict: " + v.summary());
    }

    static void hexDump(PrintWriter out, StorageBytes range) {
        long addr = range.address();
        byte[] b = range.bytes();
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
            out.printf("%016X  %s |%s|%n", addr + off, hex, text);
        }
    }
}
