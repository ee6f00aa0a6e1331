package io.sadump.hmc.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A browser as the console's pages act, over java.net.http: the session cookie it was given and the CSRF
 * token from the logon answer, sent back as the pages send them.
 */
final class WebClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, headers, body as text and (when JSON) parsed. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        String message() {
            return json().path("message").asText();
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private final HttpClient http;
    private final String base;
    String cookie;
    String csrf;

    WebClient(HttpClient http, String base) {
        this.http = http;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    WebClient(String base) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base);
    }

    Answer login(String user, String password) {
        Answer a = post("/ui/login", Map.of("user", user, "password", password), false);
        if (a.status() == 200) {
            String set = a.header("Set-Cookie").orElseThrow();
            cookie = set.substring(0, set.indexOf(';'));
            csrf = a.json().path("csrf").asText();
        }
        return a;
    }

    Answer get(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(Duration.ofSeconds(60));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return send(b.build());
    }

    Answer post(String path, Object body) {
        return post(path, body, true);
    }

    Answer post(String path, Object body, boolean withCsrf) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text(body)));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (withCsrf && csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b.build());
    }

    Answer send(HttpRequest r) {
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            return new Answer(resp.statusCode(), resp.headers(), resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String base() {
        return base;
    }

    static String text(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
