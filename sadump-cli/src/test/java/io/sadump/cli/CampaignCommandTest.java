package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CampaignCommandTest {
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

    @Test
    void aCampaignPrintsTheTableTheRatesAndExitsZeroWhenAllIsExpected() {
        Path report = dir.resolve("r/campaign.html");
        CliRun r = CliRun.of("campaign", dir.toString(), "--runs", "16", "--seed", "3", "--parallel", "2",
                "--report", report.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Campaign: 16 scenarios, seed 3, 64M systems, 24 kinds")
                .contains("KIND").contains("PROMISED").contains("Detection rate on checksummed data: 100.0%")
                .contains("False-fallback rate on controls:    0.0%")
                .contains("Every scenario ended as the catalogue promises.");
        assertThat(r.out()).containsPattern("Throughput: \\d+\\.\\d scenarios/s \\(16 in [0-9.]+ s on 2 parallel\\)");
        assertThat(report).isRegularFile();
        assertThat(dir.resolve("templates")).isDirectory();
    }

    @Test
    void jsonGivesTheNumbersAndTheTable() {
        CliRun r = CliRun.of("campaign", dir.toString(), "--runs", "10", "--kinds", "segment-bitflip-kernel,controls",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out().strip()));
        assertThat(o.get("scenarios")).isEqualTo(10L);
        assertThat(o.get("unexpected")).isEqualTo(0L);
        assertThat(o.get("kinds")).isEqualTo(List.of("segment-bitflip-kernel", "control-user-page",
                "control-crashkernel-free"));
        assertThat(((Number) o.get("detection_rate_percent")).doubleValue()).isEqualTo(100.0);
        assertThat(((Number) o.get("false_fallback_rate_percent")).doubleValue()).isEqualTo(0.0);
        Map<String, Object> run = MiniJson.object(o.get("run"));
        assertThat(((Number) run.get("scenarios_per_second")).doubleValue()).isPositive();
        assertThat(run.get("ran")).isEqualTo(10L);
        assertThat(run.get("retried")).isEqualTo(List.of());
        @SuppressWarnings("unchecked")
        List<Object> table = (List<Object>) o.get("table");
        long total = table.stream().mapToLong(t -> (Long) MiniJson.object(t).get("scenarios")).sum();
        assertThat(total).isEqualTo(10L);
        assertThat(o.get("unexpected_scenarios")).isEqualTo(List.of());
    }

    @Test
    void replayRunsOneScenarioAndShowsTheInjectionAndTheConsole() {
        CliRun r = CliRun.of("campaign", dir.toString(), "--replay", "64M:segment-bitflip-initrd:2a");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Scenario 64M:segment-bitflip-initrd:000000000000002a")
                .contains("Promised: FAIL 0x4533 (segment corrupted)")
                .containsPattern("Injection: flipped bit \\d of 0x[0-9A-F]+ in segment \\d \\(initrd\\)")
                .contains("| kdump not possible: 0x4533 segment").contains("Outcome: fallback 0x4533")
                .contains("As promised");

        CliRun j = CliRun.of("campaign", dir.toString(), "--replay", "64M:control-user-page:7", "--json");
        assertThat(j.exit()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out().strip()));
        assertThat(o.get("outcome")).isEqualTo("kdump");
        assertThat(o.get("expected")).isEqualTo(true);
    }

    @Test
    void aCoreCollectorIsUsedInEveryKdumpScenarioAndRecordedInTheReports() {
        CliRun r = CliRun.of("campaign", dir.toString(), "--runs", "8", "--seed", "5", "--kinds",
                "controls,segment-bitflip-initrd", "--core-collector", "makedumpfile -c -d 31", "--parallel", "2");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Core collector: makedumpfile -c -d 31 (kdump-compressed vmcore, read back page by "
                + "page against dump level 31)").contains("kdump x").contains("Every scenario ended as the catalogue");

        CliRun j = CliRun.of("campaign", dir.toString(), "--runs", "4", "--kinds", "controls", "--core-collector",
                "makedumpfile -z -d 17", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out().strip()));
        assertThat(MiniJson.object(o.get("core_collector"))).containsEntry("command", "makedumpfile -z -d 17")
                .containsEntry("filters", true).containsEntry("dump_level", 17L).containsEntry("compression", "zstd");
        assertThat(o.get("unexpected")).isEqualTo(0L);

        CliRun d = CliRun.of("campaign", dir.toString(), "--runs", "1", "--kinds", "controls", "--json");
        assertThat(MiniJson.object(MiniJson.object(MiniJson.parse(d.out().strip())).get("core_collector")))
                .as("the default: the whole ELF vmcore").containsEntry("command", "cp /proc/vmcore")
                .containsEntry("filters", false);

        CliRun replay = CliRun.of("campaign", dir.toString(), "--replay", "64M:control-user-page:7", "--core-collector",
                "makedumpfile -d 31");
        assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("Core collector: makedumpfile -d 31")
                .contains("| kdump: makedumpfile -d 31 /proc/vmcore vmcore")
                .contains("the filtered dump holds exactly the pages its level keeps");

        CliRun bad = CliRun.of("campaign", dir.toString(), "--core-collector", "makedumpfile -l -d 31");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip().lines()).hasSize(1).allMatch(l -> l.contains("lzo"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(CliRun.of("campaign", dir.toString(), "--runs", "0").exit()).isEqualTo(2);
        CliRun k = CliRun.of("campaign", dir.toString(), "--kinds", "no-such-kind");
        assertThat(k.exit()).isNotZero();
        assertThat(k.err()).contains("unknown injection kind 'no-such-kind'");
        CliRun id = CliRun.of("campaign", dir.toString(), "--replay", "nonsense");
        assertThat(id.exit()).isNotZero();
        assertThat(id.err()).contains("SIZE:KIND:SEED");
    }
}
