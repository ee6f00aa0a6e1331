package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code sadump.jar} in a 64 MiB heap on every hostile input of {@link HostileFiles}: the
 * same one-line refusal as in the test JVM, and never an {@code OutOfMemoryError} (a length field
 * that claims more than the file holds must not be believed with an allocation).
 */
class HostileInputJarIT {
    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {}

    static Result run(List<String> args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-jar", SadumpJarIT.jar().toString()));
        command.addAll(args);
        Path out = Files.createTempFile("sadump-hostile-", ".out");
        Path err = Files.createTempFile("sadump-hostile-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyHostileInputIsRefusedInASmallHeap() {
        return HostileFiles.all(tmp).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Result r = run(c.args());
            String[] outLines = r.out().strip().split("\n");
            HostileInputTest.record("hostile-inputs-jar.tsv", c, r.exit(),
                    c.verdictLine() ? outLines[outLines.length - 1] : r.err());
            String what = c.name() + ": exit " + r.exit() + ", stderr: " + r.err();
            assertThat(r.err()).as(what).doesNotContain("OutOfMemoryError").doesNotContain("internal error")
                    .doesNotContain("\tat ");
            assertThat(c.exits()).as(what).contains(r.exit());
            if (c.verdictLine()) {
                assertThat(outLines[outLines.length - 1]).as(what).startsWith(c.expected());
            } else {
                assertThat(r.err().strip()).as(what).doesNotContain("\n").contains(c.expected());
            }
        }));
    }
}
