package io.sadump.campaign;

import io.sadump.fixtures.InjectionReport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scenario did and whether it was what the catalogue promises.
 *
 * @param injection exactly what was changed (empty when the injector itself refused)
 * @param outcome a short label: {@code kdump}, {@code fallback 0x4533}, {@code fallback 0x4533, dump failed
 *     0x4600}, {@code error}
 * @param verdictCode the verdict's code (0 on pass)
 * @param problems why the outcome is unexpected, one sentence each; empty when expected
 * @param messages the console lines of the load (kept for unexpected outcomes and replays)
 */
public record ScenarioResult(Scenario scenario, Optional<InjectionReport> injection, String outcome, int verdictCode,
        boolean fellBack, List<String> problems, List<String> messages, Duration duration) {
    public ScenarioResult {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(injection, "injection");
        Objects.requireNonNull(outcome, "outcome");
        problems = List.copyOf(problems);
        messages = List.copyOf(messages);
    }

    public boolean expected() {
        return problems.isEmpty();
    }
}
