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
            "The HMC of the machine in DIR: Load, PSW restart, display, messages.",
            "",
            "Load a dump device and the IPL-time dumper runs the kdump verdict: kdump",
            "writes a vmcore, or the stand-alone dump goes to the device. PSW restart",
            "runs the first kernel's restart handler. Display shows registers, lowcore,",
            "meminfo or storage; messages shows the console log.",
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
            "  sadump hmc sys1 mount 181 fresh.aws",
            "  sadump hmc sys1 reset --clear",
        })
public final class HmcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The machine directory.")
    Path dir;

    @Override
    public Integer call() {
        throw new UsageException("which HMC task? load, restart, display or messages (sadump hmc --help)");
    }
}
