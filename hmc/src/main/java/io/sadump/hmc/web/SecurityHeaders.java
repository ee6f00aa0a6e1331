package io.sadump.hmc.web;

import io.javalin.http.Context;

/**
 * The headers every answer carries (ASVS 3.4): a content security policy that allows only this server's own
 * scripts and styles (the pages have no inline script or style), no framing, no MIME sniffing, no referrer,
 * and HSTS when the server speaks TLS. Answers under {@code /ui/} are never cached: they hold machine state
 * and the CSRF token.
 */
final class SecurityHeaders {
    static final String CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";
    /** One year, as ASVS 3.4.1 asks. */
    static final String HSTS = "max-age=31536000; includeSubDomains";

    private final boolean tls;

    SecurityHeaders(boolean tls) {
        this.tls = tls;
    }

    void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (tls) {
            ctx.header("Strict-Transport-Security", HSTS);
        }
        if (ctx.path().startsWith("/ui/") || ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }
}
