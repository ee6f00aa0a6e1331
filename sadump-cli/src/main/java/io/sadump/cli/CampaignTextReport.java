package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.Placement;
import io.sadump.campaign.ScenarioResult;
import io.sadump.fixtures.ByteChange;
import io.sadump.machine.Sizes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text a person reads after {@code sadump campaign}: the kind x outcome table, the detection and
 * false-fallback rates, the throughput, and every unexpected scenario with what to replay.
 */
final class CampaignTextReport {
    private CampaignTextReport() {}

    /** @param campaignDir where the machines of unexpected scenarios are kept */
    static void print(PrintWriter out, CampaignResult r, Path campaignDir) {
        Campaign c = r.campaign();
        out.printf("Campaign: %d scenarios, seed %d, %s systems, %d kinds%n", r.scenarios(), c.seed(),
                Sizes.format(c.storageSize()), c.kinds().size());
        out.println("Core collector: " + c.coreCollector().commandLine() + (c.coreCollector().filters()
                ? " (kdump-compressed vmcore, read back page by page against dump level "
                        + c.coreCollector().dumpLevel() + ")"
                : " (the whole ELF vmcore, read back MiB by MiB)"));
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
        if (r.unexpected().isEmpty()) {
            out.println("Every scenario ended as the catalogue promises.");
        } else {
            out.println();
            unexpected(out, r);
        }
        appendix(out, r, campaignDir);
    }

    private static void unexpected(PrintWriter out, CampaignResult r) {
        Campaign c = r.campaign();
        out.printf("%d UNEXPECTED outcome%s (replay one with 'sadump campaign --replay ID%s'):%n",
                r.unexpected().size(), r.unexpected().size() == 1 ? "" : "s", c.coreCollector().filters()
                        ? " --core-collector \"" + c.coreCollector().commandLine() + "\"" : "");
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
        }
    }

    /**
     * Everything that differs between two runs of the same campaign (speed, workers, retries, kept machines),
     * after the part that depends on the campaign alone.
     */
    private static void appendix(PrintWriter out, CampaignResult r, Path campaignDir) {
        Campaign c = r.campaign();
        boolean cluster = r.placements().stream().anyMatch(p -> !p.resumed() && !p.worker().equals(Placement.LOCAL));
        out.println();
        out.println("Run (where and how fast; not part of the outcome):");
        int workers = r.perWorker().size();
        out.printf("  Throughput: %.1f scenarios/s (%d in %.1f s on %s)%s%n", r.scenariosPerSecond(), r.ran(),
                r.elapsed().toMillis() / 1000.0, cluster ? workers + (workers == 1 ? " worker" : " workers")
                        : c.parallel() + " parallel", r.templateBuild().isZero() ? "; template cached"
                        : String.format("; template built in %.1f s", r.templateBuild().toMillis() / 1000.0));
        if (r.resumed() > 0) {
            out.printf("  Resumed: %d scenarios read back from the results of an earlier run%n", r.resumed());
        }
        if (cluster) {
            r.perWorker().forEach((w, n) -> out.printf("  Worker %s: %d scenarios%n", w, n));
        }
        List<ScenarioResult> retried = r.retried();
        if (!retried.isEmpty()) {
            out.printf("  Retried (their worker left the cluster): %d%n", retried.size());
            for (int i = 0; i < r.results().size(); i++) {
                Placement p = r.placements().get(i);
                if (p.retried()) {
                    out.printf("    %s  (scenario %d: attempt %d on %s)%n", r.results().get(i).scenario().id(), i,
                            p.attempt(), p.worker());
                }
            }
        }
        for (ScenarioResult u : r.unexpected()) {
            Path kept = Campaign.keptMachine(campaignDir, u.scenario());
            if (Files.isDirectory(kept)) {
                out.println("  Machine of " + u.scenario().id() + " kept in " + kept);
            }
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
