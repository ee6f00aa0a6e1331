package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignTest {
    static final long SEED = 20261125L;

    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    @Test
    void fiveHundredScenariosWithAFixedSeedEndAsTheCataloguePromises() throws IOException {
        Campaign c = Campaign.defaults(dir).withRuns(500).withSeed(SEED).withParallel(2);
        CampaignResult r = c.run(n -> {});

        assertThat(r.unexpected()).as("unexpected scenarios (replay with --replay ID)")
                .extracting(u -> u.scenario().id() + ": " + u.problems()).isEmpty();
        assertThat(r.scenarios()).isEqualTo(500);
        Set<Corruption> ran = r.results().stream().map(x -> x.scenario().kind())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Corruption.class)));
        assertThat(ran).as("every kind of the catalogue ran").containsExactlyInAnyOrderElementsOf(
                CorruptionCatalogue.kinds());
        assertThat(r.detectionRatePercent()).isEqualTo(100.0);
        assertThat(r.falseFallbackRatePercent()).isEqualTo(0.0);
        assertThat(r.damagingScenarios() + r.controlScenarios()).isEqualTo(500);
        assertThat(r.controlScenarios()).isPositive();
        System.out.printf("campaign: %d scenarios in %.1f s (%.1f/s), template %s%n", r.scenarios(),
                r.elapsed().toMillis() / 1000.0, r.scenariosPerSecond(), r.templateBuild());
    }
}
