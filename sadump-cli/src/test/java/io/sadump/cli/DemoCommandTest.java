package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sadump demo} refuses to overwrite what is not an earlier demo. (The full demo builds a 2 GiB
 * system; its run is measured by hand, see README.md, and its parts are tested in ipl-loader.)
 */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void anExistingDirectoryIsRefusedAndForceReplacesOnlyAMachine() throws Exception {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        CliRun r = CliRun.of("demo", "--dir", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("sadump demo: " + dir + " exists; run 'sadump demo --force'");
        CliRun f = CliRun.of("demo", "--dir", dir.toString(), "--force");
        assertThat(f.exit()).isEqualTo(2);
        assertThat(f.err()).contains("is not an earlier demo");
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
    }
}
