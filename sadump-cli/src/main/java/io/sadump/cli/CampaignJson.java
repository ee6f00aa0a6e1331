package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.Placement;
import io.sadump.campaign.Scenario;
import io.sadump.campaign.ScenarioResult;
import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.CoreCollector;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code sadump campaign --json}: a campaign's numbers, table and unexpected scenarios as one JSON
 * object, and one scenario (a replay) as another; the keys are what scripts read.
 */
final class CampaignJson {
    private CampaignJson() {}

    static void print(PrintWriter out, CampaignResult r) {
        Campaign c = r.campaign();
        JsonWriter j = new JsonWriter(out);
        j.beginObject();
        j.field("seed", c.seed()).field("storage", c.storageSize());
        coreCollector(j, c.coreCollector());
        j.name("kinds").beginArray();
        for (Corruption k : c.kinds()) {
            j.value(k.kindName());
        }
        j.endArray();
        j.field("scenarios", r.scenarios()).field("expected", r.expected()).field("unexpected", r.unexpected().size());
        j.field("damaging_scenarios", r.damagingScenarios()).field("detected", r.detected());
        j.name("detection_rate_percent").value(r.detectionRatePercent());
        j.field("control_scenarios", r.controlScenarios()).field("false_fallbacks", r.falseFallbacks());
        j.name("false_fallback_rate_percent").value(r.falseFallbackRatePercent());
        j.name("table").beginArray();
        for (CampaignResult.KindRow row : r.table()) {
            j.beginObject().field("kind", row.kind().kindName()).field("promised", row.kind().expectedText())
                    .field("scenarios", row.scenarios()).field("expected", row.expected())
                    .field("unexpected", row.unexpected());
            j.name("outcomes").beginObject();
            for (Map.Entry<String, Integer> e : row.outcomes().entrySet()) {
                j.field(e.getKey(), e.getValue());
            }
            j.endObject().endObject();
        }
        j.endArray();
        j.name("unexpected_scenarios").beginArray();
        for (ScenarioResult u : r.unexpected()) {
            j.beginObject();
            scenario(j, u, false);
            j.endObject();
        }
        j.endArray();
        run(j, r);
        j.endObject();
        j.finish();
    }

    /**
     * {@code run}: everything that differs between two runs of the same campaign (speed, workers, retries); the
     * rest of the object depends on the seed, the runs and the options alone.
     */
    private static void run(JsonWriter j, CampaignResult r) {
        j.name("run").beginObject();
        j.field("parallel", r.campaign().parallel()).field("ran", r.ran()).field("resumed", r.resumed());
        j.name("elapsed_seconds").value(r.elapsed().toMillis() / 1000.0);
        j.name("scenarios_per_second").value(r.scenariosPerSecond());
        j.name("template_build_seconds").value(r.templateBuild().toMillis() / 1000.0);
        j.name("workers").beginArray();
        for (Map.Entry<String, Integer> e : r.perWorker().entrySet()) {
            j.beginObject().field("worker", e.getKey()).field("scenarios", e.getValue()).endObject();
        }
        j.endArray();
        j.name("retried").beginArray();
        for (int i = 0; i < r.results().size(); i++) {
            Placement p = r.placements().get(i);
            if (p.retried()) {
                j.beginObject().field("index", i).field("id", r.results().get(i).scenario().id())
                        .field("attempt", p.attempt()).field("worker", p.worker()).field("host", p.host())
                        .field("pid", p.pid()).endObject();
            }
        }
        j.endArray();
        j.endObject();
    }

    /** The kdump kernel's core collector: its command line, and makedumpfile's level and compression. */
    private static void coreCollector(JsonWriter j, CoreCollector c) {
        j.name("core_collector").beginObject().field("command", c.commandLine()).field("filters", c.filters());
        if (c.filters()) {
            j.field("dump_level", c.dumpLevel()).field("compression", c.compression().word());
        }
        j.endObject();
    }

    /** One replayed scenario, with the console messages. */
    static void printReplay(PrintWriter out, ScenarioResult r, CoreCollector collector) {
        JsonWriter j = new JsonWriter(out);
        j.beginObject();
        coreCollector(j, collector);
        scenario(j, r, true);
        j.endObject();
        j.finish();
    }

    private static void scenario(JsonWriter j, ScenarioResult r, boolean withMessages) {
        Scenario s = r.scenario();
        j.field("id", s.id()).field("index", s.index()).field("kind", s.kind().kindName())
                .field("injection_seed", s.seed()).field("promised", s.kind().expectedText())
                .field("outcome", r.outcome()).field("verdict_code", r.verdictCode())
                .field("expected", r.expected());
        j.name("problems").beginArray();
        for (String p : r.problems()) {
            j.value(p);
        }
        j.endArray();
        if (r.injection().isPresent()) {
            InjectionReport i = r.injection().get();
            j.name("injection").beginObject().field("description", i.description());
            j.name("changes").beginArray();
            for (ByteChange ch : i.changes()) {
                j.beginObject().field("address", ch.address()).field("before", ch.beforeHex())
                        .field("after", ch.afterHex()).endObject();
            }
            j.endArray().endObject();
        } else {
            j.name("injection").nullValue();
        }
        if (withMessages) {
            j.name("messages").beginArray();
            for (String m : r.messages()) {
                j.value(m);
            }
            j.endArray();
        }
    }
}
