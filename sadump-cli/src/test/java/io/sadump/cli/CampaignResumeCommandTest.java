package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report of a campaign depends on its seed, runs and options only: not on --parallel, not on being resumed
 * from a results file; and the options that lead elsewhere fail with one line.
 */
class CampaignResumeCommandTest {
    static final String KINDS = "segment-bitflip-kernel,segment-bitflip-initrd,control-user-page,meminfo-body-byte";
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "sadump-cli-test-")
                : Files.createTempDirectory("sadump-cli-test-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The JSON object without its "run" part (speed, workers, retries). */
    private static Map<String, Object> body(CliRun r) {
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = new LinkedHashMap<>(MiniJson.object(MiniJson.parse(r.out().strip())));
        assertThat(o).containsKey("run");
        o.remove("run");
        return o;
    }

    private static String textBody(CliRun r) {
        assertThat(r.exit()).as(r.err()).isZero();
        int at = r.out().indexOf("Run (where and how fast");
        assertThat(at).as(r.out()).isPositive();
        return r.out().substring(0, at);
    }

    @Test
    void theSameSeedGivesTheSameReportWhateverTheParallelismAndAfterAResume() throws IOException {
        String c = dir.resolve("c").toString();
        Map<String, Object> one = body(CliRun.of("campaign", c, "--runs", "12", "--seed", "5", "--kinds", KINDS,
                "--parallel", "1", "--json"));
        Map<String, Object> two = body(CliRun.of("campaign", c, "--runs", "12", "--seed", "5", "--kinds", KINDS,
                "--parallel", "2", "--json"));
        assertThat(two).isEqualTo(one);
        assertThat(one.get("scenarios")).isEqualTo(12L);

        // a first driver that got through 5 scenarios, then the same command with the full runs: it resumes
        Path results = dir.resolve("results");
        CliRun first = CliRun.of("campaign", c, "--runs", "5", "--seed", "5", "--kinds", KINDS, "--results",
                results.toString(), "--json");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(Files.readAllLines(results.resolve("results.jsonl"))).hasSize(1 + 5);
        CliRun resumed = CliRun.of("campaign", c, "--runs", "12", "--seed", "5", "--kinds", KINDS, "--results",
                results.toString(), "--json");
        assertThat(body(resumed)).isEqualTo(one);
        Map<String, Object> run = MiniJson.object(MiniJson.object(MiniJson.parse(resumed.out().strip())).get("run"));
        assertThat(run.get("resumed")).isEqualTo(5L);
        assertThat(run.get("ran")).isEqualTo(7L);
        assertThat(Files.readAllLines(results.resolve("results.jsonl"))).hasSize(1 + 12);

        // everything done: nothing runs, the same report again, as text too
        CliRun again = CliRun.of("campaign", c, "--runs", "12", "--seed", "5", "--kinds", KINDS, "--results",
                results.toString());
        CliRun text = CliRun.of("campaign", c, "--runs", "12", "--seed", "5", "--kinds", KINDS, "--parallel", "2");
        assertThat(textBody(again)).isEqualTo(textBody(text));
        assertThat(again.out()).contains("Resumed: 12 scenarios read back");
    }

    @Test
    void anotherCampaignsResultsDirectoryIsRefusedInOneLine() {
        String c = dir.resolve("c").toString();
        String results = dir.resolve("results").toString();
        CliRun first = CliRun.of("campaign", c, "--runs", "2", "--seed", "5", "--kinds", KINDS, "--results", results);
        assertThat(first.exit()).as(first.err()).isZero();
        CliRun other = CliRun.of("campaign", c, "--runs", "2", "--seed", "6", "--kinds", KINDS, "--results", results);
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err().strip()).doesNotContain("\n").contains("holds the results of another campaign (seed 5")
                .contains("not of this one (seed 6");
    }

    @Test
    void aBadClusterConfigurationFailsInOneLine() throws IOException {
        Path config = dir.resolve("cluster.properties");
        Files.writeString(config, "members=127.0.0.1:5703-5701\n");
        for (List<String> args : List.of(List.of("campaign", dir.toString(), "--cluster", config.toString()),
                List.of("campaign", "worker", config.toString()))) {
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(args.toString()).isEqualTo(2);
            assertThat(r.err().strip()).as(args.toString()).doesNotContain("\n")
                    .contains(config + ": member '127.0.0.1:5703-5701' has no valid port or port range");
        }
        CliRun missing = CliRun.of("campaign", dir.toString(), "--cluster", dir.resolve("none").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).doesNotContain("\n").contains("none does not exist");
        CliRun both = CliRun.of("campaign", dir.toString(), "--cluster", config.toString(), "--parallel", "2");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err().strip()).doesNotContain("\n").contains("each worker has its own --parallel");
    }

    @Test
    void theWorkersHelpTeachesTheConfiguration() {
        CliRun r = CliRun.of("campaign", "worker", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("members=127.0.0.1:5701-5703").contains("cluster-name=")
                .contains("sadump campaign worker cluster.properties");
    }
}
