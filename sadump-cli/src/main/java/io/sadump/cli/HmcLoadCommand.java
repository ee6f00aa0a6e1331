package io.sadump.cli;

import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.LoadParameter;
import io.sadump.hmc.TaskContext;
import io.sadump.machine.DeviceNumber;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR load DEVNO}: the HMC's Load task. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Load (IPL) a device: the kdump verdict, then a vmcore or a dump.",
            "",
            "The dump tool on DEVNO checks meminfo and every kexec segment (the kdump",
            "verdict). Pass: crashkernel memory is swapped with [0, size) and the kdump",
            "kernel writes DIR/vmcore/<time>/vmcore. Fail: the console says why, with",
            "the code, and the stand-alone dump goes to DEVNO (s390_ext on DASD, classic",
            "on tape). Then the system re-IPLs through its IPIB, or stops in a disabled",
            "wait with the code. Exit status 1 when a dump failed or is incomplete.",
            "",
            "As on the HMC, a normal load of operating CPUs is refused: stop them",
            "first ('sadump hmc DIR stop'), or load clear.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 stop",
            "  sadump hmc sys1 load 0.0.0190 --store-status",
            "  sadump hmc sys1 load 181 --json",
            "  sadump hmc sys1 load 190 --clear    (zeroes storage: nothing to dump)",
        })
public final class HmcLoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Parameters(index = "0", paramLabel = "DEVNO", description = "The load address (0.0.0190 or 190).")
    String devno;

    @Option(names = "--clear", description = "Load clear: the reset zeroes storage (no dump is possible).")
    boolean clear;

    @Option(names = "--store-status", description = "Store every CPU's status before the reset (the IPL CPU's "
            + "also at absolute 0x1200), so the dump has its registers.")
    boolean storeStatus;

    @Option(names = "--loadparm", paramLabel = "X", description = "Load parameter: up to 8 of 0-9 A-Z, blank, '.', "
            + "'@', '$', '#' (lower case is taken as upper case).")
    String loadparm = "";

    @Option(names = "--json", description = "Print the outcome as one JSON object (verdict, code, reason, dump "
            + "kind, paths, bytes, duration, messages) instead of the console lines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        HmcMachine machine = hmc.machine();
        LoadRequest request = new LoadRequest(DeviceNumber.parse(devno), clear, storeStatus,
                LoadParameter.check(loadparm));
        PrintWriter out = spec.commandLine().getOut();
        ConsoleEcho echo = ConsoleEcho.of(out, spec.commandLine().getErr(), json);
        LoadOutcome o;
        try (ShutdownDeferral deferral = new ShutdownDeferral(spec.commandLine().getErr())) {
            o = machine.load(request, TaskContext.local(echo));
        } finally {
            echo.clear();
        }
        return report(out, o, json);
    }

    static int report(PrintWriter out, LoadOutcome o, boolean json) {
        if (json) {
            out.println(HmcOutcomeReport.json(o));
        } else {
            HmcOutcomeReport.print(out, o);
        }
        out.flush();
        boolean failed = o.dumpCode() != 0 || (o.dumpFormat().isPresent() && !o.dumpComplete());
        return failed ? 1 : 0;
    }
}
