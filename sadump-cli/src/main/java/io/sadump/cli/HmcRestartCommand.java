package io.sadump.cli;

import io.sadump.ipl.LoadOutcome;
import io.sadump.machine.MachineDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR restart}: the PSW restart key. */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description = {
            "PSW restart: the kdump verdict, else the on_restart action.",
            "",
            "As machine_kexec does: pass = store status of every CPU and kdump, which",
            "writes a vmcore; fail = the configured on_restart action (dump = IPL the",
            "configured dump device with store status, stop, reipl).",
        },
        footer = {"", "Examples:", "  sadump hmc sys1 restart", "  sadump hmc sys1 restart --json"})
public final class HmcRestartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--json", description = "Print the outcome as one JSON object instead of the console lines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        MachineDirectory machine = MachineDirectory.open(hmc.dir);
        PrintWriter out = spec.commandLine().getOut();
        HmcSession session = new HmcSession(machine, out, spec.commandLine().getErr(), !json,
                !json && ConsoleProgress.terminalAttached());
        LoadOutcome o = session.run("hmc restart", (loader, console) -> loader.restart(console));
        return HmcLoadCommand.report(out, o, json);
    }
}
