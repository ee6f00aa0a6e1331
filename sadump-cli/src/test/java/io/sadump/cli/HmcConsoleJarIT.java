package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sadump hmc DIR} from the real jar on JDK 17 and 25: tasks piped in without a terminal, and the
 * interactive console in a pseudo terminal made by util-linux {@code script} (Tab completion, Ctrl-C at
 * the prompt, history, exit).
 */
class HmcConsoleJarIT {
    @TempDir
    Path tmp;

    private Path machine(String java, String... devices) throws Exception {
        Path dir = tmp.resolve("sys1");
        List<String> args = new ArrayList<>(List.of("machine", "create", dir.toString(), "--storage", "64M"));
        args.addAll(List.of(devices));
        SadumpJarIT.Result r = SadumpJarIT.run(java, args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return dir;
    }

    @ParameterizedTest
    @MethodSource("io.sadump.cli.SadumpJarIT#javas")
    void tasksPipedInRunWithoutAPromptAndTheWorstStatusIsTheExitStatus(String java) throws Exception {
        Path dir = machine(java);
        Path in = tmp.resolve("session.txt");
        Files.writeString(in, "display psw\nbogus\nmessages --last 1\nexit\ndisplay registers\n");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-jar", SadumpJarIT.jar().toString(), "hmc", dir.toString())
                .redirectInput(in.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String o = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(o).isEqualTo(2);
        assertThat(o).contains("CPU 0  PSW ").doesNotContain("hmc sys1>").doesNotContain("GR0 ");
        assertThat(new String(err, StandardCharsets.UTF_8).strip())
                .startsWith("sadump hmc: unknown task 'bogus'; the tasks are load, restart, display, messages");
    }

    @ParameterizedTest
    @MethodSource("io.sadump.cli.SadumpJarIT#javas")
    void theConsoleInAPseudoTerminalCompletesSurvivesCtrlCAndKeepsHistory(String java) throws Exception {
        Path dir = machine(java, "--dasd", "0.0.0190:50");
        for (String[] step : new String[][] {{"dumpdev", "prepare", dir.toString(), "0.0.0190"},
                {"kexec", "load", dir.toString()}}) {
            SadumpJarIT.Result r = SadumpJarIT.run(java, step);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        // script's pseudo terminal has no size when its stdin is a pipe; give it one, as a window would
        String command = "stty cols 120 rows 40; exec '" + java + "' -Xmx128m -jar '" + SadumpJarIT.jar() + "' hmc '" + dir + "'";
        ProcessBuilder pb = new ProcessBuilder("script", "-q", "-f", "-e", "-c", command, "/dev/null")
                .redirectErrorStream(true);
        pb.environment().put("TERM", "xterm");
        Process p = pb.start();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), screen));
        reader.start();
        OutputStream keys = p.getOutputStream();
        try {
            waitFor(screen, "hmc sys1> ", 1);
            type(keys, "disp\t");
            waitFor(screen, "display ", 1);
            type(keys, "ps\t\r");
            waitFor(screen, "CPU 1  PSW ", 1);
            waitFor(screen, "hmc sys1> ", 2);
            // Ctrl-C at the prompt drops the line, and the console stays
            type(keys, "load 0.0.0190");
            waitFor(screen, "load 0.0.0190", 1);
            type(keys, "\u0003");
            waitFor(screen, "hmc sys1> ", 3);
            // a normal load needs stopped CPUs
            type(keys, "stop\r");
            waitFor(screen, "HMC: stop: 2 CPUs stopped", 1);
            waitFor(screen, "hmc sys1> ", 4);
            // Ctrl-C while a load dumps: the task runs to its end, the console stays
            type(keys, "load 190 --store-status\r");
            waitFor(screen, "HMC: load 0.0.0190", 1);
            type(keys, "\u0003");
            waitFor(screen, "After:    re-IPL", 1);
            waitFor(screen, "hmc sys1> ", 5);
            type(keys, "exit\r");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the console left; screen: %s", screen).isTrue();
        } finally {
            p.destroy();
            reader.join(5000);
        }
        String text = screen.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).doesNotContain("no device at load address").doesNotContain("Exception")
                .contains("Dump:     vmcore ").contains("(complete, ");
        assertThat(Files.readAllLines(dir.resolve(HmcConsole.HISTORY_FILE))).anyMatch(l -> l.endsWith(":display psw"))
                .noneMatch(l -> l.contains("load 0.0.0190"));
    }

    private static void type(OutputStream keys, String s) throws Exception {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                to.write(buf, 0, n);
            }
        } catch (java.io.IOException e) {
            // the process ended
        }
    }

    /** Waits until {@code text} was shown {@code times} times (a prompt is shown once per line). */
    private static void waitFor(ByteArrayOutputStream screen, String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (count(screen.toString(StandardCharsets.UTF_8), text) < times) {
            assertThat(System.nanoTime()).as("'%s' shown %d times within 90 s; screen: %s", text, times, screen)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
