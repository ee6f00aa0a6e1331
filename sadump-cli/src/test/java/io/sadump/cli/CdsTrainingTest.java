package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data-sharing training ({@link CdsTraining}) ignores failed steps, so that a
 * failure costs only start-up time; this test is where a step that no longer runs (a renamed option, a
 * changed default) is noticed.
 */
class CdsTrainingTest {
    @Test
    void everyStepOfTheTrainingRunsAndEndsInAVerifiedArchive(@TempDir Path dir) throws Exception {
        List<String> failed = CdsTraining.train(dir);

        assertThat(failed).as("training steps that failed").isEmpty();
        Path archive = dir.resolve("a.tar.zst");
        assertThat(archive).isRegularFile();
        CliRun verify = CliRun.of("archive", "verify", archive.toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        // the DASD is small on purpose: deleting a large sparse image cost seconds of the first run
        assertThat(Files.size(dir.resolve("m/devices/0.0.0190.3390"))).isLessThan(128L << 20);
    }
}
