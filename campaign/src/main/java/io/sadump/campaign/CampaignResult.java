package io.sadump.campaign;

import io.sadump.fixtures.Corruption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results of a campaign, and the numbers a person or a script looks at: per kind, how many scenarios
 * ended as the catalogue promises and how many did not; the detection rate on checksummed data (damaging
 * kinds whose verdict failed; must be 100%); the false-fallback rate on the controls (controls whose
 * verdict failed; must be 0%); and scenarios per second.
 *
 * @param elapsed wall time of the scenarios (without building the template)
 * @param templateBuild time spent building the template; zero when it was cached
 * @param placements where each scenario ran, in the order of {@code results}: the report's appendix, never its
 *     body
 */
public record CampaignResult(Campaign campaign, List<ScenarioResult> results, Duration elapsed,
        Duration templateBuild, List<Placement> placements) {
    public CampaignResult {
        results = List.copyOf(results);
        placements = List.copyOf(placements);
        if (placements.size() != results.size()) {
            throw new IllegalArgumentException(results.size() + " results but " + placements.size() + " placements");
        }
    }

    /** A campaign that ran in this process, every scenario at its first attempt. */
    public CampaignResult(Campaign campaign, List<ScenarioResult> results, Duration elapsed, Duration templateBuild) {
        this(campaign, results, elapsed, templateBuild,
                java.util.Collections.nCopies(results.size(), Placement.here(Placement.LOCAL, 1)));
    }

    /** The result of {@code finished}, which must hold every scenario of {@code campaign} in index order. */
    public static CampaignResult of(Campaign campaign, List<FinishedScenario> finished, Duration elapsed,
            Duration templateBuild) {
        for (int i = 0; i < finished.size(); i++) {
            if (finished.get(i) == null || finished.get(i).index() != i) {
                throw new IllegalStateException("scenario " + i + " of the campaign has no result");
            }
        }
        return new CampaignResult(campaign, finished.stream().map(FinishedScenario::result).toList(), elapsed,
                templateBuild, finished.stream().map(FinishedScenario::placement).toList());
    }

    /** Scenarios this run ran (not read back from an earlier driver's results). */
    public int ran() {
        return (int) placements.stream().filter(p -> !p.resumed()).count();
    }

    /** Scenarios read back from an earlier driver's results file. */
    public int resumed() {
        return results.size() - ran();
    }

    /** Scenarios that ran again because the worker that had them left the cluster. */
    public List<ScenarioResult> retried() {
        List<ScenarioResult> list = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (placements.get(i).retried()) {
                list.add(results.get(i));
            }
        }
        return list;
    }

    /** Per worker (in order of name), how many scenarios it ran in this run. */
    public Map<String, Integer> perWorker() {
        Map<String, Integer> m = new TreeMap<>();
        for (Placement p : placements) {
            if (!p.resumed()) {
                m.merge(p.worker() + " (" + p.host() + ", pid " + p.pid() + ")", 1, Integer::sum);
            }
        }
        return m;
    }

    /** One row of the table: a kind and how its scenarios ended. */
    public record KindRow(Corruption kind, int scenarios, int expected, int unexpected, Map<String, Integer> outcomes) {
        public KindRow {
            outcomes = java.util.Collections.unmodifiableMap(new TreeMap<>(outcomes));
        }
    }

    /** The kinds that ran, in catalogue order. */
    public List<KindRow> table() {
        Map<Corruption, List<ScenarioResult>> byKind = new TreeMap<>();
        for (ScenarioResult r : results) {
            byKind.computeIfAbsent(r.scenario().kind(), k -> new ArrayList<>()).add(r);
        }
        List<KindRow> rows = new ArrayList<>();
        for (Map.Entry<Corruption, List<ScenarioResult>> e : byKind.entrySet()) {
            int expected = (int) e.getValue().stream().filter(ScenarioResult::expected).count();
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            for (ScenarioResult r : e.getValue()) {
                outcomes.merge(r.outcome(), 1, Integer::sum);
            }
            rows.add(new KindRow(e.getKey(), e.getValue().size(), expected, e.getValue().size() - expected, outcomes));
        }
        return rows;
    }

    public int scenarios() {
        return results.size();
    }

    public int expected() {
        return (int) results.stream().filter(ScenarioResult::expected).count();
    }

    public List<ScenarioResult> unexpected() {
        return results.stream().filter(r -> !r.expected()).toList();
    }

    /** Scenarios with a damaging kind (data a checksum covers). */
    public int damagingScenarios() {
        return (int) results.stream().filter(r -> !r.scenario().kind().isControl()).count();
    }

    /** Damaging scenarios whose verdict failed, so the fallback ran. */
    public int detected() {
        return (int) results.stream().filter(r -> !r.scenario().kind().isControl() && r.fellBack()).count();
    }

    public int controlScenarios() {
        return (int) results.stream().filter(r -> r.scenario().kind().isControl()).count();
    }

    /** Control scenarios whose verdict failed. */
    public int falseFallbacks() {
        return (int) results.stream().filter(r -> r.scenario().kind().isControl() && r.fellBack()).count();
    }

    /** detected / damaging, in percent; 100 when there were no damaging scenarios. */
    public double detectionRatePercent() {
        return damagingScenarios() == 0 ? 100.0 : 100.0 * detected() / damagingScenarios();
    }

    /** falseFallbacks / controls, in percent; 0 when there were no controls. */
    public double falseFallbackRatePercent() {
        return controlScenarios() == 0 ? 0.0 : 100.0 * falseFallbacks() / controlScenarios();
    }

    public double scenariosPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : ran() / s;
    }

    /** True when every scenario ended as promised (the campaign's exit status 0). */
    public boolean allExpected() {
        return unexpected().isEmpty();
    }
}
