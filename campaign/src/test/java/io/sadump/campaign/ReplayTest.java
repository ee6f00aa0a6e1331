package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    @Test
    void aRecordedScenarioReplaysByItsIdWithTheSameInjectionAndOutcome() throws IOException {
        CampaignResult r = Campaign.defaults(dir).withRuns(12).withSeed(5).withParallel(2).run(n -> {});
        for (int i : List.of(3, 7)) {
            ScenarioResult recorded = r.results().get(i);
            Scenario parsed = Scenario.parse(recorded.scenario().id());
            assertThat(parsed.kind()).isEqualTo(recorded.scenario().kind());
            assertThat(parsed.seed()).isEqualTo(recorded.scenario().seed());

            ScenarioResult replayed = Campaign.replay(dir, parsed);

            assertThat(replayed.expected()).as(replayed.problems().toString()).isTrue();
            assertThat(replayed.outcome()).isEqualTo(recorded.outcome());
            assertThat(replayed.verdictCode()).isEqualTo(recorded.verdictCode());
            assertThat(replayed.injection().orElseThrow().changes())
                    .as("the exact bytes the injection changed").isEqualTo(recorded.injection().orElseThrow().changes());
            assertThat(replayed.messages()).anyMatch(m -> m.startsWith("HMC: load 0.0.0190"));
        }
    }

    @Test
    void theDrawDependsOnSeedAndIndexOnly() {
        List<Corruption> kinds = CorruptionCatalogue.kinds();
        SplittableRandom rnd = new SplittableRandom(8);
        for (int k = 0; k < 50; k++) {
            long seed = rnd.nextLong();
            int index = rnd.nextInt(100_000);
            Scenario a = Scenario.draw(seed, index, kinds, 64L << 20);
            Scenario b = Scenario.draw(seed, index, kinds, 64L << 20);
            assertThat(a).as("seed %d index %d", seed, index).isEqualTo(b);
            assertThat(Scenario.parse(a.id())).as("seed %d index %d", seed, index)
                    .isEqualTo(new Scenario(0, a.storageSize(), a.kind(), a.seed()));
        }
        Campaign c = Campaign.defaults(dir).withRuns(30).withSeed(3);
        assertThat(c.withParallel(1).scenarios()).isEqualTo(c.withParallel(2).scenarios());
        assertThat(c.withSeed(4).scenarios()).isNotEqualTo(c.scenarios());
    }

    @Test
    void aBadIdSaysWhatIsWrong() {
        assertThatThrownBy(() -> Scenario.parse("64M:segment-bitflip-kernel")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("SIZE:KIND:SEED");
        assertThatThrownBy(() -> Scenario.parse("64M:no-such-kind:12")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown injection kind 'no-such-kind'");
        assertThatThrownBy(() -> Scenario.parse("64M:segment-bitflip-kernel:xyz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 1 to 16 hex digits");
        assertThat(Scenario.parse("64M:segment-bitflip-kernel:ffffffffffffffff").seed()).isEqualTo(-1L);
    }
}
