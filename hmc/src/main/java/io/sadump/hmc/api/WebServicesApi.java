package io.sadump.hmc.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sadump.hmc.ConsoleLine;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.LoadParameter;
import io.sadump.hmc.MachineBusyException;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import io.sadump.hmc.security.HmcSession;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcTask;
import io.sadump.hmc.security.HmcUser;
import io.sadump.hmc.security.NotPermittedException;
import io.sadump.hmc.security.PasswordRules;
import io.sadump.hmc.security.ObjectNotFoundException;
import io.sadump.ipl.IplException;
import io.sadump.ipl.LoadRequest;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineLockedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The HMC Web Services API subset (docs/hmc.md "Web Services API"): the
 * routes under {@code /api/}, their own {@code X-API-Session} check (no cookies, hence no CSRF token),
 * the asynchronous jobs ({@link JobRegistry}) and the WSAPI error body ({@link ApiError}).
 *
 * <p>Shapes follow what zhmcclient sends and reads (github zhmcclient/python-zhmcclient): logon and
 * logoff in {@code _session.py} ({@code Session._do_logon}, {@code _do_logoff}), the job polling in its
 * {@code Job} class, the list operations in {@code _manager.py} ({@code _list_with_operation}: a
 * {@code name} query, matched as a regular expression over the whole name), the LPAR operations' bodies
 * in {@code _lpar.py} ({@code Lpar.load} and friends), the URI table and answer shapes in
 * {@code mock/_urihandler.py}.
 *
 * <p>Every operation goes through {@link HmcMachine} (the same rules and locks as the CLI and the
 * browser), every permission through the site's Authorizer, and every operation, allowed or refused,
 * into the audit log with origin {@code api ADDRESS}.
 */
public final class WebServicesApi implements AutoCloseable {
    /** The HMC version this API answers as: 2.16.0 with API 4.10 (zhmcclient docs/concepts.rst). */
    public static final String HMC_VERSION = "2.16.0";
    public static final int API_MAJOR = 4;
    public static final int API_MINOR = 10;
    /** The session header (zhmcclient {@code _session.py}). */
    public static final String SESSION_HEADER = "X-API-Session";
    /** How long an operation's request waits for its task to get past its checks before answering 202. */
    static final Duration UNDERWAY_WAIT = Duration.ofSeconds(5);
    /** The LPAR operations this API runs, each with its task permission. */
    static final Map<String, HmcTask> OPERATIONS = Map.of("load", HmcTask.LOAD, "stop", HmcTask.STOP, "start",
            HmcTask.START, "psw-restart", HmcTask.PSW_RESTART, "reset-normal", HmcTask.RESET_NORMAL, "reset-clear",
            HmcTask.RESET_CLEAR);
    private static final Set<String> LOAD_FIELDS = Set.of("load-address", "load-parameter", "clear-indicator",
            "store-status-indicator", "timeout", "force");
    private static final Set<String> RESET_FIELDS = Set.of("force", "os-ipl-token");
    private static final Set<String> LOGON_FIELDS = Set.of("userid", "password");
    /** The longest user ID a logon takes (longer ones are refused before they are looked up or logged). */
    static final int MAX_USERID = 64;

    private final HmcSite site;
    private final JobRegistry jobs;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final String cpcId;
    private final String cpcName;
    private final String hmcName;
    private final SecureRandom random = new SecureRandom();

    public WebServicesApi(HmcSite site) {
        this(site, new JobRegistry());
    }

    WebServicesApi(HmcSite site, JobRegistry jobs) {
        this.site = site;
        this.jobs = jobs;
        this.cpcId = ObjectIds.cpc(site.state().dir());
        this.cpcName = "SADUMP";
        this.hmcName = hostName();
    }

    /** Installs the {@code /api/} routes on a Javalin being configured. */
    public void install(JavalinConfig config) {
        install(config.routes);
    }

    /** Installs the {@code /api/} routes on a created (not yet started) Javalin. */
    public void install(Javalin app) {
        install(app.unsafe.routes);
    }

    private void install(RoutesConfig r) {
        r.get("/api/version", open(this::version));
        r.post("/api/sessions", open(this::logon));
        r.delete("/api/sessions/this-session", authenticated(this::logoff));
        r.get("/api/console", authenticated(this::console));
        r.get("/api/cpcs", authenticated(this::listCpcs));
        r.get("/api/cpcs/{cpc}", authenticated(this::cpcProperties));
        r.get("/api/cpcs/{cpc}/logical-partitions", authenticated(this::listLpars));
        r.get("/api/logical-partitions/{lpar}", authenticated(this::lparProperties));
        r.get("/api/logical-partitions/{lpar}/operations/list-os-messages", authenticated(this::listOsMessages));
        r.post("/api/logical-partitions/{lpar}/operations/{operation}", authenticated(this::operation));
        r.get("/api/jobs/{job}", authenticated(this::queryJob));
        r.delete("/api/jobs/{job}", authenticated(this::deleteJob));
        Handler unknown = authenticated((ctx, who) -> {
            throw ApiError.notFound("no such URI in this API: " + ctx.method() + " " + ctx.path());
        });
        r.get("/api/*", unknown);
        r.post("/api/*", unknown);
        r.delete("/api/*", unknown);
        r.put("/api/*", unknown);
        r.patch("/api/*", unknown);
    }

    /** Waits for running jobs: a load is never cut short by a server that closes. */
    @Override
    public void close() {
        jobs.close();
    }

    // ------------------------------------------------------------------------------------------------
    // request plumbing

    /** Who sent a request: the API session and its user. */
    record Caller(HmcSession session, HmcUser user, String address) {
        String origin() {
            return "api " + address;
        }
    }

    private interface OpenRoute {
        void handle(Context ctx) throws Exception;
    }

    private interface Route {
        void handle(Context ctx, Caller who) throws Exception;
    }

    /** A route that needs no session ({@code /api/version}, logon). */
    private Handler open(OpenRoute route) {
        return ctx -> answered(ctx, () -> route.handle(ctx));
    }

    /** A route that needs a live API session in {@code X-API-Session}: 403.4 without, 403.5 for a bad one. */
    private Handler authenticated(Route route) {
        return ctx -> answered(ctx, () -> route.handle(ctx, caller(ctx)));
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs a route; what it throws is answered with the WSAPI error body: a user-level message, never a trace. */
    private void answered(Context ctx, Body body) throws Exception {
        try {
            body.run();
        } catch (ApiError e) {
            error(ctx, e);
        } catch (RuntimeException e) {
            error(ctx, mapped(e, ctx.method().name() + " " + ctx.path()));
        }
    }

    private Caller caller(Context ctx) {
        String token = ctx.header(SESSION_HEADER);
        if (token == null || token.isBlank()) {
            throw new ApiError(403, ApiError.SESSION_MISSING, "no " + SESSION_HEADER + " header: log on with POST "
                    + "/api/sessions and send its api-session value in that header");
        }
        Optional<HmcSession> s = site.sessions().find(token.strip())
                .filter(x -> x.kind() == HmcSession.Kind.API);
        Optional<HmcUser> u = s.flatMap(x -> site.users().find(x.user())).filter(x -> !x.disabled());
        if (u.isEmpty()) {
            s.ifPresent(x -> site.sessions().end(x.token())); // a disabled or removed user's session ends
            throw new ApiError(403, ApiError.SESSION_INVALID, "the API session is not valid (logged off, expired, "
                    + "or its user was disabled): log on again");
        }
        return new Caller(s.get(), u.get(), ctx.ip());
    }

    private void error(Context ctx, ApiError e) {
        ctx.status(e.status());
        send(ctx, e.body(ctx.method().name(), ctx.path()));
    }

    private void send(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rejects query parameters the operation does not know (400.1), as the book's common validation does. */
    private static void queryParameters(Context ctx, Set<String> known) {
        for (String q : ctx.queryParamMap().keySet()) {
            if (!known.contains(q)) {
                throw ApiError.badRequest(ApiError.BAD_QUERY_PARAMETER, "unknown query parameter '" + q + "'; this "
                        + "operation takes " + (known.isEmpty() ? "none" : String.join(", ", known.stream().sorted()
                                .toList())));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // version, logon, logoff

    /** Query API Version: no session needed (zhmcclient {@code Client.query_api_version}). */
    private void version(Context ctx) {
        queryParameters(ctx, Set.of());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("api-major-version", API_MAJOR);
        b.put("api-minor-version", API_MINOR);
        b.put("hmc-version", HMC_VERSION);
        b.put("hmc-name", hmcName);
        send(ctx, b);
    }

    /**
     * Logon ({@code Session._do_logon}): {userid, password} gives the session. A refused logon is 403.0
     * with one message whatever the cause (unknown user, wrong password, locked out, disabled), so the
     * answer does not say whether the user exists; failures slow down and lock out ({@code LoginGuard}).
     */
    private void logon(Context ctx) {
        queryParameters(ctx, Set.of());
        RequestBody body = RequestBody.parse(json, ctx.body(), true, LOGON_FIELDS);
        String userid = body.requiredString("userid");
        String typed = body.requiredString("password");
        if (userid.length() > MAX_USERID || typed.length() > PasswordRules.MAX) {
            // no user has such a name or password: refused before the guard, the hash or the audit log
            throw ApiError.badRequest(ApiError.FIELD_INVALID, "a user ID has at most " + MAX_USERID
                    + " characters, a password at most " + PasswordRules.MAX);
        }
        char[] password = typed.toCharArray();
        String origin = "api " + ctx.ip();
        Optional<HmcSession> session;
        try {
            session = logon(userid, password, origin);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (session.isEmpty()) {
            throw new ApiError(403, ApiError.LOGON_REFUSED, "logon refused: the user ID or password is not valid, "
                    + "or the user is locked out for a while after failed logons");
        }
        HmcSession s = session.get();
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("api-session", s.token());
        b.put("notification-topic", "sadump.notification." + topic(s));
        b.put("job-notification-topic", "sadump.job-notification." + topic(s));
        b.put("api-major-version", API_MAJOR);
        b.put("api-minor-version", API_MINOR);
        b.put("password-expires", -1);
        b.put("session-credential", credential());
        send(ctx, b);
    }

    /**
     * Checks a logon as the browser's does: the guard first (a locked-out user or address is refused
     * without looking at the password), then the password (constant work whether the user exists or
     * not); each failure counted and answered after the guard's delay; every attempt audited.
     */
    private Optional<HmcSession> logon(String userid, char[] password, String origin) {
        String address = origin.substring("api ".length());
        if (site.guard().refusal(userid, address).isPresent()) {
            site.audit().login(userid, origin, false, "refused: locked out after failed logons");
            return Optional.empty();
        }
        Optional<HmcUser> user = site.users().verify(userid, password).filter(u -> !u.disabled());
        if (user.isEmpty()) {
            Duration delay = site.guard().failed(userid, address);
            site.audit().login(userid, origin, false, "refused: wrong user ID or password, or user disabled");
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
        site.guard().succeeded(userid, address);
        HmcSession s = site.sessions().create(user.get().name(), address, HmcSession.Kind.API);
        site.audit().login(userid, origin, true, "API session opened");
        return Optional.of(s);
    }

    /**
     * The {@code session-credential} zhmcclient reads at logon: on an HMC it opens the notification
     * server (STOMP, port 61612), which this model does not run, so it is a fresh random value that
     * opens nothing.
     */
    private String credential() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A topic name that names the session without giving its token away. */
    private static String topic(HmcSession s) {
        return Integer.toHexString(s.token().hashCode() & 0x7fffffff);
    }

    /** Logoff ({@code Session._do_logoff}): 204, and the session is gone (its token then gives 403.5). */
    private void logoff(Context ctx, Caller who) {
        queryParameters(ctx, Set.of());
        site.sessions().end(who.session().token());
        site.audit().logout(who.user().name(), who.origin(), "API session closed");
        ctx.status(204);
    }

    // ------------------------------------------------------------------------------------------------
    // CPC and LPARs

    private String cpcUri() {
        return "/api/cpcs/" + cpcId;
    }

    private Map<String, Object> cpcListEntry() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("object-uri", cpcUri());
        p.put("name", cpcName);
        p.put("status", "operating");
        p.put("has-unacceptable-status", false);
        p.put("dpm-enabled", false);
        p.put("se-version", HMC_VERSION);
        return p;
    }

    /**
     * Get Console Properties: the HMC itself (zhmcclient's {@code Session.is_logon(verify=True)} reads
     * it to learn whether its session is still good).
     */
    private void console(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("properties"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("object-uri", "/api/console");
        p.put("class", "console");
        p.put("name", hmcName);
        p.put("description", "sadump HMC");
        p.put("version", HMC_VERSION);
        send(ctx, select(p, ctx.queryParam("properties")));
    }

    /** List CPCs ({@code CpcManager.list}, the mock's {@code CpcsHandler}): the site is one CPC. */
    private void listCpcs(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("name"));
        List<Map<String, Object>> cpcs = new ArrayList<>();
        if (nameMatches(ctx.queryParams("name"), cpcName)) {
            cpcs.add(cpcListEntry());
        }
        send(ctx, Map.of("cpcs", cpcs));
    }

    private void cpcProperties(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("properties", "cached-acceptable"));
        cpc(ctx);
        Map<String, Object> p = new LinkedHashMap<>(cpcListEntry());
        p.put("object-id", cpcId);
        p.put("class", "cpc");
        p.put("parent", "/api/console");
        p.put("description", "sadump: the machine directories served, one logical partition each");
        p.put("is-locked", false);
        p.put("iml-mode", "lpar");
        send(ctx, select(p, ctx.queryParam("properties")));
    }

    private void cpc(Context ctx) {
        if (!ctx.pathParam("cpc").equals(cpcId)) {
            throw ApiError.notFound("no CPC " + ctx.pathParam("cpc") + "; this HMC manages " + cpcUri());
        }
    }

    /**
     * List Logical Partitions of CPC ({@code LparManager.list}): the machines the user's role reaches,
     * filtered by {@code name} (regular expressions over the whole name, any of several).
     */
    private void listLpars(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("name", "additional-properties"));
        cpc(ctx);
        List<String> names = ctx.queryParams("name");
        String additional = ctx.queryParam("additional-properties");
        List<Map<String, Object>> lpars = new ArrayList<>();
        for (LparView v : visibleLpars(who)) {
            if (nameMatches(names, v.name())) {
                Map<String, Object> e = v.listEntry();
                if (additional != null && !additional.isBlank()) {
                    // zhmcclient's _list_with_operation: more properties in the list answer, by name
                    e.putAll(select(v.properties(names(additional)), additional));
                }
                lpars.add(e);
            }
        }
        send(ctx, Map.of("logical-partitions", lpars));
    }

    /** The HMC matches a name filter as a regular expression over the whole value (zhmcclient mock _hmc.py). */
    private static boolean nameMatches(List<String> patterns, String name) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (String p : patterns) {
            try {
                if (Pattern.compile(p).matcher(name).matches()) {
                    return true;
                }
            } catch (java.util.regex.PatternSyntaxException e) {
                throw ApiError.badRequest(ApiError.BAD_QUERY_PARAMETER, "query parameter 'name' is not a regular "
                        + "expression: " + e.getDescription());
            }
        }
        return false;
    }

    /**
     * The LPARs {@code who} sees: object access on an HMC; here the machines the role reaches whose
     * status it may display (the Display task), in name order.
     */
    private List<LparView> visibleLpars(Caller who) {
        List<LparView> out = new ArrayList<>();
        for (String name : site.authorizer().visibleMachines(who.user())) {
            if (site.authorizer().permits(who.user(), HmcTask.DISPLAY, name)) {
                out.add(new LparView(site.machine(who.user(), HmcTask.DISPLAY, name, who.origin()), cpcUri()));
            }
        }
        return out;
    }

    /**
     * The LPAR the path names, for {@code task}: through {@link HmcSite#machine}, the one permission
     * check (a refusal audited there): 404.1 when it is unknown or out of the role's scope, 403.1 when the
     * role does not permit the task.
     */
    private LparView lpar(Context ctx, Caller who, HmcTask task) {
        String id = ctx.pathParam("lpar");
        String name = null;
        for (String n : site.machineNames()) {
            if (ObjectIds.lpar(n).equals(id)) {
                name = n;
            }
        }
        try {
            if (name == null) {
                throw new ObjectNotFoundException(id);
            }
            return new LparView(site.machine(who.user(), task, name, who.origin()), cpcUri());
        } catch (ObjectNotFoundException e) {
            if (name == null) {
                site.audit().refused(who.user().name(), who.origin(), null, task.title(), "lpar " + id,
                        "no such logical partition");
            }
            throw ApiError.notFound("no logical partition " + id);
        } catch (NotPermittedException e) {
            throw new ApiError(403, ApiError.TASK_NOT_PERMITTED, "user " + who.user().name() + " may not run the "
                    + task.title() + " task (role " + who.user().role() + ")");
        }
    }

    /** Get Logical Partition Properties, all or those {@code ?properties=a,b} names. */
    private void lparProperties(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("properties", "cached-acceptable"));
        LparView v = lpar(ctx, who, HmcTask.DISPLAY);
        String names = ctx.queryParam("properties");
        send(ctx, select(v.properties(names(names)), names));
    }

    /** The property names of a {@code properties=a,b} query (empty: all). */
    private static Set<String> names(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (String n : list.split(",")) {
            out.add(n.strip());
        }
        return out;
    }

    /** The named properties only (names it does not have are left out, as the HMC does). */
    private static Map<String, Object> select(Map<String, Object> all, String names) {
        if (names == null || names.isBlank()) {
            return all;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : names.split(",")) {
            String k = n.strip();
            if (all.containsKey(k)) {
                out.put(k, all.get(k));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // OS messages

    /**
     * List OS Messages ({@code Lpar.list_os_messages}): the machine's console log, each line with its
     * line number as the sequence number (the same number the browser and the CLI show). Lines are never
     * held or priority messages; {@code max-messages} keeps the first N from {@code begin}.
     */
    private void listOsMessages(Context ctx, Caller who) {
        queryParameters(ctx, Set.of("begin-sequence-number", "end-sequence-number", "is-held", "is-priority",
                "max-messages"));
        LparView v = lpar(ctx, who, HmcTask.OS_MESSAGES);
        long begin = longQuery(ctx, "begin-sequence-number", 0);
        long end = longQuery(ctx, "end-sequence-number", Long.MAX_VALUE);
        long max = longQuery(ctx, "max-messages", 0);
        Optional<Boolean> held = boolQuery(ctx, "is-held");
        Optional<Boolean> priority = boolQuery(ctx, "is-priority");
        List<Map<String, Object>> out = new ArrayList<>();
        boolean none = held.orElse(false) || priority.orElse(false); // no line is held or priority
        if (!none) {
            for (ConsoleLine l : v.machine().console().since(Math.max(0, begin - 1))) {
                if (l.seq() < begin || l.seq() > end) {
                    continue;
                }
                if (max > 0 && out.size() >= max) {
                    break;
                }
                out.add(osMessage(l));
            }
        }
        send(ctx, Map.of("os-messages", out));
    }

    /** One os-message-info (docs/hmc.md "Operations and jobs"). */
    static Map<String, Object> osMessage(ConsoleLine l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sequence-number", l.seq());
        m.put("message-text", l.text());
        m.put("message-id", Long.toString(l.seq()));
        m.put("timestamp", l.time() == null ? -1 : l.time().toEpochMilli());
        m.put("sound-alarm", false);
        m.put("is-priority", false);
        m.put("is-held", false);
        m.put("prompt-text", null);
        return m;
    }

    private static long longQuery(Context ctx, String name, long otherwise) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(ApiError.BAD_QUERY_PARAMETER, "query parameter '" + name
                    + "' must be a number from 0, not '" + v + "'");
        }
    }

    private static Optional<Boolean> boolQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return Optional.empty();
        }
        return switch (v.strip()) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw ApiError.badRequest(ApiError.BAD_QUERY_PARAMETER, "query parameter '" + name
                    + "' must be true or false, not '" + v + "'");
        };
    }

    // ------------------------------------------------------------------------------------------------
    // operations

    /** A refusal before the task ran (bad input, wrong state), audited as the task's. */
    private ApiError refused(Caller who, LparView v, HmcTask task, String options, ApiError e) {
        site.audit().refused(who.user().name(), who.origin(), v.name(), task.title(), options, e.getMessage());
        return e;
    }

    /** An LPAR operation: checked, then run as a job; 202 {job-uri} once it is underway. */
    private void operation(Context ctx, Caller who) throws InterruptedException {
        String op = ctx.pathParam("operation");
        HmcTask task = OPERATIONS.get(op);
        if (task == null) {
            throw ApiError.notFound("no operation '" + op + "' on logical partitions in this API; it has "
                    + String.join(", ", OPERATIONS.keySet().stream().sorted().toList()));
        }
        queryParameters(ctx, Set.of());
        LparView v = lpar(ctx, who, task);
        Work work;
        try {
            work = switch (op) {
                case "load" -> load(ctx, v);
                case "reset-normal", "reset-clear" -> reset(ctx, v, op.equals("reset-clear"));
                case "stop" -> {
                    RequestBody.none(ctx.body());
                    yield (m, c) -> m.stop(c);
                }
                case "start" -> {
                    RequestBody.none(ctx.body());
                    yield (m, c) -> m.start(c);
                }
                default -> {
                    RequestBody.none(ctx.body());
                    yield (m, c) -> m.restart(c);
                }
            };
        } catch (RuntimeException e) {
            // bad input, the force rule, or busy (the machine is read for its state): audited as refused
            throw refused(who, v, task, op, mapped(e, op));
        }
        String user = who.user().name();
        String origin = who.origin();
        Job job = jobs.submit(user, ctx.method().name(), ctx.path(), j -> {
            try {
                work.run(v.machine(), new TaskContext(user, origin, underway(j)));
                return JobOutcome.ok();
            } catch (Exception e) {
                return JobOutcome.failed(mapped(e, op));
            }
        });
        respond(ctx, job);
    }

    /** What an operation runs on the machine. */
    private interface Work {
        void run(HmcMachine machine, TaskContext ctx) throws IOException;
    }

    private void respond(Context ctx, Job job) throws InterruptedException {
        job.awaitUnderway(UNDERWAY_WAIT);
        JobOutcome o = job.outcome();
        if (o != null && !job.begun() && !o.succeeded() && o.statusCode() != 500) {
            // refused before it began (busy, wrong CPU state): the synchronous answer, as the HMC's
            jobs.forget(job);
            throw new ApiError(o.statusCode(), o.reasonCode(), (String) o.results().get("message"));
        }
        ctx.status(202);
        ctx.header("Location", job.uri());
        send(ctx, Map.of("job-uri", job.uri()));
    }

    /** An observer that marks the job underway at the task's first console line or progress. */
    private static TaskObserver underway(Job job) {
        AtomicBoolean first = new AtomicBoolean(true);
        return new TaskObserver() {
            @Override
            public void message(String line) {
                if (first.compareAndSet(true, false)) {
                    job.markUnderway();
                }
            }

            @Override
            public void progress(long done, long total) {
                if (first.compareAndSet(true, false)) {
                    job.markUnderway();
                }
            }
        };
    }

    /**
     * Load Logical Partition ({@code Lpar.load}): {@code load-address} (default: the last used),
     * {@code load-parameter}, {@code clear-indicator} (default true: the API's default is a load clear,
     * which zeroes storage; send false to dump), {@code store-status-indicator} (default false),
     * {@code timeout} 60-600 s (checked; a model load is never abandoned), {@code force} (needed when the
     * LPAR is operating; with it a normal load stops the CPUs first, as the operator would).
     */
    private Work load(Context ctx, LparView v) {
        RequestBody b = RequestBody.parse(json, ctx.body(), false, LOAD_FIELDS);
        Optional<String> address = b.string("load-address").filter(s -> !s.isBlank());
        DeviceNumber device = address.map(LastLoad::parseAddress)
                .orElseGet(() -> LastLoad.parseAddress(LastLoad.of(v.machine()).address()));
        String rawLoadparm = b.string("load-parameter").orElse("");
        boolean clear = b.bool("clear-indicator", true);
        boolean storeStatus = b.bool("store-status-indicator", false);
        b.integer("timeout", 60, 600); // checked as the book bounds it; a model load is never abandoned
        boolean force = b.bool("force", false);
        LoadRequest request;
        try {
            // upper-cased as the HMC's Load window does; the characters checked as the CLI checks them
            request = new LoadRequest(device, clear, storeStatus, LoadParameter.check(rawLoadparm));
        } catch (InvalidValueException e) {
            throw ApiError.badRequest(ApiError.FIELD_INVALID, e.getMessage());
        }
        boolean operating = v.status().equals("operating");
        if (operating && !force) {
            throw ApiError.wrongState("logical partition " + v.name() + " is operating: a load needs force: true "
                    + "(or stop it first with the stop operation)");
        }
        return (m, c) -> {
            if (force && !clear && m.runState().isOperating()) {
                // a normal load needs stopped CPUs (the library's rule); force is the operator's stop
                m.stop(c);
            }
            m.load(request, c);
        };
    }

    /**
     * Reset Normal / Reset Clear ({@code Lpar.reset_normal}, {@code reset_clear}): an operating (or
     * exceptions) LPAR needs {@code force}, the API's confirmation that a running system may go.
     */
    private Work reset(Context ctx, LparView v, boolean clear) {
        RequestBody b = RequestBody.parse(json, ctx.body(), false, RESET_FIELDS);
        boolean force = b.bool("force", false);
        b.string("os-ipl-token"); // z/OS only: type-checked, nothing to match on Linux
        String status = v.status();
        if (!force && (status.equals("operating") || status.equals("exceptions"))) {
            throw ApiError.wrongState("logical partition " + v.name() + " is " + status + ": a reset needs force: "
                    + "true");
        }
        return (m, c) -> m.reset(clear, c);
    }

    /** The API's answer for what a task threw. */
    static ApiError mapped(Exception e, String op) {
        if (e instanceof ApiError a) {
            return a;
        }
        if (e instanceof MachineBusyException b) {
            return new ApiError(409, ApiError.BUSY, "busy: " + b.holder().describe());
        }
        if (e instanceof MachineLockedException) {
            return new ApiError(409, ApiError.BUSY, e.getMessage());
        }
        if (e instanceof CpuStateException) {
            return ApiError.wrongState(e.getMessage());
        }
        if (e instanceof NotPermittedException) {
            return new ApiError(403, ApiError.TASK_NOT_PERMITTED, e.getMessage());
        }
        if (e instanceof ObjectNotFoundException) {
            return ApiError.notFound(e.getMessage());
        }
        if (e instanceof InvalidValueException || e instanceof IplException) {
            // a load address with no device, or one that holds no dump tool: the request's value
            return ApiError.badRequest(ApiError.FIELD_INVALID, e.getMessage());
        }
        return new ApiError(500, ApiError.INTERNAL, op + " failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    // ------------------------------------------------------------------------------------------------
    // jobs

    /** Query Job Status ({@code Job.query_status}); only the user who started the job sees it. */
    private void queryJob(Context ctx, Caller who) {
        queryParameters(ctx, Set.of());
        Job j = jobs.find(ctx.pathParam("job"), who.user().name())
                .orElseThrow(() -> ApiError.notFound("no job " + ctx.pathParam("job")));
        send(ctx, j.status());
    }

    /** Delete Completed Job Status ({@code Job.delete}): 204; 409.40 while it runs. */
    private void deleteJob(Context ctx, Caller who) {
        queryParameters(ctx, Set.of());
        jobs.delete(ctx.pathParam("job"), who.user().name());
        ctx.status(204);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "sadump";
        }
    }
}
