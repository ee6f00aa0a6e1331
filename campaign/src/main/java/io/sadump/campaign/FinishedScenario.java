package io.sadump.campaign;

import java.util.Objects;

/** A scenario's result and where it ran: one line of a results file, one answer of a worker. */
public record FinishedScenario(ScenarioResult result, Placement placement) {
    public FinishedScenario {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(placement, "placement");
    }

    public int index() {
        return result.scenario().index();
    }
}
