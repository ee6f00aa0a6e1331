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
            "PSW restart: the first kernel takes the restart interrupt and runs the same kdump verdict, as",
            "machine_kexec does. Pass: it stores every CPU's status and starts kdump, which writes a vmcore.",
            "Fail: the configured on_restart action runs (dump = IPL the configured dump device with store",
            "status, stop, reipl). See 'sadump machine' for the dumpconf settings."
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
                !json && System.console() != null);
        LoadOutcome o = session.run((loader, console) -> loader.restart(console));
        return HmcLoadCommand.report(out, o, json);
    }
}
