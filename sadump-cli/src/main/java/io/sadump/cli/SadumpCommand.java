package io.sadump.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code sadump} command: the root of every subcommand. */
@Command(
        name = "sadump",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A model of the IBM Z (s390x) crash-dump path: production systems with a",
            "kexec-loaded kdump kernel, the meminfo ABI, the IPL-time dumper's verdict,",
            "kdump and stand-alone dumps, reading dumps back and archiving them."
        },
        subcommands = {
            DemoCommand.class,
            MachineCommand.class,
            KexecCommand.class,
            InjectCommand.class,
            MeminfoCommand.class,
            DumpdevCommand.class,
            HmcCommand.class,
            ZgetdumpCommand.class,
            ArchiveCommand.class,
            CampaignCommand.class,
            CksmCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Run 'sadump help COMMAND' for the options of one command."})
public final class SadumpCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SadumpCommand());
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        cl.setParameterExceptionHandler(SadumpCommand::usageError);
        cl.setExitCodeExceptionMapper(UserErrorHandler::exitCode);
        return cl;
    }

    /** Bad command-line words: one line naming the problem and where the help is, exit 2. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        cl.getErr().println(name + ": " + ex.getMessage().replace('\n', ' ') + " (see '" + name + " --help')");
        cl.getErr().flush();
        return UserErrorHandler.EXIT_USAGE;
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
