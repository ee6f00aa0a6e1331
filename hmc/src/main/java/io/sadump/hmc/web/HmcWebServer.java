package io.sadump.hmc.web;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.sadump.hmc.api.WebServicesApi;
import io.sadump.hmc.security.HmcSite;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HMC in a browser: Javalin on Jetty 12 serving the console pages, their JSON endpoints under
 * {@code /ui/}, the operating-system messages as server-sent events, the dumps and the campaign reports,
 * on 127.0.0.1 by default and over TLS when given a certificate. (Javalin rather than the JDK's
 * HttpServer: Jetty brings TLS from a key store, server-sent events and streaming done right, and a
 * server that is tested by many; Javalin adds routing and little else.)
 *
 * <p>Security (docs/hmc.md): every answer carries {@link SecurityHeaders}; a POST needs a same-origin
 * request, a JSON body and the session's CSRF token; sessions, the login guard, roles and the audit log
 * are the {@link io.sadump.hmc.security.HmcSite}'s, shared with the Web Services API on the same server.
 */
public final class HmcWebServer implements AutoCloseable {
    /** The largest request body: JSON of a dialog, never a file. */
    static final long MAX_REQUEST_BYTES = 64 * 1024;
    /** How long a stopping server waits for running tasks (a dump of a large system takes a while). */
    static final long CLOSE_WAIT_MILLIS = 10 * 60_000L;

    private final HmcSite site;
    private final HmcWebConfig config;
    private final Optional<TlsKeys> tls;
    private final TaskGate gate = new TaskGate();
    private final SecurityHeaders headers;
    private final StaticPages pages = new StaticPages();
    private final BrowserSessions sessions;
    private final ConsoleEndpoints console;
    private final MessageStream messages;
    private final DumpEndpoints dumps;
    private final Optional<ReportPages> reports;
    private final WebServicesApi api;
    private final Javalin app;
    private boolean started;
    private boolean closed;

    public HmcWebServer(HmcSite site, HmcWebConfig config) {
        this.site = site;
        this.config = config;
        this.tls = config.tlsCert().map(c -> TlsKeys.load(c, config.tlsKey().orElseThrow()));
        this.headers = new SecurityHeaders(config.tls());
        this.sessions = new BrowserSessions(site, config.tls(), config.reports().isPresent());
        this.console = new ConsoleEndpoints(site, sessions, gate);
        this.messages = new MessageStream(console, sessions);
        this.dumps = new DumpEndpoints(site, sessions, console, messages, gate);
        this.reports = config.reports().map(r -> new ReportPages(r, sessions));
        this.api = new WebServicesApi(site);
        this.app = Javalin.create(this::configure);
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
        cfg.http.compressionStrategy = CompressionStrategy.NONE; // dumps stream as they are
        cfg.jetty.modifyServer(server -> server.setStopTimeout(5_000));
        if (tls.isPresent()) {
            cfg.jetty.addConnector(this::tlsConnector);
        }
        var r = cfg.routes;
        r.before(ctx -> {
            headers.apply(ctx);
            if (ctx.method().name().equals("POST") && ctx.path().startsWith("/ui/")) {
                sameOrigin(ctx);
            }
        });
        r.exception(Exception.class, WebErrors::handle);
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().equals("Not Found")) {
                WebErrors.send(ctx, 404, "no such page");
            }
        });
        // the Web Services API for automation on the same port, with its own X-API-Session check
        api.install(cfg);
        r.get("/", ctx -> pages.serve(ctx, "index.html"));
        r.get("/static/{name}", ctx -> pages.serve(ctx, ctx.pathParam("name")));
        r.post("/ui/login", sessions::login);
        r.post("/ui/logout", sessions::logout);
        r.get("/ui/session", sessions::session);
        r.get("/ui/machines", console::list);
        r.get("/ui/machines/{m}", console::status);
        r.get("/ui/machines/{m}/display/{what}", console::display);
        r.get("/ui/machines/{m}/mountable", console::mountable);
        r.post("/ui/machines/{m}/tasks/{t}", console::run);
        // the checks of the event stream run before it starts, so a refusal is a plain 401/403/404
        r.before("/ui/machines/{m}/events", ctx -> {
            BrowserSessions.Caller c = sessions.require(ctx);
            console.machine(c, WebTask.MESSAGES, ctx.pathParam("m"));
        });
        r.sse("/ui/machines/{m}/events", messages::open);
        r.get("/ui/machines/{m}/dumps", dumps::list);
        r.get("/ui/machines/{m}/dumps/{id}/download", dumps::download);
        r.post("/ui/machines/{m}/dumps/{id}/archive", dumps::archive);
        reports.ifPresent(p -> {
            r.get("/reports", p::serve); // also /reports/: the router ignores a trailing slash
            r.get("/reports/<path>", p::serve);
        });
    }

    /**
     * A POST must come from this console's own pages: a JSON body (a cross-site form cannot send one without
     * a preflight this server never allows), and no foreign {@code Origin} or {@code Sec-Fetch-Site}. The
     * CSRF token is checked besides, by each endpoint that changes state.
     */
    private void sameOrigin(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new WebErrors.Refused("refused: a POST to the console sends JSON (Content-Type application/json)");
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            throw new WebErrors.Refused("refused: a request from another site");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null")) {
            String host = ctx.header("Host");
            URI o;
            try {
                o = URI.create(origin);
            } catch (IllegalArgumentException e) {
                throw new WebErrors.Refused("refused: a request from another site");
            }
            String expected = (config.tls() ? "https" : "http");
            if (host == null || !expected.equals(o.getScheme()) || !host.equalsIgnoreCase(o.getRawAuthority())) {
                throw new WebErrors.Refused("refused: a request from another site (" + origin + ")");
            }
        } else if (origin != null) {
            throw new WebErrors.Refused("refused: a request from an opaque origin");
        }
    }

    private ServerConnector tlsConnector(Server server, HttpConfiguration http) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        TlsKeys keys = tls.orElseThrow();
        ssl.setKeyStore(keys.store());
        ssl.setKeyStorePassword(new String(keys.password()));
        ssl.setKeyManagerPassword(new String(keys.password()));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // a certificate for a name is often reached by its address on a console LAN: TLS still protects
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(config.bind());
        c.setPort(config.port());
        return c;
    }

    /** Starts listening; {@link #port()} tells where. */
    public synchronized HmcWebServer start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            if (tls.isPresent()) {
                app.start();
            } else {
                app.start(config.bind(), config.port());
            }
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException) {
                    messages.close();
                    throw new UncheckedIOException(new java.net.BindException("cannot listen on " + config.bind() + ":"
                            + config.port() + " (" + t.getMessage() + "): choose another --port or --bind"));
                }
            }
            throw e;
        }
        return this;
    }

    /** The port the server listens on (the one picked when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** The console's address, as an operator types it. */
    public String url() {
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        return (config.tls() ? "https" : "http") + "://" + host + ":" + port() + "/";
    }

    /** How many tasks run now (the stopping server waits for them). */
    public int runningTasks() {
        return gate.running();
    }

    /**
     * Stops: no new task starts, the running ones end (a dump is never cut short by a clean stop), the event
     * streams close, then the server stops listening.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gate.close(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        api.close(); // its jobs end first, as the console's tasks do
        messages.close();
        app.stop();
    }
}
