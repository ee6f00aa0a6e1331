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
        System.exit(commandLineFor(args).execute(args));
    }

    /**
     * The command line for one run of the process. picocli builds the model of every subcommand up
     * front, which costs more JVM start-up time than a quick command runs; when the first argument names
     * a subcommand, only that one is built, under a root of the same name and options. Everything else
     * (help, version, no or unknown command) gets the full {@link #commandLine()}.
     */
    static CommandLine commandLineFor(String[] args) {
        if (args.length > 0) {
            for (Class<?> sub : SadumpCommand.class.getAnnotation(Command.class).subcommands()) {
                Command c = sub.getAnnotation(Command.class);
                if (sub != CommandLine.HelpCommand.class && c != null && names(c).contains(args[0])) {
                    CommandLine cl = new CommandLine(new Root());
                    cl.addSubcommand(new CommandLine(sub));
                    cl.setExecutionExceptionHandler(new UserErrorHandler());
                    cl.setParameterExceptionHandler(SadumpCommand::usageError);
                    cl.setExitCodeExceptionMapper(UserErrorHandler::exitCode);
                    return cl;
                }
            }
        }
        return commandLine();
    }

    private static java.util.List<String> names(Command c) {
        java.util.List<String> n = new java.util.ArrayList<>(java.util.List.of(c.aliases()));
        n.add(c.name());
        return n;
    }

    /** The root of a command line that holds one subcommand ({@link #commandLineFor}). */
    @Command(name = "sadump", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
    static final class Root implements Runnable {
        @Override
        public void run() {
            // a subcommand always runs
        }
    }
}
