package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign reuses one machine per worker, put back to the template between scenarios by what the last
 * scenario wrote; each scenario must end exactly as it does on a fresh copy of the template.
 */
class RestoredMachineOutcomeTest {
    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    @Test
    void theSameSeedEndsTheSameOnRestoredMachinesAsOnFreshCopies() throws IOException {
        long seed = 4242;
        Campaign c = Campaign.defaults(dir).withRuns(40).withSeed(seed).withParallel(2);
        CampaignResult reused = c.run(n -> {});

        ScenarioRunner runner = new ScenarioRunner(CampaignTemplate.ensure(dir, c.storageSize()));
        List<ScenarioResult> results = reused.results();
        assertThat(results).hasSize(40);
        for (ScenarioResult r : results) {
            Path fresh = dir.resolve("fresh-" + r.scenario().index());
            ScenarioResult f = runner.run(r.scenario(), fresh);
            CampaignTemplate.deleteTree(fresh);
            assertThat(outcome(r)).as("scenario %s of seed %d", r.scenario().id(), seed).isEqualTo(outcome(f));
            assertThat(injected(r)).as(r.scenario().id()).isEqualTo(injected(f));
        }
    }

    /** What the injector changed, byte for byte. */
    private static List<String> injected(ScenarioResult r) {
        return r.injection().map(i -> i.changes().stream().map(c -> Long.toHexString(c.address()) + ":"
                + HexFormat.of().formatHex(c.before()) + ">" + HexFormat.of().formatHex(c.after())).toList())
                .orElse(List.of());
    }

    private static List<Object> outcome(ScenarioResult r) {
        // the vmcore's path names the machine directory and the time: the rest of every line must be equal
        List<String> lines = r.messages().stream().map(m -> m.replaceAll("vmcore to .*", "vmcore to ...")).toList();
        return List.of(r.outcome(), r.verdictCode(), r.fellBack(), r.problems(), lines);
    }
}
