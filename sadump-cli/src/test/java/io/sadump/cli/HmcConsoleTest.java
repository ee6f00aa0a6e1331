package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HMC console ({@code sadump hmc DIR} with no task), driven through a JLine dumb terminal over
 * streams: a scripted session changes the machine as the one-shot commands do and prints their
 * output and one-line errors; completion; history across sessions; lines another writer appends.
 */
class HmcConsoleTest {
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void machine() throws Exception {
        dir = tmp.resolve("sys1");
        assertThat(CliRun.of("machine", "create", dir.toString(), "--storage", "64M").exit()).isZero();
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0190:300"));
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0191:5"));
        }
        CliRun p = CliRun.of("dumpdev", "prepare", dir.toString(), "0.0.0190");
        assertThat(p.exit()).as(p.err()).isZero();
        CliRun k = CliRun.of("kexec", "load", dir.toString());
        assertThat(k.exit()).as(k.err()).isZero();
    }

    /** Runs one console session on a dumb terminal reading {@code input}; returns what it printed. */
    private String session(String input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Terminal t = new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                out, StandardCharsets.UTF_8)) {
            assertThat(HmcConsole.interactive(dir, t)).isZero();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aScriptedSessionRunsTheTasksAsTheOneShotCommandsDoAndGoesOnAfterAnError() throws Exception {
        String oneShotError = CliRun.of("hmc", dir.toString(), "load", "0.0.0999").err().strip();
        String psw = CliRun.of("hmc", dir.toString(), "display", "psw").out();

        String text = session(String.join("\n", "display psw", "load 0.0.0999", "bogus --x",
                "stop", "load 190 --store-status", "messages --last 3", "exit", "display registers", ""));

        assertThat(text).startsWith("HMC console of sys1: 64M storage, 2 CPUs, devices 0.0.0190 (3390), 0.0.0191 (3390).");
        assertThat(text).contains("hmc sys1> ").contains(psw.strip());
        // an error is the one-shot command's line, and the console goes on
        assertThat(text).contains(oneShotError + "\n");
        assertThat(text).contains("sadump hmc: unknown task 'bogus'; the tasks are load, restart, display, messages, "
                + "stop, start, reset, mount, help");
        assertThat(text).contains("HMC: stop: 2 CPUs stopped");
        // the load ran: the dumper's lines as they came, the outcome, the vmcore, the saved CPUs
        assertThat(text).contains("kdump: saving vmcore to ").contains("Verdict:  PASS: kdump can start")
                .contains("After:    re-IPL");
        assertThat(count(text, "kdump: saved vmcore")).as("each message once, though the log tailer sees it too")
                .isEqualTo(1);
        try (var vmcores = Files.list(dir.resolve(MachineDirectory.VMCORE))) {
            assertThat(vmcores.filter(d -> Files.isRegularFile(d.resolve("vmcore"))).count()).isEqualTo(1);
        }
        List<String> log = MachineDirectory.open(dir).console();
        assertThat(log).anyMatch(l -> l.endsWith("kdump: saved vmcore, 48.0 MiB"));
        // messages --last 3 shows the log's last lines with their time stamps
        assertThat(text).contains(log.get(log.size() - 1));
        // exit left: the line after it never ran
        assertThat(text).doesNotContain("GR0 ");
        assertThat(Files.readString(dir.resolve(HmcConsole.HISTORY_FILE))).contains("load 190 --store-status");
    }

    @Test
    void theSameLinesPipedInWithoutATerminalGiveTheSameOutputAndTheWorstStatus() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = HmcConsole.script(dir, new BufferedReader(new StringReader(String.join("\n", "# a comment", "",
                "display psw", "load 191", "display \"psw", "display lowcore", "quit", "display registers"))),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).as("the worst: display \"psw is a usage error").isEqualTo(2);
        assertThat(out.toString()).doesNotContain("hmc sys1>").contains("CPU 0  PSW ")
                .contains("0x0E18  meminfo pointer").doesNotContain("GR0 ");
        assertThat(err.toString().strip().split("\n")).containsExactly(
                CliRun.of("hmc", dir.toString(), "load", "191").err().strip(),
                "sadump hmc: cannot read the line: Missing closing quote");
    }

    @Test
    void noConsoleOpensOnADirectoryThatIsNoMachine() {
        CliRun r = CliRun.of("hmc", tmp.resolve("nothing").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("sadump hmc: ").contains("does not exist").doesNotContain("\n");
    }

    @Test
    void completionOffersTasksOptionsDisplayTargetsAndAttachedDeviceNumbers() throws Exception {
        HmcConsole console = new HmcConsole(dir, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        HmcCompleter c = new HmcCompleter(console.hmcSpec(), dir);
        assertThat(c.candidates(List.of(), "lo")).containsExactly("load");
        assertThat(c.candidates(List.of(), "")).contains("load", "restart", "display", "messages", "help", "exit", "quit");
        assertThat(c.candidates(List.of("load"), "--")).contains("--store-status", "--clear", "--loadparm", "--json",
                "--help");
        assertThat(c.candidates(List.of("load"), "")).containsExactly("0.0.0190", "0.0.0191");
        assertThat(c.candidates(List.of("load"), "19")).as("the short form the tasks take").containsExactly("190",
                "191");
        assertThat(c.candidates(List.of("load"), "0.0.019")).containsExactly("0.0.0190", "0.0.0191");
        assertThat(c.candidates(List.of("load", "--loadparm"), "")).isEmpty();
        assertThat(c.candidates(List.of("load", "--loadparm", "X", "--clear"), "0.0.019")).hasSize(2);
        assertThat(c.candidates(List.of("display"), "")).containsExactly("psw", "registers", "lowcore", "meminfo",
                "storage");
        assertThat(c.candidates(List.of("display"), "m")).containsExactly("meminfo");
        assertThat(c.candidates(List.of("display", "storage"), "")).isEmpty();
        assertThat(c.candidates(List.of("help"), "re")).containsExactly("restart", "reset");
        assertThat(c.candidates(List.of(), "st")).containsExactly("stop", "start");
        assertThat(c.candidates(List.of("mount"), "")).containsExactly("0.0.0190", "0.0.0191");
        assertThat(c.candidates(List.of("bogus"), "")).isEmpty();

        // and through JLine's parser, as Tab calls it
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0192:5"));
        }
        try (Terminal t = new DumbTerminal(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())) {
            LineReader reader = LineReaderBuilder.builder().terminal(t).completer(c).build();
            assertThat(complete(reader, c, "lo")).containsExactly("load");
            assertThat(complete(reader, c, "load --")).contains("--store-status", "--clear");
            assertThat(complete(reader, c, "display ")).containsExactly("psw", "registers", "lowcore", "meminfo", "storage");
            assertThat(complete(reader, c, "load ")).as("a device attached while the console is open")
                    .containsExactly("0.0.0190", "0.0.0191", "0.0.0192");
        }
    }

    private static List<String> complete(LineReader reader, HmcCompleter c, String line) {
        ParsedLine pl = new DefaultParser().parse(line, line.length(), Parser.ParseContext.COMPLETE);
        List<Candidate> cands = new ArrayList<>();
        c.complete(reader, pl, cands);
        return cands.stream().map(Candidate::value).toList();
    }

    @Test
    void historyIsKeptPerMachineAcrossSessions() throws Exception {
        session("display lowcore\nexit\n");
        assertThat(Files.readString(dir.resolve(HmcConsole.HISTORY_FILE))).contains("display lowcore");
        // !disp (the last line starting so, as in a shell) runs the line of the first session again
        String second = session("!disp\nexit\n");
        assertThat(second).contains("0x0E18  meminfo pointer");
        // the history file is no machine state: the machine still opens and locks as before
        try (MachineLock lock = MachineDirectory.open(dir).lock()) {
            assertThat(lock.isValid()).isTrue();
        }
    }

    @Test
    void linesAnotherWriterAppendsToTheConsoleLogShowUpAtThePrompt() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger rc = new AtomicInteger(-1);
        Thread console = new Thread(() -> {
            try (Terminal t = new DumbTerminal("test", "dumb", in, out, StandardCharsets.UTF_8)) {
                rc.set(HmcConsole.interactive(dir, t));
            } catch (Exception e) {
                rc.set(99);
            }
        });
        console.start();
        try {
            waitFor(out, "hmc sys1> ");
            MachineDirectory m = MachineDirectory.open(dir);
            try (MachineLock lock = m.lock()) {
                m.appendConsole(lock, List.of("another process: kernel: a message for the console"));
            }
            waitFor(out, "another process: kernel: a message for the console");
            String shown = out.toString(StandardCharsets.UTF_8);
            assertThat(shown).as("without the log's time stamp")
                    .doesNotContain("Z another process: kernel: a message for the console");
        } finally {
            keys.write("exit\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            console.join(10_000);
        }
        assertThat(console.isAlive()).isFalse();
        assertThat(rc.get()).isZero();
    }

    private static void waitFor(ByteArrayOutputStream out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
            assertThat(System.nanoTime()).as("'%s' shown within 15 s; shown: %s", text, out).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
