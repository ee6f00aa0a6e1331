package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sadump.fixtures.Corruption;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opened in headless Chromium (Debian's {@code chromium}): a screenshot is taken, and the
 * page's text (its DOM as Chromium parsed it) is read back and compared with the campaign's table. Fails
 * when Chromium is missing and {@code -Dsadump.interop=required} (run-tests installs it); skips otherwise.
 */
class CampaignReportChromiumTest {
    static final int WIDTH = 1100;
    static final int HEIGHT = 1800;
    static final Pattern ROW = Pattern.compile("<tr class=\"(ok|bad)\" data-kind=\"([a-z0-9-]+)\"><td class=\"kind\">"
            + "([a-z0-9-]+)</td><td>([^<]*)</td><td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)</td>"
            + "<td class=\"num\">(\\d+)</td>");

    static String chromium;
    static CampaignResult result;

    @TempDir
    Path tmp;

    @BeforeAll
    static void campaign(@TempDir(factory = MemoryTempDir.class) Path dir) throws IOException {
        chromium = findChromium();
        result = Campaign.defaults(dir).withRuns(40).withSeed(99).withParallel(2).run(n -> {});
    }

    @Test
    void theReportShowsInChromiumWithTheCampaignsNumbers() throws Exception {
        Path html = tmp.resolve("report.html");
        CampaignHtmlReport.write(result, html);

        Path shot = tmp.resolve("shot.png");
        run(tmp, "--window-size=" + WIDTH + "," + HEIGHT, "--screenshot=" + shot, html.toUri().toString());
        byte[] png = Files.readAllBytes(shot);
        assertThat(png).as("a PNG screenshot").startsWith(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 8);
        assertThat(ihdr.getInt()).as("screenshot width").isEqualTo(WIDTH);
        assertThat(ihdr.getInt()).as("screenshot height").isEqualTo(HEIGHT);
        assertThat(png.length).as("a screenshot with content, not a blank page").isGreaterThan(20_000);

        String dom = run(tmp, "--dump-dom", html.toUri().toString());
        assertThat(dom).contains("sadump corruption-injection campaign");
        List<CampaignResult.KindRow> table = result.table();
        Matcher m = ROW.matcher(dom);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            CampaignResult.KindRow row = table.get(seen.size());
            assertThat(m.group(3)).isEqualTo(row.kind().kindName());
            assertThat(m.group(4)).isEqualTo(row.kind().expectedText());
            assertThat(Integer.parseInt(m.group(5))).as("scenarios of " + row.kind()).isEqualTo(row.scenarios());
            assertThat(Integer.parseInt(m.group(6))).as("expected of " + row.kind()).isEqualTo(row.expected());
            assertThat(Integer.parseInt(m.group(7))).as("unexpected of " + row.kind()).isEqualTo(row.unexpected());
            seen.add(m.group(3));
        }
        assertThat(seen).as("rows of the page's table").hasSize(table.size());
        assertThat(text(dom, "scenarios")).isEqualTo(Integer.toString(result.scenarios()));
        assertThat(text(dom, "expected")).isEqualTo(Integer.toString(result.expected()));
        assertThat(text(dom, "unexpected")).isEqualTo("0");
        assertThat(text(dom, "detection-rate")).isEqualTo(String.format(Locale.ROOT, "100.0%% (%d of %d)",
                result.detected(), result.damagingScenarios()));
        assertThat(text(dom, "false-fallback-rate")).isEqualTo(String.format(Locale.ROOT, "0.0%% (0 of %d)",
                result.controlScenarios()));
        assertThat(text(dom, "throughput")).isEqualTo(String.format(Locale.ROOT, "%.1f", result.scenariosPerSecond()));
        // one green bar per kind in the inline SVG chart, no red one
        assertThat(count(dom, "class=\"exp\"><title>")).isEqualTo(table.size());
        assertThat(count(dom, "class=\"unexp\"><title>")).isZero();
        // self-contained: the only URL on the page is the SVG namespace
        assertThat(dom.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://", "<script",
                "<link");
    }

    @Test
    void anUnexpectedScenarioIsListedWithItsReplayIdAndARedBar() throws Exception {
        List<ScenarioResult> results = new ArrayList<>(result.results());
        ScenarioResult first = results.get(0);
        results.set(0, new ScenarioResult(first.scenario(), first.injection(), first.outcome(), first.verdictCode(),
                first.fellBack(), List.of("the verdict failed at the wrong check: <a test>"), first.messages(),
                first.duration()));
        CampaignResult bad = new CampaignResult(result.campaign(), results, result.elapsed(), result.templateBuild());
        Path html = tmp.resolve("bad.html");
        CampaignHtmlReport.write(bad, html);

        String dom = run(tmp, "--dump-dom", html.toUri().toString());
        assertThat(text(dom, "unexpected")).isEqualTo("1");
        assertThat(dom).contains("sadump campaign --replay " + first.scenario().id())
                .contains("the verdict failed at the wrong check: &lt;a test&gt;")
                .contains("did NOT end as the catalogue promises");
        assertThat(count(dom, "class=\"unexp\"><title>")).isEqualTo(1);
        Corruption kind = first.scenario().kind();
        assertThat(dom).contains("<tr class=\"bad\" data-kind=\"" + kind.kindName() + "\">");
    }

    private static String text(String dom, String id) {
        Matcher m = Pattern.compile("<dd id=\"" + id + "\">([^<]*)</dd>").matcher(dom);
        assertThat(m.find()).as("the page has #" + id).isTrue();
        return m.group(1);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Runs headless Chromium with a new profile directory; returns its standard output. */
    private static String run(Path tmp, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile-");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "chromium-", ".out");
        Path err = Files.createTempFile(tmp, "chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit status; stderr: " + Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String findChromium() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        String message = "chromium is not installed (Debian package 'chromium'; run-tests installs it)";
        if ("required".equals(System.getProperty("sadump.interop"))) {
            fail(message + "; -Dsadump.interop=required makes this a failure");
        }
        assumeTrue(false, message);
        return null;
    }
}
