package io.sadump.hmc.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The campaign report pages ({@code sadump campaign ... --html}) of one directory, read-only, under
 * {@code /reports/}: the files of that directory tree and nothing else (no {@code ..}, no absolute path, no
 * symbolic link out of it, no hidden file). The reports carry their own inline style sheet, so they get
 * their own policy: inline styles allowed, scripts not at all, and sandboxed.
 */
final class ReportPages {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "htm", "text/html; charset=utf-8",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "css", "text/css; charset=utf-8");

    private final Path root;
    private final BrowserSessions sessions;

    ReportPages(Path root, BrowserSessions sessions) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new WebConfigException("--reports " + root + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new WebConfigException("--reports " + root + " is not a directory");
        }
        this.sessions = sessions;
    }

    /** {@code GET /reports/} and {@code GET /reports/<path>}; logged-on users only. */
    void serve(Context ctx) throws IOException {
        sessions.require(ctx);
        String rest = ctx.path().substring("/reports".length());
        ctx.header("Content-Security-Policy", CSP);
        if (rest.isEmpty() || rest.equals("/")) {
            index(ctx);
            return;
        }
        String rel;
        try {
            // the path as the browser encoded it; the checks below see it decoded (%2e%2e is '..')
            rel = java.net.URLDecoder.decode(rest.substring(1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new NotFoundResponse("no such report");
        }
        Path file = resolve(rel);
        String ext = extension(file.getFileName().toString());
        ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        ctx.result(Files.newInputStream(file));
    }

    Path resolve(String rel) {
        Path p;
        try {
            p = Path.of(rel);
        } catch (InvalidPathException e) {
            throw new NotFoundResponse("no such report");
        }
        if (p.isAbsolute() || rel.contains("\\")) {
            throw new NotFoundResponse("no such report");
        }
        for (Path part : p) {
            String s = part.toString();
            if (s.equals("..") || s.equals(".") || s.startsWith(".")) {
                throw new NotFoundResponse("no such report");
            }
        }
        Path candidate = root.resolve(p);
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real)) {
                throw new NotFoundResponse("no such report");
            }
            return real;
        } catch (IOException e) {
            throw new NotFoundResponse("no such report");
        }
    }

    private void index(Context ctx) throws IOException {
        List<Path> pages;
        try (Stream<Path> s = Files.walk(root, 4)) {
            pages = s.filter(Files::isRegularFile).filter(f -> extension(f.getFileName().toString()).startsWith("htm"))
                    .filter(f -> root.relativize(f).toString().chars().noneMatch(ch -> ch == '\\'))
                    .sorted().toList();
        }
        StringBuilder sb = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Campaign reports</title></head><body><h1>Campaign reports</h1><ul>\n");
        for (Path f : pages) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            if (rel.startsWith(".") || rel.contains("/.")) {
                continue;
            }
            sb.append("<li><a href=\"/reports/").append(escape(href(rel))).append("\">").append(escape(rel))
                    .append("</a></li>\n");
        }
        if (pages.isEmpty()) {
            sb.append("<li>No report pages in this directory.</li>\n");
        }
        sb.append("</ul><p><a href=\"/\">Back to the console</a></p></body></html>\n");
        ctx.contentType("text/html; charset=utf-8").result(sb.toString());
    }

    /** A relative path as a URL path: each segment percent-encoded. */
    static String href(String rel) {
        StringBuilder b = new StringBuilder();
        for (String seg : rel.split("/")) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(java.net.URLEncoder.encode(seg, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
