package io.sadump.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sadump dumpdev}: prepare dump devices and tell what is on them (the models of zipl -d/-M, zgetdump -d). */
@Command(
        name = "dumpdev",
        mixinStandardHelpOptions = true,
        description = {
            "Prepare stand-alone dump devices and show what they carry.",
            "",
            "'prepare' installs the dump tool on a DASD or tape of a machine, as zipl -d",
            "and zipl -M do; 'show' tells what a device carries, as zgetdump -d does."
        },
        subcommands = {DumpdevPrepareCommand.class, DumpdevShowCommand.class, CommandLine.HelpCommand.class},
        footer = {
            "",
            "Examples:",
            "  sadump dumpdev prepare sys1 0.0.0190 --size 2G   (DASD, 2 GiB limit)",
            "  sadump dumpdev prepare sys1 --multi 190,191,192  (three DASDs)",
            "  sadump dumpdev prepare sys1 0.0.0181             (a tape)",
            "  sadump dumpdev show sys1 0.0.0190",
        })
public final class DumpdevCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: prepare or show");
    }
}
