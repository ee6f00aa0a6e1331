package io.sadump.cli;

import io.sadump.machine.AttachedDevice;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.Sizes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The HMC console of one machine ({@code sadump hmc DIR} with no task): reads command lines and runs
 * each as {@code sadump hmc DIR LINE} through picocli, so every subcommand of {@link HmcCommand} works
 * here with the same options, output and one-line errors, and the console goes on after an error.
 *
 * <p>On a terminal it is a JLine line editor: the prompt {@code hmc NAME> }, Tab completion
 * ({@link HmcCompleter}), history kept per machine in {@code DIR/hmc.history} (the console never
 * creates the machine directory, and that file is not machine state: no lock is needed), and the
 * operating-system messages that other processes append to {@code DIR/console.log} shown as they come
 * ({@link ConsoleLogTailer}, above the prompt). Ctrl-C at the prompt clears the line. While a task
 * runs, Ctrl-C is ignored and the console says so: the HMC tasks cannot be cancelled part way, and a
 * dump cut short would leave a half-written device image or vmcore, and a machine that is neither
 * before nor after the task. {@code exit}, {@code quit} or Ctrl-D leave.
 *
 * <p>Without a terminal it reads lines from standard input with no prompt (so a script can pipe a
 * session in), skips blank lines and {@code #} comments, and ends with the worst exit status of its
 * commands (0 all went well, 1 a task failed, 2 a usage error, 70 an internal error).
 */
final class HmcConsole {
    static final String HISTORY_FILE = "hmc.history";
    static final List<String> LEAVE_WORDS = List.of("exit", "quit");
    /** What {@link #execute} returns for exit and quit. */
    static final int LEAVE = -1;
    static final String CTRL_C_IGNORED = "Ctrl-C is ignored while a task runs: it finishes, so no dump or device "
            + "image is left half-written";
    static final String[] CONSOLE_HELP = {
        "",
        "In the console: type a task as after 'sadump hmc DIR' (load 190 --store-status).",
        "Tab completes tasks, options, display targets and device numbers. Up/Down and !WORD",
        "recall the history of this machine (DIR/" + HISTORY_FILE + "). Ctrl-C clears the line; while",
        "a task runs it is ignored (a dump is never cut short). exit, quit or Ctrl-D leave.",
    };
    private static final List<String> HELP_FLAGS = List.of("-h", "--help", "-V", "--version");
    /** JLine reports through java.util.logging; the console says what matters itself, in one line. */
    private static final Logger JLINE_LOG = Logger.getLogger("org.jline");

    private final Path dir;
    private final CommandLine root;
    private final CommandSpec hmc;
    private final PrintWriter out;
    private final PrintWriter err;
    /** Splits a line into words as a shell does (quotes, backslash); an unclosed quote is an error. */
    private final Parser parser = new DefaultParser().eofOnUnclosedQuote(true);

    HmcConsole(Path dir, PrintWriter out, PrintWriter err) {
        this.dir = dir;
        this.out = out;
        this.err = err;
        this.root = SadumpCommand.commandLine();
        root.setOut(out);
        root.setErr(err);
        this.hmc = root.getSubcommands().get("hmc").getCommandSpec();
    }

    /** The tasks the console runs: the subcommands of {@code hmc} but the site's own. */
    static List<String> tasks(CommandSpec hmc) {
        return hmc.subcommands().keySet().stream().filter(s -> !HmcCommand.SITE_COMMANDS.contains(s)).toList();
    }

    /** The model of {@code sadump hmc} that the lines run against. */
    CommandSpec hmcSpec() {
        return hmc;
    }

    /**
     * Runs one console line as {@code sadump hmc DIR LINE}; returns its exit status, 0 for a blank
     * line or comment, or {@link #LEAVE} for exit and quit.
     */
    int execute(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return 0;
        }
        List<String> words;
        try {
            words = new ArrayList<>(parser.parse(t, t.length(), Parser.ParseContext.ACCEPT_LINE).words());
        } catch (SyntaxError e) {
            return usage("cannot read the line: " + e.getMessage());
        }
        while (!words.isEmpty() && words.get(words.size() - 1).isEmpty()) {
            words.remove(words.size() - 1);
        }
        if (words.isEmpty()) {
            return 0;
        }
        String first = words.get(0);
        if (LEAVE_WORDS.contains(first)) {
            return LEAVE;
        }
        if ((!hmc.subcommands().containsKey(first) || HmcCommand.SITE_COMMANDS.contains(first))
                && !HELP_FLAGS.contains(first)) {
            return usage("unknown task '" + first + "'; the tasks are " + String.join(", ", tasks(hmc))
                    + " (exit leaves)");
        }
        List<String> args = new ArrayList<>(List.of(hmc.name(), dir.toString()));
        args.addAll(words);
        int rc = root.execute(args.toArray(String[]::new));
        if (words.size() == 1 && (first.equals("help") || first.equals("-h") || first.equals("--help"))) {
            for (String s : CONSOLE_HELP) {
                out.println(s);
            }
        }
        out.flush();
        err.flush();
        return rc;
    }

    private int usage(String message) {
        err.println(hmc.qualifiedName() + ": " + message);
        err.flush();
        return UserErrorHandler.EXIT_USAGE;
    }

    /**
     * {@code sadump hmc DIR} with no task: the interactive console when standard input and output are a
     * terminal, else commands read line by line from standard input.
     */
    static int open(Path dir, PrintWriter out, PrintWriter err) throws IOException {
        MachineDirectory.open(dir);
        if (!ConsoleProgress.terminalAttached()) {
            return script(dir, new BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)), out, err);
        }
        JLINE_LOG.setLevel(Level.OFF);
        // SIG_IGN routes the JVM's signals to the terminal's own handlers (set in interactive), so
        // Ctrl-C never ends the JVM in the middle of a task
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("sadump hmc")
                .signalHandler(Terminal.SignalHandler.SIG_IGN).build()) {
            return interactive(dir, terminal);
        }
    }

    /** Reads lines with no prompt until the end of input or exit; returns the worst exit status. */
    static int script(Path dir, BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        HmcConsole console = new HmcConsole(dir, out, err);
        int worst = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int rc = console.execute(line);
            if (rc == LEAVE) {
                break;
            }
            worst = Math.max(worst, rc);
        }
        return worst;
    }

    /** The line editor on {@code terminal} until exit, quit or Ctrl-D. */
    static int interactive(Path dir, Terminal terminal) {
        MachineDirectory machine = MachineDirectory.open(dir);
        PrintWriter tw = terminal.writer();
        RecordingWriter rec = new RecordingWriter(tw);
        HmcConsole console = new HmcConsole(dir, rec, rec);
        Path history = dir.resolve(HISTORY_FILE);
        boolean keepHistory = writable(history);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("sadump-hmc")
                .parser(new DefaultParser().eofOnUnclosedQuote(true)).completer(new HmcCompleter(console.hmcSpec(), dir));
        if (keepHistory) {
            builder.variable(LineReader.HISTORY_FILE, history);
        }
        LineReader reader = builder.build();
        tw.println(banner(dir, machine.config()));
        if (!keepHistory) {
            tw.println("(history is not kept: cannot write " + history + ")");
        }
        tw.flush();

        AtomicBoolean busy = new AtomicBoolean();
        terminal.handle(Terminal.Signal.INT, signal -> {
            if (busy.get()) {
                tw.println();
                tw.println(CTRL_C_IGNORED);
                tw.flush();
            }
        });
        String prompt = "hmc " + dir.getFileName() + "> ";
        try (ConsoleLogTailer tailer = new ConsoleLogTailer(machine.consoleLog(), reader::printAbove).start()) {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: the line is dropped, the console stays
                } catch (EndOfFileException e) {
                    break;
                }
                tailer.pause();
                busy.set(true);
                rec.take();
                int rc;
                try {
                    rc = console.execute(line);
                } finally {
                    busy.set(false);
                    tw.flush();
                    tailer.resume(rec.take());
                }
                if (rc == LEAVE) {
                    break;
                }
            }
        }
        if (keepHistory) {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                tw.println("(history not saved: " + e.getMessage() + ")");
            }
        }
        tw.flush();
        return 0;
    }

    static String banner(Path dir, MachineConfig config) {
        StringBuilder devices = new StringBuilder();
        for (AttachedDevice d : config.devices()) {
            devices.append(devices.length() == 0 ? "" : ", ").append(d.number()).append(" (").append(d.type().model())
                    .append(')');
        }
        return "HMC console of " + dir.getFileName() + ": " + Sizes.format(config.storageSize()) + " storage, "
                + config.cpuCount() + " CPU" + (config.cpuCount() == 1 ? "" : "s") + ", devices "
                + (devices.length() == 0 ? "none" : devices) + ". Tab completes, 'help' lists the tasks, 'exit' leaves.";
    }

    private static boolean writable(Path file) {
        return Files.exists(file) ? Files.isWritable(file) : Files.isWritable(file.getParent());
    }

    /** A writer that also keeps what went through it since the last {@link #take()}. */
    static final class RecordingWriter extends PrintWriter {
        private final StringBuilder seen = new StringBuilder();

        RecordingWriter(Writer to) {
            super(to, true);
        }

        @Override
        public void write(int c) {
            synchronized (seen) {
                seen.append((char) c);
            }
            super.write(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            synchronized (seen) {
                seen.append(buf, off, len);
            }
            super.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            synchronized (seen) {
                seen.append(s, off, off + len);
            }
            super.write(s, off, len);
        }

        /** What was written since the last call, and forgets it. */
        String take() {
            synchronized (seen) {
                String s = seen.toString();
                seen.setLength(0);
                return s;
            }
        }
    }
}
