package io.sadump.hmc.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcSession;
import io.sadump.hmc.security.HmcTask;
import io.sadump.hmc.security.HmcUser;
import io.sadump.hmc.security.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser's side of logon: the session cookie, the CSRF token and the re-entered password of
 * disruptive tasks. Sessions, the login guard, users and roles are the site's ({@link io.sadump.hmc.security.HmcSite}); this class
 * only carries them over HTTP.
 *
 * <p>The cookie is {@code __Host-sadump} under TLS ({@code __Host-} binds it to this host and path and needs
 * {@code Secure}), {@code sadump} without TLS (127.0.0.1 only); always {@code HttpOnly; SameSite=Strict;
 * Path=/}, and a session cookie (no {@code Max-Age}): the server's idle and absolute timeouts end it.
 * The CSRF token is handed to the page in the logon answer and {@code GET /ui/session}, kept in the page's
 * memory (never in storage or a URL), and sent back as {@value #CSRF_HEADER} on every POST.
 */
final class BrowserSessions {
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String LOGON_REFUSED = "logon refused: wrong user name or password, or too many failed logons "
            + "(wait a minute)";

    /** A logged-on browser: its session, user and address. */
    record Caller(HmcSession session, HmcUser user, String address) {
        String origin() {
            return "web " + address;
        }
    }

    private final HmcSite site;
    private final String cookie;
    private final boolean tls;
    private final boolean reports;

    BrowserSessions(HmcSite site, boolean tls, boolean reports) {
        this.site = site;
        this.tls = tls;
        this.reports = reports;
        this.cookie = tls ? "__Host-sadump" : "sadump";
    }

    /** {@code POST /ui/login} {@code {"user", "password"}}: a new session, or one line that says nothing more. */
    void login(Context ctx) throws InterruptedException {
        JsonNode body = WebJson.body(ctx.body());
        String user = WebJson.string(body, "user", "");
        char[] password = WebJson.string(body, "password", "").toCharArray();
        String address = ctx.ip();
        try {
            Optional<Duration> locked = site.guard().refusal(user, address);
            Optional<HmcUser> verified = Optional.empty();
            if (locked.isEmpty()) {
                verified = site.users().verify(user, password);
            }
            if (verified.isEmpty()) {
                Duration wait = locked.isPresent() ? Duration.ZERO : site.guard().failed(user, address);
                site.audit().login(user, "web " + address, false, locked.isPresent() ? "locked out" : "wrong user or password");
                // the guard's delay slows the next guess; the answer is the same for every reason
                Thread.sleep(wait.toMillis());
                throw new WebErrors.NotLoggedOn(LOGON_REFUSED);
            }
            site.guard().succeeded(user, address);
            HmcUser u = verified.get();
            HmcSession s = site.sessions().create(u.name(), address, HmcSession.Kind.BROWSER);
            site.audit().login(u.name(), "web " + address, true, "browser session");
            String old = ctx.cookie(cookie);
            if (old != null) {
                site.sessions().end(old); // a fresh token at every logon (ASVS 7.2.4)
            }
            ctx.header("Set-Cookie", cookie + "=" + s.token() + "; Path=/; HttpOnly; SameSite=Strict"
                    + (tls ? "; Secure" : ""));
            ctx.json(describe(s, u));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** {@code POST /ui/logout}: the session ends on the server; the cookie is cleared. */
    void logout(Context ctx) {
        Caller c = require(ctx);
        checkCsrf(ctx, c);
        site.sessions().end(c.session().token());
        site.audit().logout(c.user().name(), c.origin(), "browser session ended");
        ctx.header("Set-Cookie", cookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : ""));
        ctx.status(204);
    }

    /** {@code GET /ui/session}: who is logged on, the tasks the role permits, the CSRF token. */
    void session(Context ctx) {
        Caller c = require(ctx);
        ctx.json(describe(c.session(), c.user()));
    }

    /** The caller of a request; 401 when no live session. Touches the session's idle clock. */
    Caller require(Context ctx) {
        String token = ctx.cookie(cookie);
        Optional<HmcSession> s = site.sessions().find(token);
        if (s.isEmpty() || s.get().kind() != HmcSession.Kind.BROWSER) {
            throw new WebErrors.NotLoggedOn("not logged on (or the session timed out): log on again");
        }
        Optional<HmcUser> u = site.users().find(s.get().user());
        if (u.isEmpty() || u.get().disabled()) {
            site.sessions().end(token);
            throw new WebErrors.NotLoggedOn("not logged on: the user was removed or disabled");
        }
        return new Caller(s.get(), u.get(), ctx.ip());
    }

    /** Whether the session of {@code token} is still live (without touching its idle clock's meaning for the user). */
    boolean alive(String token) {
        return site.sessions().list().stream().anyMatch(s -> s.token().equals(token));
    }

    /** A state-changing request must carry the session's CSRF token in {@value #CSRF_HEADER}. */
    void checkCsrf(Context ctx, Caller c) {
        if (!site.sessions().csrfMatches(c.session().token(), ctx.header(CSRF_HEADER))) {
            throw new WebErrors.Refused("refused: the request lacks this session's CSRF token (reload the page)");
        }
    }

    /**
     * A disruptive task asks for the password again (the HMC's {@code disruptive-pw-required}, ASVS 7.5.3).
     * A wrong one counts as a failed logon, so it cannot be guessed faster here than at the logon page.
     */
    void reauthenticate(Caller c, JsonNode body, HmcTask task) throws InterruptedException {
        char[] password = WebJson.string(body, "password", "").toCharArray();
        try {
            Optional<Duration> locked = site.guard().refusal(c.user().name(), c.address());
            if (locked.isEmpty() && site.users().verify(c.user().name(), password).isPresent()) {
                site.guard().succeeded(c.user().name(), c.address());
                return;
            }
            Duration wait = locked.isPresent() ? Duration.ZERO : site.guard().failed(c.user().name(), c.address());
            Thread.sleep(wait.toMillis());
            throw new WebErrors.Refused(task.title() + " refused: " + task.title() + " is disruptive and needs your "
                    + "password, and the one given is not right" + (locked.isPresent() ? " (or too many tries: wait a "
                    + "minute)" : ""));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private Map<String, Object> describe(HmcSession s, HmcUser u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", u.name());
        m.put("role", u.role());
        List<String> tasks = new ArrayList<>();
        Optional<Role> role = site.roles().role(u.role());
        for (WebTask t : WebTask.values()) {
            if (role.isPresent() && role.get().permits(t.task)) {
                tasks.add(t.slug);
            }
        }
        m.put("tasks", tasks);
        m.put("csrf", s.csrf());
        m.put("idleTimeoutSeconds", site.sessions().idleTimeout().toSeconds());
        m.put("reports", reports);
        return m;
    }
}
