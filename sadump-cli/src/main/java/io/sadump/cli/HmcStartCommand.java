package io.sadump.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR start}: the HMC's Start All. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start the stopped CPUs at their PSW.",
            "",
            "A system stopped with 'stop' (or 'reset') runs again. A stopped CPU whose",
            "PSW is a disabled wait enters that wait again. Refused, with the way out:",
            "in a disabled wait or check-stop (start does nothing there on a real",
            "machine: load or reset), and when the CPUs hold no program (all-zero PSW",
            "after 'reset --clear': load a device instead). Starting operating CPUs",
            "changes nothing.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 start",
            "  sadump hmc sys1 start --json",
        })
public final class HmcStartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--json", description = "Print {task, before, after, message} as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        return HmcControlReport.run(hmc.machine(), (m, ctx) -> m.start(ctx), spec.commandLine().getOut(), json);
    }
}
