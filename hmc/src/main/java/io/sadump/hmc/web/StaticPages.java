package io.sadump.hmc.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's own files, shipped in the jar: a fixed list, so no request path ever reaches the class
 * path or the file system. Read once at start.
 */
final class StaticPages {
    private static final String ROOT = "/io/sadump/hmc/web/static/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "hmc.js", "text/javascript; charset=utf-8",
            "hmc.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> content;

    StaticPages() {
        Map<String, byte[]> m = new java.util.HashMap<>();
        for (String name : FILES.keySet()) {
            try (InputStream in = StaticPages.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks " + ROOT + name);
                }
                m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.content = Map.copyOf(m);
    }

    /** {@code GET /} and {@code GET /static/{name}}. */
    void serve(Context ctx, String name) {
        byte[] body = content.get(name);
        if (body == null) {
            throw new NotFoundResponse("no such page");
        }
        ctx.contentType(FILES.get(name));
        // the page itself is small and must always be the current one; its files may be cached briefly
        ctx.header("Cache-Control", name.equals("index.html") ? "no-cache" : "max-age=300");
        ctx.result(body);
    }
}
