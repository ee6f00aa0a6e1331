package io.sadump.campaign;

import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A campaign's results as one self-contained HTML page: inline CSS, an inline SVG chart of the outcomes per
 * kind (expected green, unexpected red), the kind x outcome table, the rates, and every unexpected scenario
 * with its ID for {@code sadump campaign --replay}. No scripts, no external resources, so it opens anywhere,
 * also from a CI artifact.
 */
public final class CampaignHtmlReport {
    static final int CHART_WIDTH = 960;
    static final int LABEL_WIDTH = 300;
    static final int ROW_HEIGHT = 22;

    private CampaignHtmlReport() {}

    /** Writes the page to {@code file} (UTF-8). */
    public static void write(CampaignResult r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    /** The page. */
    public static String render(CampaignResult r) {
        Campaign c = r.campaign();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>sadump campaign: ").append(r.expected()).append(" of ").append(r.scenarios())
                .append(" as expected</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        boolean ok = r.allExpected();
        h.append("<h1>sadump corruption-injection campaign</h1>\n");
        h.append("<p class=\"verdict ").append(ok ? "ok" : "bad").append("\" id=\"verdict\">")
                .append(ok ? "Every scenario ended as the catalogue promises."
                        : r.unexpected().size() + " scenario" + (r.unexpected().size() == 1 ? "" : "s")
                                + " did NOT end as the catalogue promises.")
                .append("</p>\n");
        h.append("<dl class=\"summary\">\n");
        item(h, "scenarios", "Scenarios", Integer.toString(r.scenarios()));
        item(h, "expected", "Expected", Integer.toString(r.expected()));
        item(h, "unexpected", "Unexpected", Integer.toString(r.unexpected().size()));
        item(h, "detection-rate", "Detection rate on checksummed data", percent(r.detectionRatePercent())
                + " (" + r.detected() + " of " + r.damagingScenarios() + ")");
        item(h, "false-fallback-rate", "False-fallback rate on controls", percent(r.falseFallbackRatePercent())
                + " (" + r.falseFallbacks() + " of " + r.controlScenarios() + ")");
        item(h, "setup", "Setup", "seed " + c.seed() + ", " + Sizes.format(c.storageSize()) + " systems, "
                + c.kinds().size() + " kinds");
        item(h, "core-collector", "Core collector", c.coreCollector().commandLine());
        h.append("</dl>\n");

        h.append("<h2>Outcomes per kind</h2>\n");
        chart(h, r.table());

        h.append("<h2>Kind \u00d7 outcome</h2>\n<table id=\"outcomes\">\n<thead><tr><th>kind</th><th>promised</th>")
                .append("<th class=\"num\">scenarios</th><th class=\"num\">expected</th>")
                .append("<th class=\"num\">unexpected</th><th>outcomes seen</th></tr></thead>\n<tbody>\n");
        for (CampaignResult.KindRow row : r.table()) {
            h.append("<tr class=\"").append(row.unexpected() == 0 ? "ok" : "bad").append("\" data-kind=\"")
                    .append(esc(row.kind().kindName())).append("\"><td class=\"kind\">")
                    .append(esc(row.kind().kindName())).append("</td><td>").append(esc(row.kind().expectedText()))
                    .append("</td><td class=\"num\">").append(row.scenarios()).append("</td><td class=\"num\">")
                    .append(row.expected()).append("</td><td class=\"num\">").append(row.unexpected())
                    .append("</td><td>").append(esc(outcomes(row.outcomes()))).append("</td></tr>\n");
        }
        h.append("</tbody>\n<tfoot><tr><th>total</th><th></th><td class=\"num\">").append(r.scenarios())
                .append("</td><td class=\"num\">").append(r.expected()).append("</td><td class=\"num\">")
                .append(r.unexpected().size()).append("</td><td></td></tr></tfoot>\n</table>\n");

        h.append("<h2>Unexpected outcomes</h2>\n");
        if (r.unexpected().isEmpty()) {
            h.append("<p id=\"no-unexpected\">None.</p>\n");
        } else {
            h.append("<ol id=\"unexpected-list\">\n");
            for (ScenarioResult u : r.unexpected()) {
                h.append("<li><code class=\"id\">").append(esc(u.scenario().id())).append("</code> (scenario ")
                        .append(u.scenario().index()).append(", ").append(esc(u.outcome())).append(")<br>")
                        .append("replay: <code>sadump campaign --replay ").append(esc(u.scenario().id()))
                        .append("</code><ul>");
                for (String p : u.problems()) {
                    h.append("<li>").append(esc(p)).append("</li>");
                }
                h.append("</ul>");
                u.injection().ifPresent(i -> h.append("<pre>").append(esc(i.toString())).append("</pre>"));
                h.append("</li>\n");
            }
            h.append("</ol>\n");
        }
        appendix(h, r);
        h.append("<footer>sadump campaign, seed ").append(c.seed()).append("</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    /** Where the page stops being a function of the campaign alone: timing and placement. */
    public static final String APPENDIX_MARK = "<h2 id=\"appendix\">";

    /** How fast, where each scenario ran, which ran again: differs from run to run, so kept apart. */
    private static void appendix(StringBuilder h, CampaignResult r) {
        h.append(APPENDIX_MARK).append("Appendix: where and how fast it ran</h2>\n<dl class=\"summary\">\n");
        item(h, "throughput", "Scenarios per second", String.format(Locale.ROOT, "%.1f", r.scenariosPerSecond()));
        item(h, "elapsed", "Elapsed", String.format(Locale.ROOT, "%.1f s for %d scenarios", r.elapsed().toMillis()
                / 1000.0, r.ran()));
        item(h, "resumed", "Read back from an earlier run", Integer.toString(r.resumed()));
        h.append("</dl>\n<table id=\"workers\">\n<thead><tr><th>worker</th><th class=\"num\">scenarios</th>")
                .append("</tr></thead>\n<tbody>\n");
        r.perWorker().forEach((w, n) -> h.append("<tr><td>").append(esc(w)).append("</td><td class=\"num\">")
                .append(n).append("</td></tr>\n"));
        h.append("</tbody>\n</table>\n");
        List<ScenarioResult> retried = r.retried();
        h.append("<p id=\"retried\">").append(retried.size()).append(" scenario").append(retried.size() == 1 ? "" : "s")
                .append(" ran again because their worker left the cluster").append(retried.isEmpty() ? "." : ":")
                .append("</p>\n");
        if (!retried.isEmpty()) {
            h.append("<ul id=\"retried-list\">\n");
            for (int i = 0; i < r.results().size(); i++) {
                Placement p = r.placements().get(i);
                if (p.retried()) {
                    h.append("<li><code>").append(esc(r.results().get(i).scenario().id())).append("</code> (scenario ")
                            .append(i).append("), attempt ").append(p.attempt()).append(" on ").append(esc(p.worker()))
                            .append("</li>\n");
                }
            }
            h.append("</ul>\n");
        }
    }

    private static void chart(StringBuilder h, List<CampaignResult.KindRow> rows) {
        int max = rows.stream().mapToInt(CampaignResult.KindRow::scenarios).max().orElse(1);
        int barSpace = CHART_WIDTH - LABEL_WIDTH - 60;
        int height = rows.size() * ROW_HEIGHT + 40;
        h.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(CHART_WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"outcomes per kind\">\n");
        h.append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"4\" width=\"12\" height=\"12\" class=\"exp\"/>")
                .append("<text x=\"").append(LABEL_WIDTH + 16).append("\" y=\"14\">expected</text>")
                .append("<rect x=\"").append(LABEL_WIDTH + 100).append("\" y=\"4\" width=\"12\" height=\"12\" ")
                .append("class=\"unexp\"/><text x=\"").append(LABEL_WIDTH + 116)
                .append("\" y=\"14\">unexpected</text>\n");
        int y = 28;
        for (CampaignResult.KindRow row : rows) {
            int we = (int) Math.round((double) barSpace * row.expected() / max);
            int wu = (int) Math.round((double) barSpace * row.unexpected() / max);
            if (row.unexpected() > 0 && wu < 3) {
                wu = 3;
            }
            h.append("<text x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + 14)
                    .append("\" text-anchor=\"end\">").append(esc(row.kind().kindName())).append("</text>");
            h.append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 2).append("\" width=\"")
                    .append(we).append("\" height=\"").append(ROW_HEIGHT - 6).append("\" class=\"exp\"><title>")
                    .append(row.expected()).append(" expected</title></rect>");
            if (wu > 0) {
                h.append("<rect x=\"").append(LABEL_WIDTH + we).append("\" y=\"").append(y + 2).append("\" width=\"")
                        .append(wu).append("\" height=\"").append(ROW_HEIGHT - 6).append("\" class=\"unexp\"><title>")
                        .append(row.unexpected()).append(" unexpected</title></rect>");
            }
            h.append("<text x=\"").append(LABEL_WIDTH + we + wu + 6).append("\" y=\"").append(y + 14).append("\">")
                    .append(row.expected()).append(row.unexpected() > 0 ? " + " + row.unexpected() + " unexpected" : "")
                    .append("</text>\n");
            y += ROW_HEIGHT;
        }
        h.append("</svg>\n");
    }

    private static void item(StringBuilder h, String id, String label, String value) {
        h.append("<div><dt>").append(esc(label)).append("</dt><dd id=\"").append(id).append("\">").append(esc(value))
                .append("</dd></div>\n");
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String outcomes(Map<String, Integer> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " \u00d7" + e.getValue()).collect(Collectors.joining(", "));
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1000px;
                   color: #1d2433; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: .3em; }
            h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #d5d9e0; padding-bottom: .2em; }
            .verdict { font-size: 1.15em; font-weight: 600; padding: .5em .8em; border-radius: 6px; }
            .verdict.ok { background: #e3f5e8; color: #14532d; }
            .verdict.bad { background: #fde5e5; color: #7f1d1d; }
            dl.summary { display: grid; grid-template-columns: repeat(3, 1fr); gap: .6em; }
            dl.summary div { background: #f4f6f9; border-radius: 6px; padding: .5em .8em; }
            dt { font-size: .85em; color: #5b6475; }
            dd { margin: 0; font-size: 1.3em; font-weight: 600; }
            dd#setup { font-size: .95em; font-weight: 500; }
            table { border-collapse: collapse; width: 100%; font-size: .92em; }
            th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e4e7ec; }
            .num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.bad td { background: #fde5e5; }
            tfoot th, tfoot td { font-weight: 700; border-top: 2px solid #1d2433; }
            svg text { font: 12px system-ui, sans-serif; fill: #1d2433; }
            rect.exp { fill: #2f9e55; }
            rect.unexp { fill: #d93636; }
            code, pre { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; }
            pre { background: #f4f6f9; padding: .5em; overflow-x: auto; }
            footer { margin-top: 2em; color: #5b6475; font-size: .85em; }
            """;
}
