package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hostile input of {@link HostileFiles}, through the command that meets it: refused with its
 * one clear line and exit 1 (or, for {@code meminfo}, a FAIL verdict), never an internal error or a
 * stack trace, and an extraction leaves nothing behind.
 */
class HostileInputTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyHostileInputIsRefusedWithItsLine() {
        return HostileFiles.all(tmp).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    static void check(HostileFiles.Case c) throws Exception {
        CliRun r = CliRun.of(c.args().toArray(String[]::new));
        String what = c.name() + ": exit " + r.exit() + ", stderr: " + r.err() + ", stdout: " + r.out();
        assertThat(c.exits()).as(what).contains(r.exit());
        assertThat(r.err()).as(what).doesNotContain("internal error").doesNotContain("\tat ")
                .doesNotContain("Exception");
        if (c.verdictLine()) {
            assertThat(r.lastOutLine()).as(what).startsWith(c.expected());
            assertThat(r.err()).as(what).isEmpty();
        } else {
            assertThat(r.err().strip()).as(what).doesNotContain("\n").contains(c.expected());
        }
        if (c.args().contains("extract")) {
            Path into = Path.of(c.args().get(c.args().indexOf("-o") + 1));
            if (Files.exists(into)) {
                try (Stream<Path> left = Files.list(into)) {
                    assertThat(left).as("%s: nothing extracted", c.name()).isEmpty();
                }
            }
        }
    }
}
