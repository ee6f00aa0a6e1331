package io.sadump.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR ...}: the HMC console model of a machine directory. */
@Command(
        name = "hmc",
        mixinStandardHelpOptions = true,
        description = {
            "The HMC of the machine in DIR: load, restart, display, console.",
            "",
            "Load a dump device and the IPL-time dumper runs the kdump verdict: kdump",
            "writes a vmcore, or the stand-alone dump goes to the device. PSW restart",
            "runs the first kernel's restart handler. Display shows registers, lowcore,",
            "meminfo or storage; messages shows the console log.",
            "",
            "With no task, 'sadump hmc DIR' opens the HMC console of the machine: the",
            "same tasks typed one per line (load 190 --store-status), Tab completion,",
            "history kept in DIR/hmc.history, and the operating-system messages shown",
            "as they come, also those another sadump command writes. Ctrl-C clears the",
            "line; while a task runs it is ignored (a dump is never cut short). exit,",
            "quit or Ctrl-D leave. Without a terminal, the tasks are read from standard",
            "input, one per line, and the exit status is the worst of theirs.",
            "Stop, start and reset act on the CPUs (a normal load needs them stopped);",
            "mount puts another tape or disk volume on a device.",
        },
        subcommands = {
            HmcLoadCommand.class,
            HmcRestartCommand.class,
            HmcDisplayCommand.class,
            HmcMessagesCommand.class,
            HmcStopCommand.class,
            HmcStartCommand.class,
            HmcResetCommand.class,
            HmcMountCommand.class,
            CommandLine.HelpCommand.class,
            HmcServeCommand.class,
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 stop",
            "  sadump hmc sys1 load 0.0.0190 --store-status",
            "  sadump hmc sys1 restart --json",
            "  sadump hmc sys1 display meminfo",
            "  sadump hmc sys1 display storage 0x1200 0x200",
            "  sadump hmc sys1 messages",
            "  sadump hmc sys1                         (the interactive console)",
            "  printf 'display psw\\nmessages\\n' | sadump hmc sys1",
            "  sadump hmc sys1 mount 181 fresh.aws",
            "  sadump hmc sys1 reset --clear",
        })
public final class HmcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The machine directory.")
    Path dir;

    @Override
    public Integer call() throws java.io.IOException {
        return HmcConsole.open(dir, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
