package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The root command: help, version, and what a wrong word does. */
class SadumpCommandTest {
    /** Exit code and both streams of one run. */
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SadumpCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** No Java stack trace anywhere in the output. */
    static void assertNoStackTrace(Run r) {
        for (String s : new String[] {r.out(), r.err()}) {
            assertThat(s).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Caused by");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpExplainsTheToolAndExitsZero(String option) {
        Run r = run(option);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("Usage: sadump")
                .contains("IBM Z (s390x) crash-dump path")
                .contains("--version")
                .contains("Commands:")
                .contains("help")
                .contains("sadump help COMMAND");
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: sadump");
    }

    @Test
    void helpSubcommandWorks() {
        Run r = run("help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: sadump");
        Run h = run("help", "help");
        assertThat(h.exit()).isZero();
        assertThat(h.out()).contains("Usage: sadump help");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionNamesSadumpAndTheJava(String option) {
        Run r = run(option);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        String[] lines = r.out().split("\\R");
        assertThat(lines[0]).matches("sadump \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(lines[0]).doesNotContain("${").doesNotContain("unknown");
        assertThat(lines[1]).startsWith("Java " + System.getProperty("java.version") + " (");
    }

    @Test
    void unknownCommandIsAUsageErrorWithoutAStackTrace() {
        Run r = run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
        assertThat(r.out()).isEmpty();
        assertNoStackTrace(r);
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutAStackTrace() {
        Run r = run("--frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate");
        assertNoStackTrace(r);
        Run sub = run("help", "frobnicate");
        assertThat(sub.exit()).isEqualTo(2);
        assertNoStackTrace(sub);
    }

    @Test
    void errorHandlerMapsExceptionsToExitCodes() {
        assertThat(UserErrorHandler.exitCode(new UsageException("x"))).isEqualTo(2);
        assertThat(UserErrorHandler.exitCode(new io.sadump.machine.InvalidValueException("x"))).isEqualTo(2);
        // a bare IllegalArgumentException is a bug, not a user's mistake
        assertThat(UserErrorHandler.exitCode(new IllegalArgumentException("x"))).isEqualTo(70);
        assertThat(UserErrorHandler.exitCode(new io.sadump.machine.MachineException("x"))).isEqualTo(1);
        assertThat(UserErrorHandler.exitCode(new io.sadump.machine.StorageException("x"))).isEqualTo(1);
        assertThat(UserErrorHandler.message(new io.sadump.machine.MachineLockedException("machine /m is in use")))
                .isEqualTo("machine /m is in use");
        assertThat(UserErrorHandler.message(new java.nio.file.NoSuchFileException("/no/such")))
                .isEqualTo("no such file: /no/such");
        assertThat(UserErrorHandler.message(new io.sadump.machine.InvalidValueException("two\nlines")))
                .isEqualTo("two lines");
    }
}
