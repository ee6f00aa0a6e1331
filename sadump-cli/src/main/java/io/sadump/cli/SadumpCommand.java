package io.sadump.cli;

import io.sadump.machine.MachineDirectory;
import io.sadump.meminfo.SegmentDigests;
import java.io.PrintWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
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
     *
     * <p>When that subcommand is a group and the next word names one of its subcommands, only that one is
     * built under it too ({@link #groupAround}): {@code archive create} no longer builds verify, extract
     * and gc, 40 ms of every archive's start.
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
            Class<?> sub = subcommandNamed(SadumpCommand.class, args[first]);
            if (sub != null) {
                CommandLine cl = new CommandLine(new Root());
                Class<?> leaf = first + 1 < args.length ? subcommandNamed(sub, args[first + 1]) : null;
                CommandLine group = leaf != null ? groupAround(sub, leaf) : null;
                cl.addSubcommand(group != null ? group : new CommandLine(sub));
                return configure(cl, environment);
            }
        }
        return commandLine(environment);
    }

    /**
     * The subcommand class of {@code parent} that {@code word} names, or null. The class named by the
     * project's convention ({@code archive} of the root is {@code ArchiveCommand}, {@code create} of
     * {@code ArchiveCommand} is {@code ArchiveCreateCommand}) is tried first: reading its annotation alone
     * saves reading all of them (30 ms for the root's), which the other names still do. {@code help}
     * is never one: it needs its siblings.
     */
    static Class<?> subcommandNamed(Class<?> parent, String word) {
        Command p = parent.getAnnotation(Command.class);
        if (p == null || word.startsWith("-")) {
            return null;
        }
        String prefix = parent == SadumpCommand.class ? "" : parent.getSimpleName().replaceFirst("Command$", "");
        StringBuilder guess = new StringBuilder(prefix);
        for (String part : word.split("-")) {
            if (!part.isEmpty()) {
                guess.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        guess.append("Command");
        for (Class<?> sub : p.subcommands()) {
            if (sub != CommandLine.HelpCommand.class && sub.getSimpleName().contentEquals(guess)
                    && names(sub).contains(word)) {
                return sub;
            }
        }
        for (Class<?> sub : p.subcommands()) {
            if (sub != CommandLine.HelpCommand.class && names(sub).contains(word)) {
                return sub;
            }
        }
        return null;
    }

    /**
     * {@code group} holding {@code leaf} alone, or null when the group must be built whole: when it has
     * options or parameters of its own (a leaf may read them as its {@code @ParentCommand}) or method
     * subcommands, or passes its attributes down ({@code scope = INHERIT}). Otherwise the group takes no
     * part in running the leaf but its names, which its stand-in carries.
     */
    private static CommandLine groupAround(Class<?> group, Class<?> leaf) {
        Command g = group.getAnnotation(Command.class);
        if (g.scope() != CommandLine.ScopeType.LOCAL || !declaresNoOptions(group)) {
            return null;
        }
        Object instance;
        try {
            instance = CommandLine.defaultFactory().create(group);
        } catch (Exception cannotCreate) {
            return null; // picocli's own build reports it
        }
        CommandLine cl = new CommandLine(CommandSpec.wrapWithoutInspection(instance).name(g.name()).aliases(g.aliases()));
        cl.addSubcommand(new CommandLine(leaf));
        return cl;
    }

    private static final List<Class<? extends Annotation>> MEMBER_ANNOTATIONS = List.of(
            CommandLine.Option.class, CommandLine.Parameters.class, Mixin.class, CommandLine.ArgGroup.class,
            Command.class, CommandLine.Unmatched.class);

    private static boolean declaresNoOptions(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (AnnotatedElement member : memberList(k)) {
                for (Class<? extends Annotation> a : MEMBER_ANNOTATIONS) {
                    if (member.isAnnotationPresent(a)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static List<AnnotatedElement> memberList(Class<?> k) {
        List<AnnotatedElement> members = new ArrayList<>(List.of(k.getDeclaredFields()));
        members.addAll(List.of(k.getDeclaredMethods()));
        return members;
    }

    /** The root's version options (mixinStandardHelpOptions). */
    private static final List<String> VERSION_OPTIONS = List.of("--version", "-V");

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        if (c == null) {
            return List.of();
        }
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
