package io.sadump.cli;

import io.sadump.machine.MachineDirectory;
import io.sadump.meminfo.SegmentDigests;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            CompletionCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit status (every command):%n",
        exitCodeList = {
            " 0:done",
            " 1:failure: a machine, device, dump or file cannot do what was asked",
            " 2:usage error: an unknown command or option, or a value not accepted",
            "70:internal error, a bug (" + UserErrorHandler.DEBUG_OPTION + " or " + UserErrorHandler.DEBUG_VARIABLE
                    + "=1 prints its stack trace)",
        },
        footer = {"", "Run 'sadump help COMMAND' for the options of one command."})
public final class SadumpCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    DebugOption debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line with every subcommand, shared by main, the HMC console and the tests. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The whole command line; {@code environment} is where {@code SADUMP_DEBUG} is looked up. */
    static CommandLine commandLine(Map<String, String> environment) {
        return configure(new CommandLine(new SadumpCommand()), environment);
    }

    private static CommandLine configure(CommandLine cl, Map<String, String> environment) {
        cl.setExecutionExceptionHandler(new UserErrorHandler(environment));
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
        return run(out, err, System.getenv(), args);
    }

    /** One run with the whole command line, as the process would with {@code environment}. */
    static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, String... args) {
        CommandLine cl = commandLine(environment);
        cl.setOut(out);
        cl.setErr(err);
        return execute(cl, environment, args);
    }

    /**
     * Commands that hash MiBs with SHA-256 soon after they start: kexec segments' digests (the verdict),
     * an archive's SHA256SUMS ({@code archive create}, {@code archive verify}).
     */
    private static final Set<String> SHA256_COMMANDS = Set.of("meminfo", "hmc", "kexec", "inject", "machine", "demo",
            "archive");

    public static void main(String[] args) {
        StreamChannel.processStdoutIs(System.out);
        if (args.length > 0 && SHA256_COMMANDS.contains(args[0])) {
            // an archive's compressor loads SHA-1 later (zstd-jni's temporary file): load it before SHA-256 compiles
            SegmentDigests.warmUp(args[0].equals("archive"));
        }
        Map<String, String> environment = System.getenv();
        System.exit(execute(commandLineFor(args, environment), environment, args));
    }

    /**
     * Runs {@code args} on {@code cl}. picocli hands every exception of a command to the handlers set in
     * {@link #configure}; a Java error (out of memory, stack overflow) passes them, and is an internal
     * error too: one line, exit 70, the trace only when asked for.
     */
    static int execute(CommandLine cl, Map<String, String> environment, String... args) {
        // An interrupted change that a command finds and undoes is news for the operator, not only the log.
        MachineDirectory.onRecovery(message -> {
            cl.getErr().println("sadump: " + message);
            cl.getErr().flush();
        });
        try {
            return cl.execute(args);
        } catch (Error e) {
            UserErrorHandler.report(e, commandRun(cl).getCommandSpec().qualifiedName(), cl.getErr(),
                    UserErrorHandler.debugRequested(environment) || List.of(args).contains(UserErrorHandler.DEBUG_OPTION));
            return UserErrorHandler.EXIT_INTERNAL;
        }
    }

    /** The (sub)command the last parse of {@code cl} chose, or {@code cl} when nothing was parsed. */
    private static CommandLine commandRun(CommandLine cl) {
        CommandLine.ParseResult p = cl.getParseResult();
        if (p == null) {
            return cl;
        }
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p.commandSpec().commandLine();
    }

    static CommandLine commandLineFor(String[] args) {
        return commandLineFor(args, System.getenv());
    }

    /**
     * The command line for one run of the process. picocli builds the model of every subcommand up
     * front, which costs more JVM start-up time than a quick command runs; when the first word after the
     * global options names a subcommand, only that one is built, under a root of the same name and
     * options; {@code --version} needs no subcommand at all. Everything else (help, no or unknown command)
     * gets the full {@link #commandLine()}.
     */
    static CommandLine commandLineFor(String[] args, Map<String, String> environment) {
        int first = 0;
        while (first < args.length && args[first].equals(UserErrorHandler.DEBUG_OPTION)) {
            first++;
        }
        if (first < args.length && VERSION_OPTIONS.contains(args[first])) {
            return configure(new CommandLine(new Root()), environment);
        }
        if (first < args.length) {
            for (Class<?> sub : SadumpCommand.class.getAnnotation(Command.class).subcommands()) {
                Command c = sub.getAnnotation(Command.class);
                if (sub != CommandLine.HelpCommand.class && c != null && names(c).contains(args[first])) {
                    CommandLine cl = new CommandLine(new Root());
                    cl.addSubcommand(new CommandLine(sub));
                    return configure(cl, environment);
                }
            }
        }
        return commandLine(environment);
    }

    /** The root's version options (mixinStandardHelpOptions). */
    private static final List<String> VERSION_OPTIONS = List.of("--version", "-V");

    private static List<String> names(Command c) {
        List<String> n = new ArrayList<>(List.of(c.aliases()));
        n.add(c.name());
        return n;
    }

    /** The root of a command line that holds one subcommand ({@link #commandLineFor}). */
    @Command(name = "sadump", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
    static final class Root implements Runnable {
        @Mixin
        DebugOption debug;

        @Override
        public void run() {
            // a subcommand always runs
        }
    }
}
