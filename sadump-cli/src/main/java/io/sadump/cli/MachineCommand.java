package io.sadump.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sadump machine}: create and inspect simulated production systems. */
@Command(
        name = "machine",
        header = "Create and inspect simulated production systems.",
        mixinStandardHelpOptions = true,
        description = {
            "Create and inspect simulated IBM Z production systems. A machine lives in one directory: its config,",
            "its absolute storage as a sparse storage.img (file offset = absolute address), its CPUs, its devices."
        },
        subcommands = {MachineCreateCommand.class, MachineShowCommand.class, MachineConfigCommand.class},
        footer = {
            "",
            "Examples:",
            "  sadump machine create sys1",
            "  sadump machine show sys1 --map",
            "  sadump machine config sys1 --core-collector 'makedumpfile -c -d 31'"
        })
final class MachineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
