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
 * during a Load it lets the load end (the vmcore complete, the machine consistent) before it exits.
 */
class HmcServeJarIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PW = "operator password";

    @TempDir
    Path tmp;

    @Test
    void servesTheConsoleAndASigtermDuringALoadLetsTheLoadEnd() throws Exception {
        String java = SadumpJarIT.javas().findFirst().orElseThrow();
        Path dir = tmp.resolve("sys1");
        for (String[] step : new String[][] {
                {"machine", "create", dir.toString(), "--storage", "1G", "--dasd", "0.0.0190:50"},
                {"dumpdev", "prepare", dir.toString(), "0.0.0190"},
                {"kexec", "load", dir.toString()}}) {
            SadumpJarIT.Result r = SadumpJarIT.run(java, step);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        Path state = tmp.resolve("state");
        HmcState s = HmcState.at(state);
        new UserStore(s, RoleCatalog.load(s.dir())).add("olga", "operator", PW.toCharArray());

        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", SadumpJarIT.jar().toString(), "hmc", "serve",
                dir.toString(), "--state", state.toString(), "--port", "0").start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = new Thread(() -> copy(p.getInputStream(), out));
        Thread e = new Thread(() -> copy(p.getErrorStream(), err));
        o.start();
        e.start();
        try {
            Pattern url = Pattern.compile("sys1 at (http://127\\.0\\.0\\.1:\\d+/)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Matcher m = url.matcher("");
            while (!(m = url.matcher(out.toString(StandardCharsets.UTF_8))).find()) {
                assertThat(System.nanoTime()).as("the URL within 60 s: %s %s", out, err).isLessThan(deadline);
                assertThat(p.isAlive()).as("serving: %s %s", out, err).isTrue();
                Thread.sleep(20);
            }
            String base = m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();

            HttpResponse<String> login = post(http, base + "ui/login", null, null,
                    "{\"user\":\"olga\",\"password\":\"" + PW + "\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            String csrf = JSON.readTree(login.body()).path("csrf").asText();
            HttpResponse<String> stop = post(http, base + "ui/machines/sys1/tasks/stop", cookie, csrf,
                    "{\"password\":\"" + PW + "\"}");
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);

            CompletableFuture<HttpResponse<String>> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(http, base + "ui/machines/sys1/tasks/load", cookie, csrf,
                            "{\"password\":\"" + PW + "\",\"address\":\"190\",\"storeStatus\":true}");
                } catch (IOException | InterruptedException x) {
                    throw new IllegalStateException(x);
                }
            });
            HmcMachine sys1 = HmcMachine.open(dir);
            while (sys1.busy().isEmpty() && !load.isDone()) {
                Thread.sleep(2);
            }
            assertThat(load.isDone()).as("the load still runs when SIGTERM goes").isFalse();
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();

            HttpResponse<String> loaded = load.get(180, TimeUnit.SECONDS);
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
            JsonNode outcome = JSON.readTree(loaded.body());
            assertThat(outcome.path("verdict").asText()).isEqualTo("pass");
            assertThat(outcome.path("dump").path("complete").asBoolean()).isTrue();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stopped: %s %s", out, err).isTrue();
            o.join(5000);
            e.join(5000);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("sadump hmc serve: stopping after the running task")
                    .doesNotContain("Exception").doesNotContain("at io.");
            assertThat(p.exitValue()).as("the JVM's status after SIGTERM").isEqualTo(143);
            // the machine is as the CLI leaves it after a load: re-IPLed, kdump loaded again, no task holds it
            assertThat(sys1.busy()).isEmpty();
            assertThat(sys1.status().verdict().passed()).isTrue();
            assertThat(sys1.dumps()).anyMatch(d -> d.kind().equals("vmcore") && d.complete());
        } finally {
            p.destroyForcibly();
        }
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
