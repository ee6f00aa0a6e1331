package io.sadump.cli;

import io.sadump.hmc.DisplayLines;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.StorageRange;
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
                print(out, DisplayLines.psw(machine.cpus()));
                out.println("CPUs " + machine.runState().describe());
            }
            case "registers" -> print(out, DisplayLines.registers(machine.cpus()));
            case "lowcore" -> print(out, DisplayLines.lowcore(machine.lowcore()));
            case "meminfo" -> print(out, DisplayLines.meminfo(machine.meminfo()));
            case "storage" -> {
                if (addr == null) {
                    throw new UsageException("display storage needs an address: display storage ADDR [LEN]");
                }
                print(out, DisplayLines.hexDump(machine.storage(StorageRange.parse(addr, len))));
            }
            default -> throw new UsageException("cannot display '" + what
                    + "': choose psw, registers, lowcore, meminfo or storage");
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, List<String> lines) {
        lines.forEach(out::println);
    }
}
