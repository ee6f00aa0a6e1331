package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sadump hmc serve} as an operator runs it: it prints the URL, serves the console, and on SIGTERM
 * during a Load it lets the load end (the vmcore complete, the machine consistent) before it exits; a
 * kill -9 during a Load leaves the machine as a killed CLI load would (the next command undoes or
 * finishes the journaled change, and the machine dumps again).
 */
class HmcServeJarIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PW = "operator password";

    @TempDir
    Path tmp;

    /** A served machine: the process, its URL, a logged-on operator's cookie and CSRF token. */
    record Served(Process process, ByteArrayOutputStream out, ByteArrayOutputStream err, String base, String cookie,
            String csrf) {}

    Path machine(String java) throws Exception {
        Path dir = tmp.resolve("sys1");
        for (String[] step : new String[][] {
                {"machine", "create", dir.toString(), "--storage", "1G", "--dasd", "0.0.0190:50"},
                {"dumpdev", "prepare", dir.toString(), "0.0.0190"},
                {"kexec", "load", dir.toString()}}) {
            SadumpJarIT.Result r = SadumpJarIT.run(java, step);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        return dir;
    }

    Served serve(String java, Path dir, HttpClient http) throws Exception {
        Path state = tmp.resolve("state");
        HmcState s = HmcState.at(state);
        new UserStore(s, RoleCatalog.load(s.dir())).add("olga", "operator", PW.toCharArray());
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", SadumpJarIT.jar().toString(), "hmc", "serve",
                dir.toString(), "--state", state.toString(), "--port", "0").start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new Thread(() -> copy(p.getInputStream(), out)).start();
        new Thread(() -> copy(p.getErrorStream(), err)).start();
        Pattern url = Pattern.compile("sys1 at (http://127\\.0\\.0\\.1:\\d+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Matcher m;
        while (!(m = url.matcher(text(out))).find()) {
            assertThat(System.nanoTime()).as("the URL within 60 s: %s %s", out, err).isLessThan(deadline);
            assertThat(p.isAlive()).as("serving: %s %s", out, err).isTrue();
            Thread.sleep(20);
        }
        String base = m.group(1);
        HttpResponse<String> login = post(http, base + "ui/login", null, null,
                "{\"user\":\"olga\",\"password\":\"" + PW + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = JSON.readTree(login.body()).path("csrf").asText();
        HttpResponse<String> stop = post(http, base + "ui/machines/sys1/tasks/stop", cookie, csrf,
                "{\"password\":\"" + PW + "\"}");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        return new Served(p, out, err, base, cookie, csrf);
    }

    /** Starts a Load and returns once the machine is busy with it. */
    CompletableFuture<HttpResponse<String>> loadStarted(HttpClient http, Served s, Path dir) throws Exception {
        CompletableFuture<HttpResponse<String>> load = CompletableFuture.supplyAsync(() -> {
            try {
                return post(http, s.base() + "ui/machines/sys1/tasks/load", s.cookie(), s.csrf(),
                        "{\"password\":\"" + PW + "\",\"address\":\"190\",\"storeStatus\":true}");
            } catch (IOException | InterruptedException x) {
                throw new IllegalStateException(x);
            }
        });
        HmcMachine sys1 = HmcMachine.open(dir);
        while (sys1.busy().isEmpty() && !load.isDone()) {
            Thread.sleep(2);
        }
        assertThat(load.isDone()).as("the load still runs: %s", s.err()).isFalse();
        return load;
    }

    static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheConsoleAndASigtermDuringALoadLetsTheLoadEnd() throws Exception {
        String java = SadumpJarIT.javas().findFirst().orElseThrow();
        Path dir = machine(java);
        HttpClient http = HttpClient.newHttpClient();
        Served s = serve(java, dir, http);
        Process p = s.process();
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(s.base())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
            CompletableFuture<HttpResponse<String>> load = loadStarted(http, s, dir);
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();

            HttpResponse<String> loaded = load.get(180, TimeUnit.SECONDS);
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
            JsonNode outcome = JSON.readTree(loaded.body());
            assertThat(outcome.path("verdict").asText()).isEqualTo("pass");
            assertThat(outcome.path("dump").path("complete").asBoolean()).isTrue();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stopped: %s %s", s.out(), s.err()).isTrue();
            Thread.sleep(200);
            assertThat(text(s.err())).contains("sadump hmc serve: stopping after the running task")
                    .doesNotContain("Exception").doesNotContain("at io.");
            assertThat(p.exitValue()).as("the JVM's status after SIGTERM").isEqualTo(143);
            // the machine is as the CLI leaves it after a load: re-IPLed, kdump loaded again, no task holds it
            HmcMachine sys1 = HmcMachine.open(dir);
            assertThat(sys1.busy()).isEmpty();
            assertThat(sys1.status().verdict().passed()).isTrue();
            assertThat(sys1.dumps()).anyMatch(d -> d.kind().equals("vmcore") && d.complete());
        } finally {
            p.destroyForcibly();
        }
    }

    /** A kill -9 of the server during a Load: the next command finds the load undone or finished, as after the CLI's. */
    @Test
    void aKillDuringALoadLeavesTheMachineAsTheCliWould() throws Exception {
        String java = SadumpJarIT.javas().findFirst().orElseThrow();
        Path dir = machine(java);
        HttpClient http = HttpClient.newHttpClient();
        Served s = serve(java, dir, http);
        Process p = s.process();
        try {
            CompletableFuture<HttpResponse<String>> load = loadStarted(http, s, dir);
            Thread.sleep(150); // into the dump
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
        } finally {
            p.destroyForcibly();
        }
        // the next command on the machine finishes or undoes the journaled load first; then it works
        SadumpJarIT.Result meminfo = SadumpJarIT.run(java, "meminfo", dir.toString());
        assertThat(meminfo.exit()).as(meminfo.out() + meminfo.err()).isZero();
        assertThat(meminfo.out()).contains("PASS");
        SadumpJarIT.Result stop = SadumpJarIT.run(java, "hmc", dir.toString(), "stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        SadumpJarIT.Result again = SadumpJarIT.run(java, "hmc", dir.toString(), "load", "190", "--store-status",
                "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(JSON.readTree(again.out()).path("verdict").asText()).isEqualTo("pass");
    }

    static HttpResponse<String> post(HttpClient http, String url, String cookie, String csrf, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] b = new byte[8192];
        try {
            for (int n; (n = in.read(b)) > 0; ) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
