package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignHtmlReport;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.Scenario;
import io.sadump.campaign.ScenarioResult;
import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump campaign}: corruption-injection campaigns over the HMC load path. */
@Command(
        name = "campaign",
        header = "Run a corruption-injection campaign over the HMC load path.",
        mixinStandardHelpOptions = true,
        description = {
            "Run a corruption-injection campaign: N scenarios, each a fresh copy of a production system (built",
            "once per storage size and cached in DIR/templates), one injection from the catalogue ('sadump",
            "inject --list') with kind, location and bit drawn from the seed, then the HMC load of the dump DASD",
            "with store status. Each scenario checks that the verdict is the one the catalogue promises (the",
            "fallback with its code; kdump for the controls), that the dump reads back equal to storage at dump",
            "time (per-MiB CRC-32C), and that nothing else on disk changed. Prints the kind x outcome table, the",
            "detection rate on checksummed data (must be 100%), the false-fallback rate on the controls (must be",
            "0%), scenarios per second, and the ID of every unexpected scenario for --replay.",
            "Exit status 0 when every scenario ended as promised, 1 otherwise.",
        },
        footer = {
            "",
            "DIR defaults to /dev/shm/sadump-campaign when /dev/shm exists (memory: no disk I/O, no fsync cost),",
            "else <tmp>/sadump-campaign. The machines of up to 5 unexpected scenarios are kept in DIR/kept.",
            "",
            "Examples:",
            "  sadump campaign --runs 500 --seed 7",
            "  sadump campaign --kinds segment-bitflip-kernel,control-user-page --runs 50 --json",
            "  sadump campaign --runs 1000 --parallel 2 --report campaign.html",
            "  sadump campaign --replay 64M:segment-bitflip-kernel:5c1e0f6b2a9d4e31",
        })
public final class CampaignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Campaign directory: cached templates, scenario scratch space, kept machines.")
    Path dir;

    @Option(names = "--runs", paramLabel = "N", description = "Scenarios to run (default ${DEFAULT-VALUE}).")
    int runs = Campaign.DEFAULT_RUNS;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the draw (default ${DEFAULT-VALUE}); the same "
            + "seed runs the same scenarios.")
    long seed = Campaign.DEFAULT_SEED;

    @Option(names = "--kinds", paramLabel = "K", split = ",", description = "Injection kinds to draw from (default: "
            + "all; 'damaging' or 'controls' for those groups).")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--storage", paramLabel = "SIZE", description = "Storage of the systems (default 64M).")
    String storage = "64M";

    @Option(names = "--parallel", paramLabel = "P", description = "Scenarios run at once (default: the number of "
            + "cores).")
    Integer parallel;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML page "
            + "(table and chart of outcomes per kind).")
    Path report;

    @Option(names = "--replay", paramLabel = "ID", description = "Run one scenario again by its ID (as printed for "
            + "an unexpected outcome) and show the injection, the console and the checks.")
    String replay;

    @Override
    public Integer call() throws IOException {
        Path campaignDir = dir != null ? dir : defaultDir();
        PrintWriter out = spec.commandLine().getOut();
        if (replay != null) {
            if (report != null) {
                throw new UsageException("--report is for a campaign, not for --replay");
            }
            return replay(campaignDir, Scenario.parse(replay), out);
        }
        if (runs < 1) {
            throw new UsageException("--runs must be at least 1, not " + runs);
        }
        int p = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
        if (p < 1) {
            throw new UsageException("--parallel must be at least 1, not " + p);
        }
        Campaign c = Campaign.defaults(campaignDir).withRuns(runs).withSeed(seed).withKinds(parseKinds(kinds))
                .withStorage(Sizes.parse(storage)).withParallel(p);
        PrintWriter err = spec.commandLine().getErr();
        boolean bar = !json && ConsoleProgress.terminalAttached();
        CampaignResult r = c.run(n -> {
            if (bar && (n % 10 == 0 || n == runs)) {
                synchronized (err) {
                    err.printf("\r%d / %d scenarios", n, runs);
                    err.flush();
                }
            }
        });
        if (bar) {
            err.print("\r" + " ".repeat(40) + "\r");
            err.flush();
        }
        if (report != null) {
            CampaignHtmlReport.write(r, report);
        }
        if (json) {
            json(out, r);
        } else {
            text(out, r, campaignDir);
        }
        out.flush();
        return r.allExpected() ? 0 : 1;
    }

    static Path defaultDir() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve("sadump-campaign");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sadump-campaign");
    }

    static List<Corruption> parseKinds(List<String> names) {
        if (names.isEmpty()) {
            return CorruptionCatalogue.kinds();
        }
        List<Corruption> list = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT);
            List<Corruption> add = switch (k) {
                case "all" -> CorruptionCatalogue.kinds();
                case "damaging" -> CorruptionCatalogue.damaging();
                case "controls" -> CorruptionCatalogue.controls();
                default -> List.of(Corruption.byName(k));
            };
            for (Corruption c : add) {
                if (!list.contains(c)) {
                    list.add(c);
                }
            }
        }
        return list;
    }

    private static void text(PrintWriter out, CampaignResult r, Path campaignDir) {
        Campaign c = r.campaign();
        out.printf("Campaign: %d scenarios, seed %d, %s systems, %d kinds, %d parallel%n", r.scenarios(), c.seed(),
                Sizes.format(c.storageSize()), c.kinds().size(), c.parallel());
        out.println();
        int w = Math.max(4, r.table().stream().mapToInt(k -> k.kind().kindName().length()).max().orElse(4));
        out.printf("%-" + w + "s  %-36s %5s %5s %5s  %s%n", "KIND", "PROMISED", "RUNS", "EXP", "UNEXP", "OUTCOMES");
        for (CampaignResult.KindRow row : r.table()) {
            out.printf("%-" + w + "s  %-36s %5d %5d %5d  %s%n", row.kind().kindName(), row.kind().expectedText(),
                    row.scenarios(), row.expected(), row.unexpected(), outcomes(row.outcomes()));
        }
        out.printf("%-" + w + "s  %-36s %5d %5d %5d%n", "total", "", r.scenarios(), r.expected(),
                r.unexpected().size());
        out.println();
        out.printf("Detection rate on checksummed data: %s (%d of %d fell back)%s%n",
                pct(r.detectionRatePercent()), r.detected(), r.damagingScenarios(),
                r.detected() == r.damagingScenarios() ? "" : "  MUST BE 100%");
        out.printf("False-fallback rate on controls:    %s (%d of %d)%s%n", pct(r.falseFallbackRatePercent()),
                r.falseFallbacks(), r.controlScenarios(), r.falseFallbacks() == 0 ? "" : "  MUST BE 0%");
        out.printf("Throughput: %.1f scenarios/s (%d in %.1f s on %d parallel)%s%n", r.scenariosPerSecond(),
                r.scenarios(), r.elapsed().toMillis() / 1000.0, c.parallel(), r.templateBuild().isZero()
                        ? "; template cached"
                        : String.format("; template built in %.1f s", r.templateBuild().toMillis() / 1000.0));
        if (r.unexpected().isEmpty()) {
            out.println("Every scenario ended as the catalogue promises.");
            return;
        }
        out.println();
        out.printf("%d UNEXPECTED outcome%s (replay one with 'sadump campaign --replay ID'):%n",
                r.unexpected().size(), r.unexpected().size() == 1 ? "" : "s");
        for (ScenarioResult u : r.unexpected()) {
            out.printf("  %s  (scenario %d, seed %d: %s)%n", u.scenario().id(), u.scenario().index(), c.seed(),
                    u.outcome());
            for (String p : u.problems()) {
                out.println("      " + p);
            }
            u.injection().ifPresent(i -> {
                out.println("      injection: " + i.description());
                for (ByteChange ch : i.changes()) {
                    out.println("        " + ch);
                }
            });
            Path kept = Campaign.keptMachine(campaignDir, u.scenario());
            if (Files.isDirectory(kept)) {
                out.println("      machine kept in " + kept);
            }
        }
    }

    private int replay(Path campaignDir, Scenario s, PrintWriter out) throws IOException {
        ScenarioResult r = Campaign.replay(campaignDir, s);
        if (json) {
            JsonWriter j = new JsonWriter(out);
            j.beginObject();
            scenarioJson(j, r, true);
            j.endObject();
            j.finish();
            return r.expected() ? 0 : 1;
        }
        out.printf("Scenario %s: %s, injection seed %d, %s system%n", s.id(), s.kind().kindName(), s.seed(),
                Sizes.format(s.storageSize()));
        out.println("Promised: " + s.kind().expectedText());
        r.injection().ifPresent(i -> {
            out.println("Injection: " + i.description());
            for (ByteChange ch : i.changes()) {
                out.println("  " + ch);
            }
        });
        out.println("Console:");
        for (String m : r.messages()) {
            out.println("  | " + m);
        }
        out.println("Outcome: " + r.outcome());
        if (r.expected()) {
            out.println("As promised: verdict, dump read back equal to storage, no other change on disk.");
        } else {
            out.println("UNEXPECTED:");
            for (String p : r.problems()) {
                out.println("  " + p);
            }
            Path kept = Campaign.keptMachine(campaignDir, s);
            if (Files.isDirectory(kept)) {
                out.println("The machine is kept in " + kept + " (try: sadump hmc " + kept + " messages)");
            }
        }
        out.flush();
        return r.expected() ? 0 : 1;
    }

    private static void json(PrintWriter out, CampaignResult r) {
        Campaign c = r.campaign();
        JsonWriter j = new JsonWriter(out);
        j.beginObject();
        j.field("seed", c.seed()).field("storage", c.storageSize()).field("parallel", c.parallel());
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
        j.name("elapsed_seconds").value(r.elapsed().toMillis() / 1000.0);
        j.name("scenarios_per_second").value(r.scenariosPerSecond());
        j.name("template_build_seconds").value(r.templateBuild().toMillis() / 1000.0);
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
            scenarioJson(j, u, false);
            j.endObject();
        }
        j.endArray();
        j.endObject();
        j.finish();
    }

    private static void scenarioJson(JsonWriter j, ScenarioResult r, boolean withMessages) {
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

    private static String outcomes(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(e.getKey()).append(" x").append(e.getValue());
        }
        return b.toString();
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }
}
