package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResultsFileTest {
    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    private Campaign campaign(long seed, int runs) {
        return Campaign.defaults(dir.resolve("c")).withSeed(seed).withRuns(runs).withStorage(64L << 20)
                .withParallel(2);
    }

    /** A result of scenario {@code i} with random problems, messages and changes. */
    private static FinishedScenario random(Campaign c, int i, SplittableRandom rnd) {
        Scenario s = Scenario.draw(c.seed(), i, c.kinds(), c.storageSize());
        List<ByteChange> changes = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
            byte[] before = new byte[1 + rnd.nextInt(8)];
            byte[] after = new byte[before.length];
            rnd.nextBytes(before);
            rnd.nextBytes(after);
            changes.add(new ByteChange(rnd.nextLong(0, 1L << 40), before, after));
        }
        Optional<InjectionReport> injection = rnd.nextInt(5) == 0 ? Optional.empty()
                : Optional.of(new InjectionReport(s.kind(), s.seed(), "flipped \"bit\" \u00e9 " + rnd.nextInt(),
                        changes));
        List<String> problems = rnd.nextBoolean() ? List.of() : List.of("a problem\nwith a newline " + rnd.nextInt());
        List<String> messages = List.of("line " + rnd.nextInt(), "\tHCPxxx");
        ScenarioResult r = new ScenarioResult(s, injection, "fallback 0x" + Integer.toHexString(rnd.nextInt(0xffff)),
                rnd.nextInt(0xffff), rnd.nextBoolean(), problems, messages, Duration.ofMillis(rnd.nextInt(10_000)));
        return new FinishedScenario(r, new Placement("10.0.0." + rnd.nextInt(255) + ":5701", "host" + rnd.nextInt(9),
                rnd.nextLong(1, 1L << 22), 1 + rnd.nextInt(3), false));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 0x5eed_cafeL})
    void aLineReadsBackAsTheResultItWasWrittenFrom(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Campaign c = campaign(seed, 50);
        for (int i = 0; i < 50; i++) {
            FinishedScenario f = random(c, i, rnd);
            String line = ResultLine.encode(f);
            assertThat(line).as("seed %d, scenario %d: one line", seed, i).doesNotContain("\n");
            FinishedScenario back = ResultLine.decode(line, c);
            ScenarioResult a = f.result();
            ScenarioResult b = back.result();
            assertThat(b.scenario()).as("seed %d, scenario %d", seed, i).isEqualTo(a.scenario());
            assertThat(b.injection()).as("seed %d, scenario %d", seed, i).isEqualTo(a.injection());
            assertThat(List.of(b.outcome(), b.verdictCode(), b.fellBack(), b.problems(), b.duration()))
                    .as("seed %d, scenario %d", seed, i)
                    .isEqualTo(List.of(a.outcome(), a.verdictCode(), a.fellBack(), a.problems(), a.duration()));
            // console messages are kept for unexpected scenarios only
            assertThat(b.messages()).as("seed %d, scenario %d", seed, i).isEqualTo(a.expected() ? List.of()
                    : a.messages());
            assertThat(back.placement()).as("seed %d, scenario %d", seed, i).isEqualTo(f.placement());
        }
    }

    @Test
    void aLineOfAnotherCampaignIsRefused() {
        Campaign c = campaign(3, 10);
        String line = ResultLine.encode(random(c, 4, new SplittableRandom(3)));
        assertThatThrownBy(() -> ResultLine.decode(line, campaign(4, 10))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("but this campaign's scenario 4 is");
    }

    @Test
    void appendedResultsAreThereAfterReopeningAndATornLastLineIsCutOff() throws IOException {
        Campaign c = campaign(11, 20);
        SplittableRandom rnd = new SplittableRandom(11);
        Path results = dir.resolve("results");
        List<FinishedScenario> written = new ArrayList<>();
        try (ResultsFile f = ResultsFile.open(results, c)) {
            assertThat(f.finished()).isEmpty();
            for (int i : new int[] {3, 0, 7, 12}) {
                FinishedScenario s = random(c, i, rnd);
                written.add(s);
                f.append(List.of(s));
            }
            f.append(List.of(written.get(0))); // a second answer for scenario 3 is not written again
        }
        Path file = results.resolve(ResultsFile.NAME);
        assertThat(Files.readAllLines(file)).hasSize(5);
        // a crash in the middle of an append: half a line, no newline
        String half = ResultLine.encode(random(c, 9, rnd));
        Files.writeString(file, half.substring(0, half.length() / 2), StandardOpenOption.APPEND);
        long before = Files.size(file);
        try (ResultsFile f = ResultsFile.open(results, c)) {
            assertThat(f.finished().keySet()).containsExactly(0, 3, 7, 12);
            assertThat(f.finished().get(7).result().scenario()).isEqualTo(written.get(2).result().scenario());
            assertThat(Files.size(file)).isLessThan(before);
            f.append(List.of(random(c, 9, rnd)));
        }
        try (ResultsFile f = ResultsFile.open(results, c)) {
            assertThat(f.finished().keySet()).containsExactly(0, 3, 7, 9, 12);
            assertThat(f.finishedBelow(8).keySet()).containsExactly(0, 3, 7);
            assertThat(f.finishedBelow(8).values()).allMatch(s -> s.placement().resumed());
        }
    }

    @Test
    void aDamagedLineBeforeTheLastIsRefused() throws IOException {
        Campaign c = campaign(12, 20);
        SplittableRandom rnd = new SplittableRandom(12);
        Path results = dir.resolve("results");
        try (ResultsFile f = ResultsFile.open(results, c)) {
            f.append(List.of(random(c, 1, rnd), random(c, 2, rnd)));
        }
        Path file = results.resolve(ResultsFile.NAME);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).substring(0, 20));
        Files.write(file, lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ResultsFile.open(results, c)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("line 2 is damaged");
    }

    @Test
    void anotherCampaignsResultsAreRefusedAndSoIsASecondDriver() throws IOException {
        Path results = dir.resolve("results");
        Campaign c = campaign(5, 20);
        try (ResultsFile f = ResultsFile.open(results, c)) {
            assertThatThrownBy(() -> ResultsFile.open(results, c)).isInstanceOf(MachineException.class)
                    .hasMessageContaining("in use by another campaign driver");
        }
        assertThatThrownBy(() -> ResultsFile.open(results, campaign(6, 20))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("holds the results of another campaign (seed 5");
        assertThatThrownBy(() -> ResultsFile.open(results, c.withStorage(128L << 20)))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("64M systems");
        assertThatThrownBy(() -> ResultsFile.open(results, c.withKinds(CorruptionCatalogue.controls())))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("another campaign");
        assertThatThrownBy(() -> ResultsFile.open(results, c.withCoreCollector(CoreCollector.parse(
                "makedumpfile -d 31")))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("another campaign");
        // more runs of the same seed extend the same campaign
        try (ResultsFile f = ResultsFile.open(results, c.withRuns(40))) {
            assertThat(f.finished()).isEmpty();
        }
    }

    @Test
    void aResumedCampaignRunsOnlyTheMissingScenariosAndEndsAsAWholeRunDoes() throws IOException {
        Campaign c = campaign(20261202L, 16).withKinds(List.of(Corruption.SEGMENT_BITFLIP_KERNEL,
                Corruption.CONTROL_USER_PAGE, Corruption.SEGMENT_BITFLIP_INITRD));
        CampaignResult whole = c.run(n -> { });
        Path results = dir.resolve("results");
        Map<Integer, FinishedScenario> ranFirst = new ConcurrentHashMap<>();
        // the first driver got through half of the scenarios before it was killed
        try (ResultsFile f = ResultsFile.open(results, c)) {
            f.append(whole.results().stream().filter(r -> r.scenario().index() % 2 == 0)
                    .map(r -> new FinishedScenario(r, Placement.here(Placement.LOCAL, 1))).toList());
        }
        CampaignResult resumed;
        try (ResultsFile f = ResultsFile.open(results, c)) {
            resumed = c.run(f.finishedBelow(c.runs()), s -> {
                ranFirst.put(s.index(), s);
                f.append(List.of(s));
            }, n -> { });
        }
        assertThat(ranFirst.keySet()).as("only the odd scenarios ran again").allMatch(i -> i % 2 == 1).hasSize(8);
        assertThat(resumed.resumed()).isEqualTo(8);
        assertThat(resumed.ran()).isEqualTo(8);
        assertThat(resumed.results()).extracting(r -> r.scenario().id() + " " + r.outcome() + " " + r.problems()
                + " " + r.injection()).isEqualTo(whole.results().stream().map(r -> r.scenario().id() + " "
                        + r.outcome() + " " + r.problems() + " " + r.injection()).toList());
        assertThat(CampaignHtmlReport.render(resumed)).startsWith(body(CampaignHtmlReport.render(whole)));
        try (ResultsFile f = ResultsFile.open(results, c)) {
            assertThat(f.finished()).hasSize(16);
        }
    }

    static String body(String html) {
        return html.substring(0, html.indexOf(CampaignHtmlReport.APPENDIX_MARK));
    }
}
