package io.sadump.cli;

import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.AuditLog;
import io.sadump.hmc.security.HmcState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
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
            "",
            "Only one task runs on a machine at a time, whichever console started it: a",
            "second is refused with who holds the machine (busy: load by alice since",
            "...). Every task is recorded in the HMC's audit log as the login user from",
            "'local'; 'sadump hmc DIR audit' lists the machine's entries, 'sadump hmc",
            "audit' all of them with the logons. 'sadump hmc user' manages the users",
            "of the web console and the API. The state (users, roles.conf, audit.log) is",
            "in --state DIR, else $SADUMP_HMC_STATE, else $XDG_STATE_HOME/sadump/hmc,",
            "else ~/.local/state/sadump/hmc.",
            "",
            "user, audit and serve are also words of their own: a machine directory",
            "of that name is written ./user.",
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
            // with or without DIR (sadump hmc audit, sadump hmc DIR audit)
            HmcAuditCommand.class,
            // the site's commands, without DIR
            HmcUserCommand.class,
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
            "  sadump hmc sys1 audit",
            "  sadump hmc user add alice --role operator",
        })
public final class HmcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Words after 'hmc' that are no task on a machine: the console neither offers nor runs them. */
    static final Set<String> SITE_COMMANDS = Set.of("user", "serve");

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The machine directory.")
    Path dir;

    @Override
    public Integer call() throws java.io.IOException {
        return HmcConsole.open(dir(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The machine directory; a task without one is a usage error. */
    Path dir() {
        if (dir == null) {
            throw new UsageException("name the machine directory: sadump hmc DIR [TASK] (see sadump hmc --help)");
        }
        return dir;
    }

    /** The machine, its tasks recorded in the audit log as the login user from 'local'. */
    HmcMachine machine() {
        Path d = dir();
        // the state directory is opened (and made) when a task is recorded, not for a display
        return HmcMachine.open(d).recordedBy(r -> new AuditLog(HmcState.open(Optional.empty())).record(r));
    }
}
