package io.sadump.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR reset [--clear]}: the HMC's Reset Normal and Reset Clear. */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        description = {
            "System reset: the CPUs end stopped, in any state before.",
            "",
            "Normal (CPU reset): storage, PSW and registers are kept, so a load with",
            "store status afterwards still dumps the system. Clear: storage is zeroed",
            "and every register reset, as 'load --clear' does; nothing is left to",
            "dump. Like the HMC's Reset tasks (and unlike Hercules' sysreset) it is",
            "accepted on running CPUs: it is disruptive by design.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 reset",
            "  sadump hmc sys1 reset --clear     (zeroes storage: no dump possible)",
            "  sadump hmc sys1 reset --json",
        })
public final class HmcResetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--clear", description = "Reset clear: zero storage and every register.")
    boolean clear;

    @Option(names = "--json", description = "Print {task, before, after, message} as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        return HmcControlReport.run(hmc.machine(), (m, ctx) -> m.reset(clear, ctx), spec.commandLine().getOut(), json);
    }
}
