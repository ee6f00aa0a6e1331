package io.sadump.hmc.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Sends requests the way zhmcclient's {@code Session} builds them ({@code _session.py}): the standard
 * headers {@code User-Agent: python-zhmcclient/...}, {@code Content-type: application/json},
 * {@code Accept: *}{@code /*}, plus {@code X-API-Session} once logged on; a POST without a body sends
 * none; bodies are JSON objects.
 */
final class WsapiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private String session;

    /** An answer: status, body (null when empty), the Location header. */
    record Answer(int status, JsonNode body, String location) {
        /** The WSAPI error body's reason code. */
        int reason() {
            return body.get("reason").asInt();
        }
    }

    WsapiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    WsapiClient session(String token) {
        this.session = token;
        return this;
    }

    String session() {
        return session;
    }

    /** {@code Session._do_logon}: POST /api/sessions {userid, password}; keeps the api-session. */
    Answer logon(String user, String password) throws Exception {
        Answer a = post("/api/sessions", Map.of("userid", user, "password", password));
        if (a.status() == 200) {
            session = a.body().get("api-session").asText();
        }
        return a;
    }

    Answer get(String uri) throws Exception {
        return send(request(uri).GET());
    }

    Answer delete(String uri) throws Exception {
        return send(request(uri).DELETE());
    }

    /** POST with a JSON body, or none when {@code body} is null (zhmcclient's {@code data=None}). */
    Answer post(String uri, Object body) throws Exception {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
        return send(request(uri).POST(p));
    }

    private HttpRequest.Builder request(String uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + uri)).timeout(Duration.ofSeconds(120))
                .header("User-Agent", "python-zhmcclient/1.27.0").header("Content-type", "application/json")
                .header("Accept", "*/*");
        if (session != null) {
            b.header("X-API-Session", session);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), body, r.headers().firstValue("Location").orElse(null));
    }

    /**
     * {@code Job.wait_for_completion} without its 10 s sleep: polls the job until {@code complete}, then
     * deletes it as {@code check_for_completion} does, and returns the last status.
     */
    JsonNode waitForCompletion(String jobUri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Answer a = get(jobUri);
            if (a.status() != 200) {
                throw new AssertionError("GET " + jobUri + " answered " + a.status() + " " + a.body());
            }
            if (a.body().get("status").asText().equals("complete")) {
                Answer d = delete(jobUri);
                if (d.status() != 204) {
                    throw new AssertionError("DELETE " + jobUri + " answered " + d.status() + " " + d.body());
                }
                return a.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobUri + " still running after 2 minutes");
            }
            Thread.sleep(50);
        }
    }
}
