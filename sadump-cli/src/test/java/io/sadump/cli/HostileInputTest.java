package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hostile input of {@link HostileFiles}, through the command that meets it: refused with its
 * one clear line and exit 1 (or, for {@code meminfo}, a FAIL verdict), never an internal error or a
 * stack trace, and an extraction leaves nothing behind. Each outcome is also written as a row of
 * {@code target/hostile-inputs.tsv}, which {@code robustness/hostile.sh} tabulates.
 */
class HostileInputTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyHostileInputIsRefusedWithItsLine() {
        return HostileFiles.all(tmp).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /** Appends a row (input, command, exit, the line it printed) to {@code file} in the module's target/. */
    static void record(String file, HostileFiles.Case c, int exit, String line) throws IOException {
        Path tsv = Path.of("target", file);
        Files.createDirectories(tsv.getParent());
        String row = String.join("\t", c.name(), c.args().get(0) + (c.args().get(0).equals("archive") ? " "
                + c.args().get(1) : c.args().get(0).equals("zgetdump") ? " -i" : ""), Integer.toString(exit),
                line.strip().replace('\t', ' ').replace('\n', ' ')) + "\n";
        Files.writeString(tsv, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static void check(HostileFiles.Case c) throws Exception {
        CliRun r = CliRun.of(c.args().toArray(String[]::new));
        record("hostile-inputs.tsv", c, r.exit(), c.verdictLine() ? r.lastOutLine() : r.err());
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
