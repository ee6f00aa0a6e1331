package io.sadump.cli;

import io.sadump.machine.MachineDirectory;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR messages}: the operating-system messages of the machine. */
@Command(
        name = "messages",
        mixinStandardHelpOptions = true,
        description = {
            "Show the console log: boots, dumper, kdump kernel, in order.",
        },
        footer = {"", "Examples:", "  sadump hmc sys1 messages", "  sadump hmc sys1 messages --last 20"})
public final class HmcMessagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--last", paramLabel = "N", description = "Only the last N lines.")
    Integer last;

    @Override
    public Integer call() {
        MachineDirectory machine = hmc.machine().directory();
        List<String> lines = machine.console();
        if (last != null) {
            if (last < 0) {
                throw new UsageException("--last needs a count of 0 or more, not " + last);
            }
            lines = lines.subList(Math.max(0, lines.size() - last), lines.size());
        }
        PrintWriter out = spec.commandLine().getOut();
        lines.forEach(out::println);
        out.flush();
        return 0;
    }
}
