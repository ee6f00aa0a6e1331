package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.DeviceIoErrorException;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.ipl.IplException;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import io.sadump.machine.StorageException;
import io.sadump.meminfo.MeminfoFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every kind of error a command can end in: its exit code, exactly one line on stderr, and a stack trace
 * only when --debug or SADUMP_DEBUG asks for one.
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    /** A command that fails as told, added to the real command line to reach the real handlers. */
    @Command(name = "fail")
    static final class FailingCommand implements Callable<Integer> {
        private final Throwable failure;

        FailingCommand(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    static CliRun runFailing(Throwable failure, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SadumpCommand.commandLine(environment);
        cl.addSubcommand("fail", new FailingCommand(failure));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> words = new ArrayList<>(List.of("fail"));
        words.addAll(List.of(args));
        int rc = SadumpCommand.execute(cl, environment, words.toArray(String[]::new));
        return new CliRun(rc, out.toString(), err.toString());
    }

    static CliRun run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SadumpCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
        return new CliRun(rc, out.toString(), err.toString());
    }

    static void assertOneLineNoTrace(CliRun r) {
        assertThat(r.err()).as(r.err()).endsWith("\n");
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Caused by");
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new UsageException("--report is for a campaign"), 2),
                Arguments.of(new InvalidValueException("not a size: '12Q'"), 2),
                Arguments.of(new MachineException("sys1 is locked"), 1),
                Arguments.of(new IplException("no IPL record on 0.0.0190"), 1),
                Arguments.of(new StorageException("address 0x40000000 is outside storage"), 1),
                Arguments.of(new MeminfoFormatException("meminfo page cut short"), 1),
                Arguments.of(new DumpFormatException("not an s390 dump"), 1),
                Arguments.of(new IncompleteDumpException("the dump ends at 64 MiB of 128 MiB"), 1),
                Arguments.of(new DeviceIoErrorException("0.0.0190", "write error"), 1),
                Arguments.of(new IOException("No space left on device"), 1),
                Arguments.of(new UncheckedIOException(new NoSuchFileException("/no/such")), 1),
                Arguments.of(new IllegalArgumentException("bad chunk 0x0+0x0"), 70),
                Arguments.of(new IllegalStateException("unclosed JSON object"), 70),
                Arguments.of(new NullPointerException("storage is null"), 70),
                Arguments.of(new ArithmeticException("long overflow"), 70),
                Arguments.of(new StackOverflowError(), 70));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachKindOfErrorHasItsExitCodeAndOneLine(Throwable failure, int exit) {
        CliRun r = runFailing(failure, Map.of());
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertOneLineNoTrace(r);
        assertThat(r.err()).startsWith("sadump fail: ");
        if (exit == UserErrorHandler.EXIT_INTERNAL) {
            assertThat(r.err()).contains("internal error: " + failure.getClass().getName())
                    .contains("--debug").contains("SADUMP_DEBUG=1");
            if (failure.getMessage() != null) {
                assertThat(r.err()).contains(failure.getMessage());
            }
        } else {
            assertThat(r.err()).doesNotContain("internal error").doesNotContain("Exception");
        }
    }

    @Test
    void debugPrintsTheTraceAfterTheLineWhereverItStands() {
        NullPointerException bug = new NullPointerException("storage is null");
        for (List<String> args : List.<List<String>>of(List.of("--debug"), List.of())) {
            CliRun after = runFailing(bug, Map.of(), args.toArray(String[]::new));
            assertThat(after.exit()).isEqualTo(70);
            if (args.isEmpty()) {
                assertOneLineNoTrace(after);
            } else {
                String[] lines = after.err().split("\n");
                assertThat(lines[0]).startsWith("sadump fail: internal error: java.lang.NullPointerException");
                assertThat(lines[1]).isEqualTo("java.lang.NullPointerException: storage is null");
                assertThat(after.err()).contains("\tat io.sadump.cli.CliErrorsTest.");
            }
        }
        // before the command, as a global option
        StringWriter err = new StringWriter();
        CommandLine cl = SadumpCommand.commandLine(Map.of());
        cl.addSubcommand("fail", new FailingCommand(bug));
        cl.setErr(new PrintWriter(err, true));
        assertThat(SadumpCommand.execute(cl, Map.of(), "--debug", "fail")).isEqualTo(70);
        assertThat(err.toString()).contains("\tat ");
    }

    @Test
    void sadumpDebugInTheEnvironmentPrintsTheTraceAndZeroDoesNot() {
        IllegalStateException bug = new IllegalStateException("unclosed JSON object");
        CliRun on = runFailing(bug, Map.of("SADUMP_DEBUG", "1"));
        assertThat(on.exit()).isEqualTo(70);
        assertThat(on.err()).contains("java.lang.IllegalStateException: unclosed JSON object\n").contains("\tat ");
        assertOneLineNoTrace(runFailing(bug, Map.of("SADUMP_DEBUG", "0")));
        assertOneLineNoTrace(runFailing(bug, Map.of("SADUMP_DEBUG", "")));
    }

    @Test
    void debugAlsoShowsTheTraceOfAUserError() {
        CliRun r = run(Map.of("SADUMP_DEBUG", "1"), "meminfo", tmp.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("sadump meminfo: ").contains("\tat io.sadump.machine.MachineDirectory.open");
    }

    @Test
    void aValueSadumpDoesNotAcceptIsAUsageErrorAndCreatesNothing() {
        Path dir = tmp.resolve("sys");
        CliRun r = run(Map.of(), "machine", "create", dir.toString(), "--workload", "nosuch");
        assertThat(r.exit()).isEqualTo(2);
        assertOneLineNoTrace(r);
        assertThat(r.err()).isEqualTo("sadump machine create: unknown workload 'nosuch' (mixed, zero, random)\n");
        assertThat(dir).doesNotExist();

        CliRun small = run(Map.of(), "machine", "create", dir.toString(), "--storage", "8M");
        assertThat(small.exit()).isEqualTo(2);
        assertThat(small.err()).startsWith("sadump machine create: a production system needs at least ");
        assertThat(dir).doesNotExist();

        CliRun id = run(Map.of(), "campaign", tmp.toString(), "--replay", "nonsense");
        assertThat(id.exit()).isEqualTo(2);
        assertOneLineNoTrace(id);
        assertThat(id.err()).contains("a scenario ID is SIZE:KIND:SEED");
    }

    @Test
    void aFileThatIsNoDumpIsAFailure() throws IOException {
        Path notADump = Files.writeString(tmp.resolve("notes.txt"), "vm\n");
        CliRun r = run(Map.of(), "zgetdump", "-i", notADump.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertOneLineNoTrace(r);
        assertThat(r.err()).startsWith("sadump zgetdump: " + notADump + ": ");
    }

    @Test
    void aWrongOptionIsAUsageErrorNamingTheHelp() {
        CliRun r = run(Map.of(), "zgetdump", "--frobnicate", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertOneLineNoTrace(r);
        assertThat(r.err()).contains("--frobnicate").contains("(see 'sadump zgetdump --help')");
    }

    @Test
    void theRootHelpListsTheExitCodes() {
        CliRun r = run(Map.of(), "--help");
        assertThat(r.out()).contains("Exit status (every command):")
                .containsPattern("(?m)^ +0 +done$")
                .containsPattern("(?m)^ +1 +failure: ")
                .containsPattern("(?m)^ +2 +usage error: ")
                .containsPattern("(?m)^ +70 +internal error, a bug \\(--debug or SADUMP_DEBUG=1 prints its stack trace\\)$");
    }
}
