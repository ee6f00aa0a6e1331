package io.sadump.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR stop}: the HMC's Stop All. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = {
            "Stop all CPUs; their PSW and registers stay, so start resumes them.",
            "",
            "A normal load needs stopped CPUs (the HMC refuses to load a running",
            "system), so an operator taking a dump stops first, then loads with",
            "store status. A CPU in a disabled wait is stopped too; a check-stopped",
            "CPU cannot be (reset it). Stopping stopped CPUs changes nothing.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 stop",
            "  sadump hmc sys1 stop && sadump hmc sys1 load 190 --store-status",
            "  sadump hmc sys1 stop --json",
        })
public final class HmcStopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--json", description = "Print {task, before, after, message} as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        return HmcControlReport.run(hmc.machine(), (m, ctx) -> m.stop(ctx), spec.commandLine().getOut(), json);
    }
}
