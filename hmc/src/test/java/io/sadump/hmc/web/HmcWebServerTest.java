package io.sadump.hmc.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.AuditEntry;
import io.sadump.hmc.security.AuditLog;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console over HTTP, as a browser's pages use it: logon, the guard, sessions and CSRF, the
 * permission check of every task per role, the HMC's rules (busy, wrong state), mount's path check, the
 * security headers, and a restart of the server that keeps users and the audit log.
 */
class HmcWebServerTest {
    static final String PW = "correct horse battery";

    @TempDir
    Path tmp;
    Path machines;
    Path state;
    HmcSite site;
    HmcWebServer server;

    @BeforeEach
    void site() throws Exception {
        machines = Files.createDirectories(tmp.resolve("machines"));
        WebMachines.create(machines.resolve("sys1"));
        state = tmp.resolve("state");
        start();
        site.users().add("vera", "viewer", (PW + " v").toCharArray());
        site.users().add("olga", "operator", (PW + " o").toCharArray());
        site.users().add("otto", "operator", (PW + " t").toCharArray());
        site.users().add("sam", "sysprog", (PW + " s").toCharArray());
    }

    void start() {
        site = WebMachines.site(List.of(machines), state);
        server = new HmcWebServer(site, HmcWebConfig.local(0)).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    WebClient client() {
        return new WebClient("http://127.0.0.1:" + server.port());
    }

    WebClient as(String user, String suffix) {
        WebClient c = client();
        WebClient.Answer a = c.login(user, PW + " " + suffix);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return c;
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndThePageHasNoInlineScript() {
        WebClient c = client();
        for (String path : List.of("/", "/static/hmc.js", "/static/hmc.css", "/ui/session", "/no/such/page")) {
            WebClient.Answer a = c.get(path);
            assertThat(a.header("Content-Security-Policy")).as(path).contains(SecurityHeaders.CSP);
            assertThat(a.header("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(a.header("Referrer-Policy")).as(path).contains("no-referrer");
            assertThat(a.header("Strict-Transport-Security")).as("no HSTS without TLS").isEmpty();
        }
        String page = c.get("/").body();
        assertThat(page).contains("<script src=\"/static/hmc.js\" defer></script>");
        // the CSP forbids inline script and style: the page must have none
        assertThat(page).doesNotContainPattern("<script>|<script [^s]|<style| style=| on[a-z]+=");
        assertThat(c.get("/ui/session").status()).isEqualTo(401);
        assertThat(c.get("/ui/machines").status()).isEqualTo(401);
        assertThat(c.get("/static/..%2F..%2Fsecurity%2FHmcSite.class").status()).isEqualTo(404);
    }

    @Test
    void logonSetsAStrictHttpOnlyCookieAndTheSameAnswerForAnUnknownUserAndAWrongPassword() {
        WebClient c = client();
        WebClient.Answer ok = c.login("olga", PW + " o");
        assertThat(ok.status()).isEqualTo(200);
        String cookie = ok.header("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("sadump=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain("Secure");
        assertThat(cookie.substring("sadump=".length(), cookie.indexOf(';'))).hasSize(43); // 256 bits, base64url
        JsonNode me = ok.json();
        assertThat(me.path("user").asText()).isEqualTo("olga");
        assertThat(me.path("role").asText()).isEqualTo("operator");
        assertThat(me.path("csrf").asText()).hasSize(43).isNotEqualTo(c.cookie.substring(7));
        assertThat(names(me.path("tasks"))).contains("load", "stop", "mount", "download", "archive")
                .doesNotContain("reset-clear");

        WebClient.Answer unknown = client().login("nobody", "whatever-password");
        WebClient.Answer wrong = client().login("sam", "not the password");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.message()).isEqualTo(wrong.message()).isEqualTo(BrowserSessions.LOGON_REFUSED);
        assertThat(unknown.header("Set-Cookie")).isEmpty();
    }

    @Test
    void threeFailedLogonsLockTheUserOutEvenWithTheRightPasswordAndTheAuditLogHasThem() {
        for (int i = 0; i < 3; i++) {
            assertThat(client().login("sam", "wrong password " + i).status()).isEqualTo(401);
        }
        WebClient.Answer locked = client().login("sam", PW + " s");
        assertThat(locked.status()).isEqualTo(401);
        assertThat(locked.message()).isEqualTo(BrowserSessions.LOGON_REFUSED);
        // another user from the same address is not locked by sam's failures
        assertThat(client().login("olga", PW + " o").status()).isEqualTo(200);
        List<AuditEntry> logons = site.audit().read(e -> e.event().equals(AuditEntry.LOGIN)).entries();
        assertThat(logons).filteredOn(e -> e.user().equals("sam")).hasSize(4).allMatch(e -> !e.allowed());
        assertThat(logons).filteredOn(e -> e.user().equals("olga")).singleElement().matches(AuditEntry::allowed);
    }

    @Test
    void aPostWithoutTheCsrfTokenOrFromAnotherOriginIsRefusedAndChangesNothing() {
        WebClient c = as("olga", "o");
        WebClient.Answer a = c.post("/ui/machines/sys1/tasks/start", Map.of(), false);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.message()).contains("CSRF");
        WebClient.Answer wrongToken = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(c.base() + "/ui/machines/sys1/tasks/stop")).header("Cookie", c.cookie)
                .header("Content-Type", "application/json").header("X-CSRF-Token", "A".repeat(43))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"" + PW + " o\"}")).build());
        assertThat(wrongToken.status()).isEqualTo(403);
        WebClient.Answer crossSite = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(c.base() + "/ui/machines/sys1/tasks/stop")).header("Cookie", c.cookie)
                .header("Content-Type", "application/json").header("X-CSRF-Token", c.csrf)
                .header("Origin", "http://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"" + PW + " o\"}")).build());
        assertThat(crossSite.status()).isEqualTo(403);
        WebClient.Answer form = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(c.base() + "/ui/machines/sys1/tasks/start")).header("Cookie", c.cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-CSRF-Token", c.csrf)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("a=b")).build());
        assertThat(form.status()).isEqualTo(403);
        assertThat(HmcMachine.open(machines.resolve("sys1")).runState().status().word()).isEqualTo("operating");
    }

    @Test
    void theWebServicesApiIsServedOnTheSamePortWithTheSameUsersButNotTheBrowserSession() {
        WebClient c = client();
        WebClient.Answer version = c.get("/api/version");
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.body()).contains("\"api-major-version\"");
        // an API logon of a console user (zhmcclient's body: userid and password)
        WebClient.Answer logon = c.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(c.base() + "/api/sessions")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"userid\":\"olga\",\"password\":\"" + PW + " o\"}")).build());
        assertThat(logon.status()).as(logon.body()).isEqualTo(200);
        assertThat(logon.body()).contains("\"api-session\"");
        // the browser's cookie is no API session: the API wants its header (403 reason 4)
        WebClient b = as("olga", "o");
        WebClient.Answer cpcs = b.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b.base() + "/api/cpcs"))
                .header("Cookie", b.cookie).GET().build());
        assertThat(cpcs.status()).isEqualTo(403);
        assertThat(cpcs.body()).contains("\"reason\":4");
        // and a browser page answers as before beside it
        assertThat(b.get("/ui/machines").status()).isEqualTo(200);
    }

    @Test
    void aSessionIsRefusedAfterLogoff() {
        WebClient c = as("olga", "o");
        assertThat(c.get("/ui/machines").status()).isEqualTo(200);
        assertThat(c.post("/ui/logout", Map.of()).status()).isEqualTo(204);
        assertThat(c.get("/ui/machines").status()).isEqualTo(401);
        assertThat(c.get("/ui/session").status()).isEqualTo(401);
        assertThat(c.post("/ui/machines/sys1/tasks/start", Map.of()).status()).isEqualTo(401);
        assertThat(site.audit().read(e -> e.event().equals(AuditEntry.LOGOUT)).entries()).singleElement()
                .matches(e -> e.user().equals("olga"));
    }

    @Test
    void everyTaskIsRefusedForARoleBelowItAndTheRefusalIsAudited() {
        WebClient viewer = as("vera", "v");
        assertThat(viewer.get("/ui/machines").json().path("machines").get(0).path("name").asText()).isEqualTo("sys1");
        assertThat(viewer.get("/ui/machines/sys1/display/psw").status()).isEqualTo(200);
        for (String t : List.of("load", "restart", "stop", "start", "reset-normal", "reset-clear", "mount")) {
            WebClient.Answer a = viewer.post("/ui/machines/sys1/tasks/" + t, Map.of("password", PW + " v",
                    "address", "190", "confirmations", 2, "device", "0.0.0190", "image", "x.3390"));
            assertThat(a.status()).as(t + ": " + a.body()).isEqualTo(403);
        }
        assertThat(viewer.get("/ui/machines/sys1/mountable").status()).isEqualTo(403);
        String dumpId = anyDumpId(as("sam", "s"));
        assertThat(viewer.get("/ui/machines/sys1/dumps/" + dumpId + "/download").status()).isEqualTo(403);
        assertThat(viewer.post("/ui/machines/sys1/dumps/" + dumpId + "/archive", Map.of()).status()).isEqualTo(403);

        WebClient operator = as("olga", "o");
        WebClient.Answer clear = operator.post("/ui/machines/sys1/tasks/reset-clear",
                Map.of("password", PW + " o", "confirmations", 2));
        assertThat(clear.status()).isEqualTo(403);
        assertThat(clear.message()).contains("Reset Clear");
        // an unknown machine is 404, as one outside the role's scope
        assertThat(operator.get("/ui/machines/nosuch").status()).isEqualTo(404);
        assertThat(operator.post("/ui/machines/nosuch/tasks/stop", Map.of("password", PW + " o")).status())
                .isEqualTo(404);

        List<AuditEntry> refused = site.audit().read(e -> !e.allowed() && e.event().equals(AuditEntry.TASK)).entries();
        assertThat(refused).extracting(AuditEntry::task).contains("Load", "PSW Restart", "Stop All", "Start All",
                "Reset Normal", "Reset Clear", "Mount", "Download Dump", "Archive Dump");
        assertThat(refused).filteredOn(e -> e.task().equals("Reset Clear")).extracting(AuditEntry::user)
                .contains("vera", "olga");
        assertThat(site.audit().read().intact()).isTrue();
    }

    @Test
    void disruptiveTasksNeedThePasswordAgainAndResetClearTwoConfirmations() {
        WebClient sam = as("sam", "s");
        WebClient.Answer noPassword = sam.post("/ui/machines/sys1/tasks/stop", Map.of());
        assertThat(noPassword.status()).isEqualTo(403);
        assertThat(noPassword.message()).contains("password");
        assertThat(sam.post("/ui/machines/sys1/tasks/stop", Map.of("password", "wrong")).status()).isEqualTo(403);
        WebClient.Answer once = sam.post("/ui/machines/sys1/tasks/reset-clear", Map.of("password", PW + " s"));
        assertThat(once.status()).isEqualTo(403);
        assertThat(once.message()).contains("both confirmations");
        WebClient.Answer stop = sam.post("/ui/machines/sys1/tasks/stop", Map.of("password", PW + " s"));
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        assertThat(stop.json().path("after").asText()).isEqualTo("stopped");
        // Start All is not disruptive: no password
        WebClient.Answer start = sam.post("/ui/machines/sys1/tasks/start", Map.of());
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        assertThat(start.json().path("after").asText()).isEqualTo("operating");
    }

    @Test
    void aNormalLoadOfOperatingCpusIsRefusedWithTheFixAsOnTheCli() {
        WebClient c = as("olga", "o");
        WebClient.Answer a = c.post("/ui/machines/sys1/tasks/load", Map.of("password", PW + " o", "address", "190",
                "storeStatus", true));
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.message()).contains("stop them first").contains("load clear");
        WebClient.Answer badParm = c.post("/ui/machines/sys1/tasks/load", Map.of("password", PW + " o",
                "address", "190", "loadparm", "<script>"));
        assertThat(badParm.status()).isEqualTo(400);
        WebClient.Answer badDevno = c.post("/ui/machines/sys1/tasks/load", Map.of("password", PW + " o",
                "address", "0.0.0190; rm -rf /"));
        assertThat(badDevno.status()).isEqualTo(400);
    }

    @Test
    void mountOffersOnlyLibraryImagesAndRefusesPathsThatLeaveIt() throws Exception {
        Files.writeString(tmp.resolve("secret.3390"), "not yours");
        Files.createSymbolicLink(machines.resolve("sys1").resolve("link.3390"), tmp.resolve("secret.3390"));
        WebClient c = as("olga", "o");
        JsonNode offered = c.get("/ui/machines/sys1/mountable").json();
        assertThat(offered.path("devices").get(0).path("devno").asText()).isEqualTo("0.0.0190");
        for (String evil : List.of("../secret.3390", "/etc/passwd", "link.3390", "..", "devices/../../secret.3390")) {
            WebClient.Answer a = c.post("/ui/machines/sys1/tasks/mount", Map.of("device", "0.0.0190", "image", evil));
            assertThat(a.status()).as(evil + ": " + a.body()).isEqualTo(400);
        }
        assertThat(Files.readString(tmp.resolve("secret.3390"))).isEqualTo("not yours");
        // each refusal is in the audit log once
        assertThat(site.audit().read(e -> e.task().equals("Mount") && !e.allowed()).entries()).hasSize(5);
    }

    @Test
    void twoBrowsersLoadingOneMachineOneWinsTheOtherIsToldBusy() throws Exception {
        WebClient olga = as("olga", "o");
        WebClient otto = as("otto", "t");
        assertThat(olga.post("/ui/machines/sys1/tasks/stop", Map.of("password", PW + " o")).status()).isEqualTo(200);
        HmcMachine sys1 = HmcMachine.open(machines.resolve("sys1"));
        CompletableFuture<WebClient.Answer> first = CompletableFuture.supplyAsync(() -> olga.post(
                "/ui/machines/sys1/tasks/load", Map.of("password", PW + " o", "address", "190", "storeStatus", true)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sys1.busy().isEmpty() && !first.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        WebClient.Answer second = otto.post("/ui/machines/sys1/tasks/load",
                Map.of("password", PW + " t", "address", "190", "storeStatus", true));
        WebClient.Answer won = first.get(60, TimeUnit.SECONDS);
        assertThat(won.status()).as(won.body()).isEqualTo(200);
        assertThat(won.json().path("verdict").asText()).isEqualTo("pass");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.message()).matches("busy: load by olga since 20\\d\\d-.*Z.*");
        assertThat(site.audit().read(e -> e.user().equals("otto") && e.task().equals("Load")).entries())
                .singleElement().matches(e -> !e.allowed());
    }

    @Test
    void aRestartOfTheServerKeepsTheUsersAndTheAuditLog() {
        WebClient c = as("olga", "o");
        assertThat(c.get("/ui/machines/sys1").status()).isEqualTo(200);
        long before = site.audit().read().entries().size();
        server.close();
        server = null;
        start();
        WebClient old = client();
        old.cookie = c.cookie;
        assertThat(old.get("/ui/machines").status()).as("sessions live in the server: a new one knows none")
                .isEqualTo(401);
        WebClient again = as("olga", "o");
        assertThat(again.get("/ui/machines").status()).isEqualTo(200);
        AuditLog.Report r = new AuditLog(HmcState.at(state)).read();
        assertThat(r.intact()).isTrue();
        assertThat(r.entries().size()).isGreaterThan((int) before);
        assertThat(r.entries()).filteredOn(e -> e.event().equals(AuditEntry.LOGIN) && e.user().equals("olga"))
                .hasSize(2);
    }

    @Test
    void aSessionIdleForLongerThanTheTimeoutIsRefused() {
        server.close();
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        HmcState s = HmcState.at(state);
        site = HmcSite.of(List.of(machines), s, Optional.empty(), new io.sadump.hmc.security.UserStore(s,
                io.sadump.hmc.security.RoleCatalog.load(s.dir()), new io.sadump.hmc.security.PasswordHash(1024, 1, 1),
                clock), clock);
        server = new HmcWebServer(site, HmcWebConfig.local(0)).start();
        WebClient c = as("olga", "o");
        now.set(now.get().plus(java.time.Duration.ofMinutes(14)));
        assertThat(c.get("/ui/machines/sys1").status()).as("used within 15 minutes").isEqualTo(200);
        now.set(now.get().plus(java.time.Duration.ofMinutes(16)));
        WebClient.Answer idle = c.get("/ui/machines/sys1");
        assertThat(idle.status()).isEqualTo(401);
        assertThat(idle.message()).contains("log on again");
    }

    @Test
    void aBindToAnotherAddressWithoutTlsIsRefused() {
        assertThatThrownBy(() -> new HmcWebConfig("0.0.0.0", 8080, Optional.empty(), Optional.empty(),
                Optional.empty())).isInstanceOf(WebConfigException.class)
                .hasMessageContaining("without TLS");
        assertThat(HmcWebConfig.isLoopback("127.0.0.1")).isTrue();
        assertThat(HmcWebConfig.isLoopback("::1")).isTrue();
        assertThat(HmcWebConfig.isLoopback("localhost")).isTrue();
        assertThat(HmcWebConfig.isLoopback("10.0.0.1")).isFalse();
        assertThat(HmcWebConfig.isLoopback("localhost.evil.example")).isFalse();
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A dump on sys1: the sysprog stops it and loads (kdump writes a vmcore). */
    String anyDumpId(WebClient sam) {
        assertThat(sam.post("/ui/machines/sys1/tasks/stop", Map.of("password", PW + " s")).status()).isEqualTo(200);
        WebClient.Answer load = sam.post("/ui/machines/sys1/tasks/load", Map.of("password", PW + " s", "address",
                "190", "storeStatus", true));
        assertThat(load.status()).as(load.body()).isEqualTo(200);
        JsonNode dumps = sam.get("/ui/machines/sys1/dumps").json().path("dumps");
        assertThat(dumps.size()).isGreaterThan(0);
        return dumps.get(0).path("id").asText();
    }
}
