package io.sadump.hmc.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sadump.hmc.security.AuditEntry;
import io.sadump.hmc.security.HmcSite;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What streams: the Operating System Messages as server-sent events (the lines of a task of this server,
 * lines another process appends to the console log, the dump's progress, resuming after a reconnect), a
 * dump's download, its archive, and the campaign report pages with their path confinement.
 */
class HmcWebStreamsTest {
    static final String PW = "operator password";

    @TempDir
    Path tmp;
    Path sys1;
    Path reports;
    HmcSite site;
    HmcWebServer server;
    WebClient olga;
    final List<Stream<String>> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path machines = Files.createDirectories(tmp.resolve("machines"));
        sys1 = WebMachines.create(machines.resolve("sys1"));
        reports = Files.createDirectories(tmp.resolve("campaign"));
        Files.writeString(reports.resolve("report.html"), "<!doctype html><title>r</title><style>p{}</style><p>42 as "
                + "expected</p>");
        Files.createDirectories(reports.resolve("run2"));
        Files.writeString(reports.resolve("run2").resolve("report.html"), "<p>second</p>");
        Files.writeString(reports.resolve("run 3.html"), "<p>third</p>");
        Files.writeString(tmp.resolve("secret.txt"), "not served");
        Files.createSymbolicLink(reports.resolve("leak.html"), tmp.resolve("secret.txt"));
        site = WebMachines.site(List.of(machines), tmp.resolve("state"));
        site.users().add("olga", "operator", PW.toCharArray());
        server = new HmcWebServer(site, HmcWebConfig.local(0).withReports(reports)).start();
        olga = new WebClient("http://127.0.0.1:" + server.port());
        assertThat(olga.login("olga", PW).status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        open.forEach(Stream::close);
        server.close();
    }

    /** The events of an SSE stream, as {@code name} then {@code data} JSON, read on a thread of their own. */
    BlockingQueue<String[]> events(String path, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(olga.base() + path)).header("Cookie", olga.cookie)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        open.add(r.body());
        BlockingQueue<String[]> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            String event = "message";
            try {
                for (var it = r.body().iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        q.add(new String[] {event, line.substring(5).strip()});
                        event = "message";
                    }
                }
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    static JsonNode next(BlockingQueue<String[]> q, String event, String containing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String[] e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e[0].equals(event) && e[1].contains(containing)) {
                return WebClient.JSON.readTree(e[1]);
            }
        }
        throw new AssertionError("no '" + event + "' event with " + containing + " within 30 s");
    }

    @Test
    void messagesStreamTheLinesOfTasksAndOfOtherProcessesWithProgressAndResumeAfterAReconnect() throws Exception {
        BlockingQueue<String[]> q = events("/ui/machines/sys1/events?since=0", null);
        JsonNode boot = next(q, "line", "Linux version");
        assertThat(boot.path("seq").asLong()).isEqualTo(1);

        // a line another process appends to the console log (as 'sadump hmc DIR stop' in a terminal does)
        MachineDirectory m = MachineDirectory.open(sys1);
        try (MachineLock lock = m.lock()) {
            m.appendConsole(lock, List.of("written by another process <script>alert(1)</script>"));
        }
        JsonNode other = next(q, "line", "written by another process");
        assertThat(other.path("text").asText()).isEqualTo("written by another process <script>alert(1)</script>");

        assertThat(olga.post("/ui/machines/sys1/tasks/stop", Map.of("password", PW)).status()).isEqualTo(200);
        JsonNode stopped = next(q, "line", "HMC: stop");
        assertThat(stopped.path("seq").asLong()).isEqualTo(other.path("seq").asLong() + 1);
        WebClient.Answer load = olga.post("/ui/machines/sys1/tasks/load", Map.of("password", PW, "address",
                "0.0.0190", "storeStatus", true));
        assertThat(load.status()).as(load.body()).isEqualTo(200);
        JsonNode progress = next(q, "progress", "\"done\"");
        // kdump saves old memory without the crashkernel range (a quarter of storage here)
        assertThat(progress.path("total").asLong()).isEqualTo(WebMachines.STORAGE - WebMachines.STORAGE / 4);
        assertThat(progress.path("user").asText()).isEqualTo("olga");
        JsonNode saved = next(q, "line", "Linux version"); // the re-IPLed system's boot, after the dump

        // a reconnecting EventSource sends the last id it saw: the stream goes on from there, nothing twice
        BlockingQueue<String[]> again = events("/ui/machines/sys1/events", Long.toString(saved.path("seq").asLong()));
        JsonNode first = next(again, "line", "");
        assertThat(first.path("seq").asLong()).isEqualTo(saved.path("seq").asLong() + 1);

        WebClient stranger = new WebClient(olga.base());
        assertThat(stranger.get("/ui/machines/sys1/events").status()).isEqualTo(401);
        assertThat(olga.get("/ui/machines/nosuch/events").status()).isEqualTo(404);
    }

    @Test
    void aDumpDownloadsAsItIsAndArchivesBesideWithItsFacts() throws Exception {
        assertThat(olga.post("/ui/machines/sys1/tasks/stop", Map.of("password", PW)).status()).isEqualTo(200);
        WebClient.Answer load = olga.post("/ui/machines/sys1/tasks/load", Map.of("password", PW, "address", "190",
                "storeStatus", true));
        assertThat(load.status()).as(load.body()).isEqualTo(200);
        Path vmcore = Path.of(load.json().path("dump").path("paths").get(0).asText());

        JsonNode dumps = olga.get("/ui/machines/sys1/dumps").json().path("dumps");
        JsonNode d = null;
        for (JsonNode x : dumps) {
            if (x.path("name").asText().startsWith("vmcore/")) {
                d = x;
            }
        }
        assertThat(d).as(dumps.toString()).isNotNull();
        assertThat(d.path("complete").asBoolean()).isTrue();
        assertThat(d.path("facts").toString()).contains("[\"Dump format\",\"elf\"]").contains("UTS node name");

        HttpResponse<InputStream> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                olga.base() + "/ui/machines/sys1/dumps/" + d.path("id").asText() + "/download"))
                .header("Cookie", olga.cookie).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"sys1-vmcore_");
        assertThat(got.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(Files.size(vmcore));
        byte[] body;
        try (InputStream in = got.body()) {
            body = in.readAllBytes();
        }
        assertThat(body).isEqualTo(Files.readAllBytes(vmcore));
        assertThat(olga.get("/ui/machines/sys1/dumps/" + "0".repeat(24) + "/download").status()).isEqualTo(404);

        WebClient.Answer archive = olga.post("/ui/machines/sys1/dumps/" + d.path("id").asText() + "/archive", Map.of());
        assertThat(archive.status()).as(archive.body()).isEqualTo(200);
        Path written = sys1.resolve(archive.json().path("archive").asText());
        assertThat(written.getParent()).isEqualTo(sys1.resolve("archives"));
        assertThat(Files.size(written)).isEqualTo(archive.json().path("bytes").asLong());
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(written)) {
            assertThat(in.read(head)).isEqualTo(4);
        }
        assertThat(HexFormat.of().formatHex(head)).isEqualTo("28b52ffd"); // zstd
        List<String> members = new ArrayList<>();
        archive.json().path("members").forEach(x -> members.add(x.path("name").asText()));
        assertThat(members).contains("info.json", "SHA256SUMS", "dump.elf");
        try (Stream<Path> s = Files.list(sys1.resolve("archives"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no half-written file left").singleElement()
                    .isEqualTo(written.getFileName().toString());
        }
        assertThat(site.audit().read(e -> e.event().equals(AuditEntry.TASK) && e.allowed()).entries())
                .extracting(AuditEntry::task).contains("Download Dump", "Archive Dump");
    }

    @Test
    void campaignReportsAreServedReadOnlyAndConfinedToTheirDirectory() {
        WebClient.Answer index = olga.get("/reports/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("href=\"/reports/report.html\"").contains("href=\"/reports/run2/report.html\"");
        assertThat(index.body()).contains("href=\"/reports/run%203.html\"");
        assertThat(olga.get("/reports/run%203.html").body()).isEqualTo("<p>third</p>");
        WebClient.Answer page = olga.get("/reports/run2/report.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<p>second</p>");
        assertThat(page.header("Content-Security-Policy").orElseThrow()).isEqualTo(ReportPages.CSP);
        for (String evil : List.of("/reports/../secret.txt", "/reports/%2e%2e/secret.txt", "/reports/leak.html",
                "/reports/..%2Fsecret.txt", "/reports/.hidden", "/reports//etc/passwd")) {
            WebClient.Answer a = olga.get(evil);
            assertThat(a.status()).as(evil).isIn(400, 404);
            assertThat(a.body()).as(evil).doesNotContain("not served");
        }
        assertThat(new WebClient(olga.base()).get("/reports/report.html").status()).isEqualTo(401);
        assertThat(olga.get("/ui/session").json().path("reports").asBoolean()).isTrue();
    }
}
