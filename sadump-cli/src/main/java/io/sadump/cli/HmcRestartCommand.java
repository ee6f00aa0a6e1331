package io.sadump.cli;

import io.sadump.ipl.LoadOutcome;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
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
        HmcMachine machine = hmc.machine();
        PrintWriter out = spec.commandLine().getOut();
        ConsoleEcho echo = ConsoleEcho.of(out, spec.commandLine().getErr(), json);
        LoadOutcome o;
        try (ShutdownDeferral deferral = new ShutdownDeferral(spec.commandLine().getErr())) {
            o = machine.restart(TaskContext.local(echo));
        } finally {
            echo.clear();
        }
        return HmcLoadCommand.report(out, o, json);
    }
}
