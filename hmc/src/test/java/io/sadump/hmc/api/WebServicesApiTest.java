package io.sadump.hmc.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.sadump.fixtures.Corruption;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.security.AuditEntry;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.PasswordHash;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import io.sadump.machine.MachineDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Web Services API over HTTP, with requests built as zhmcclient builds them ({@link WsapiClient}):
 * every field of the answers, the session rules, the permission and state refusals with their reason
 * codes, the job model, the OS messages after a load, the audit trail.
 */
class WebServicesApiTest {
    static final String ALICE_PW = "alice-operator-pw";
    static final String VICTOR_PW = "victor-viewer-pw";

    @TempDir
    Path tmp;
    Path sys1;
    Path sys2;
    HmcState state;
    HmcSite site;
    WebServicesApi api;
    Javalin app;
    WsapiClient alice;

    @BeforeEach
    void server() throws Exception {
        Path machines = tmp.resolve("machines");
        Files.createDirectories(machines);
        sys1 = ApiMachines.copy(machines, "sys1");
        sys2 = ApiMachines.copy(machines, "sys2");
        state = HmcState.at(tmp.resolve("state"));
        // cheap hashing: the tests log on many times; the default's cost is UserStore's own test's business
        UserStore users = new UserStore(state, RoleCatalog.load(state.dir()), new PasswordHash(1024, 1, 1),
                Clock.systemUTC());
        site = HmcSite.of(List.of(machines), state, Optional.empty(), users, Clock.systemUTC());
        site.users().add("alice", "operator", ALICE_PW.toCharArray());
        site.users().add("victor", "viewer", VICTOR_PW.toCharArray());
        api = new WebServicesApi(site);
        app = Javalin.create(api::install).start("127.0.0.1", 0);
        alice = new WsapiClient(app.port());
        WsapiClient.Answer on = alice.logon("alice", ALICE_PW);
        assertThat(on.status()).as(String.valueOf(on.body())).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        app.stop();
        api.close();
    }

    String cpcUri() throws Exception {
        return alice.get("/api/cpcs").body().get("cpcs").get(0).get("object-uri").asText();
    }

    String lparUri(String name) throws Exception {
        JsonNode l = alice.get(cpcUri() + "/logical-partitions?name=" + name).body().get("logical-partitions");
        assertThat(l).hasSize(1);
        return l.get(0).get("object-uri").asText();
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** The WSAPI error body, every field. */
    static void assertError(WsapiClient.Answer a, int status, int reason, String method, String uri) {
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(status);
        assertThat(fieldNames(a.body())).containsExactly("http-status", "reason", "message", "request-method",
                "request-uri");
        assertThat(a.body().get("http-status").asInt()).isEqualTo(status);
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(a.body().get("message").asText()).isNotBlank();
        assertThat(a.body().get("request-method").asText()).isEqualTo(method);
        assertThat(a.body().get("request-uri").asText()).isEqualTo(uri);
    }

    @Test
    void versionNeedsNoSessionAndAnswersAsHmc216() throws Exception {
        WsapiClient anonymous = new WsapiClient(app.port());
        WsapiClient.Answer v = anonymous.get("/api/version");
        assertThat(v.status()).isEqualTo(200);
        assertThat(fieldNames(v.body())).containsExactly("api-major-version", "api-minor-version", "hmc-version",
                "hmc-name");
        assertThat(v.body().get("api-major-version").asInt()).isEqualTo(4);
        assertThat(v.body().get("api-minor-version").asInt()).isEqualTo(10);
        assertThat(v.body().get("hmc-version").asText()).isEqualTo("2.16.0");
        assertThat(v.body().get("hmc-name").asText()).isNotBlank();
    }

    @Test
    void logonGivesASessionLogoffEndsIt() throws Exception {
        WsapiClient c = new WsapiClient(app.port());
        WsapiClient.Answer on = c.logon("victor", VICTOR_PW);
        assertThat(on.status()).isEqualTo(200);
        assertThat(fieldNames(on.body())).containsExactly("api-session", "notification-topic",
                "job-notification-topic", "api-major-version", "api-minor-version", "password-expires",
                "session-credential");
        String token = on.body().get("api-session").asText();
        assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 256 bits, base64url
        assertThat(on.body().get("session-credential").asText()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(token);
        assertThat(on.body().get("notification-topic").asText()).isNotEqualTo(
                on.body().get("job-notification-topic").asText()).doesNotContain(token);
        assertThat(on.body().get("api-major-version").asInt()).isEqualTo(4);
        assertThat(on.body().get("api-minor-version").asInt()).isEqualTo(10);
        assertThat(on.body().get("password-expires").asInt()).isEqualTo(-1);
        assertThat(c.get("/api/cpcs").status()).isEqualTo(200);

        WsapiClient.Answer off = c.delete("/api/sessions/this-session");
        assertThat(off.status()).isEqualTo(204);
        assertThat(off.body()).isNull();
        assertError(c.get("/api/cpcs"), 403, 5, "GET", "/api/cpcs");
        assertError(c.delete("/api/sessions/this-session"), 403, 5, "DELETE", "/api/sessions/this-session");

        List<AuditEntry> log = site.audit().read().entries();
        assertThat(log).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditEntry.LOGIN);
            assertThat(e.user()).isEqualTo("victor");
            assertThat(e.address()).isEqualTo("api 127.0.0.1");
            assertThat(e.allowed()).isTrue();
        }).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditEntry.LOGOUT);
            assertThat(e.user()).isEqualTo("victor");
        });
        assertThat(Files.readString(site.audit().file())).doesNotContain(token).doesNotContain(VICTOR_PW);
    }

    @Test
    void noHeaderIs4034ABadOneIs4035AWrongPasswordIs4030AndAllLookAlike() throws Exception {
        WsapiClient c = new WsapiClient(app.port());
        assertError(c.get("/api/cpcs"), 403, 4, "GET", "/api/cpcs");
        assertError(c.post(lparUri("sys1") + "/operations/stop", null), 403, 4, "POST",
                lparUri("sys1") + "/operations/stop");
        c.session("not-a-session");
        assertError(c.get("/api/cpcs"), 403, 5, "GET", "/api/cpcs");

        WsapiClient d = new WsapiClient(app.port());
        WsapiClient.Answer wrong = d.logon("alice", "not-her-password");
        assertError(wrong, 403, 0, "POST", "/api/sessions");
        WsapiClient.Answer nobody = d.logon("mallory", "whatever-password");
        assertError(nobody, 403, 0, "POST", "/api/sessions");
        assertThat(nobody.body().get("message")).isEqualTo(wrong.body().get("message"));
        assertError(d.post("/api/sessions", Map.of("userid", "alice")), 400, 5, "POST", "/api/sessions");
        assertError(d.post("/api/sessions", null), 400, 3, "POST", "/api/sessions");
        assertError(d.post("/api/sessions", Map.of("userid", "a".repeat(65), "password", "x")), 400, 7, "POST",
                "/api/sessions");
        assertError(d.post("/api/sessions", Map.of("userid", "alice", "password", "p".repeat(129))), 400, 7, "POST",
                "/api/sessions");
        assertError(d.post("/api/sessions", Map.of("userid", "alice", "password", ALICE_PW, "colour", "red")), 400,
                6, "POST", "/api/sessions");
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditEntry.LOGIN);
            assertThat(e.user()).isEqualTo("mallory");
            assertThat(e.allowed()).isFalse();
        });
    }

    @Test
    void theCpcAndItsLogicalPartitionsWithEveryProperty() throws Exception {
        WsapiClient.Answer cpcs = alice.get("/api/cpcs");
        assertThat(cpcs.status()).isEqualTo(200);
        assertThat(fieldNames(cpcs.body())).containsExactly("cpcs");
        JsonNode cpc = cpcs.body().get("cpcs").get(0);
        assertThat(cpcs.body().get("cpcs")).hasSize(1);
        assertThat(fieldNames(cpc)).containsExactly("object-uri", "name", "status", "has-unacceptable-status",
                "dpm-enabled", "se-version");
        String cpcId = ObjectIds.cpc(state.dir());
        assertThat(cpc.get("object-uri").asText()).isEqualTo("/api/cpcs/" + cpcId);
        assertThat(cpc.get("dpm-enabled").asBoolean()).isFalse();
        assertThat(alice.get("/api/cpcs?name=SADUMP").body().get("cpcs")).hasSize(1);
        assertThat(alice.get("/api/cpcs?name=OTHER").body().get("cpcs")).isEmpty();
        JsonNode cpcProps = alice.get("/api/cpcs/" + cpcId).body();
        assertThat(cpcProps.get("object-id").asText()).isEqualTo(cpcId);
        assertThat(cpcProps.get("class").asText()).isEqualTo("cpc");
        assertError(alice.get("/api/cpcs/nope"), 404, 1, "GET", "/api/cpcs/nope");
        JsonNode console = alice.get("/api/console").body();
        assertThat(fieldNames(console)).containsExactly("object-uri", "class", "name", "description", "version");
        assertThat(console.get("object-uri").asText()).isEqualTo(cpcProps.get("parent").asText());
        assertThat(console.get("version").asText()).isEqualTo("2.16.0");

        WsapiClient.Answer list = alice.get("/api/cpcs/" + cpcId + "/logical-partitions");
        assertThat(list.status()).isEqualTo(200);
        JsonNode lpars = list.body().get("logical-partitions");
        assertThat(lpars).hasSize(2);
        assertThat(fieldNames(lpars.get(0))).containsExactly("object-uri", "name", "status");
        assertThat(lpars.get(0).get("name").asText()).isEqualTo("sys1");
        assertThat(lpars.get(1).get("name").asText()).isEqualTo("sys2");
        assertThat(lpars.get(0).get("status").asText()).isEqualTo("operating");
        String id1 = ObjectIds.lpar("sys1");
        assertThat(lpars.get(0).get("object-uri").asText()).isEqualTo("/api/logical-partitions/" + id1);
        assertThat(id1).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        // the name filter is a regular expression over the whole name, as zhmcclient sends it
        assertThat(alice.get("/api/cpcs/" + cpcId + "/logical-partitions?name=sys1").body()
                .get("logical-partitions")).hasSize(1);
        assertThat(alice.get("/api/cpcs/" + cpcId + "/logical-partitions?name=sys").body()
                .get("logical-partitions")).isEmpty();
        assertThat(alice.get("/api/cpcs/" + cpcId + "/logical-partitions?name=sys.*").body()
                .get("logical-partitions")).hasSize(2);

        JsonNode more = alice.get("/api/cpcs/" + cpcId + "/logical-partitions?name=sys2&additional-properties="
                + "last-used-load-address,is-locked").body().get("logical-partitions");
        assertThat(fieldNames(more.get(0))).containsExactly("object-uri", "name", "status", "last-used-load-address",
                "is-locked");

        JsonNode p = alice.get("/api/logical-partitions/" + id1).body();
        assertThat(fieldNames(p)).containsExactly("object-uri", "object-id", "parent", "class", "name",
                "description", "status", "acceptable-status", "has-unacceptable-status", "is-locked",
                "activation-mode", "program-status-word-information", "last-used-load-address",
                "last-used-load-parameter", "last-used-load-type", "has-operating-system-messages", "os-type",
                "os-name", "os-level", "number-general-purpose-processors", "storage-central-allocation");
        assertThat(p.get("object-id").asText()).isEqualTo(id1);
        assertThat(p.get("parent").asText()).isEqualTo("/api/cpcs/" + cpcId);
        assertThat(p.get("class").asText()).isEqualTo("logical-partition");
        assertThat(p.get("name").asText()).isEqualTo("sys1");
        assertThat(p.get("status").asText()).isEqualTo("operating");
        assertThat(p.get("has-unacceptable-status").asBoolean()).isFalse();
        assertThat(p.get("is-locked").asBoolean()).isFalse();
        HmcMachine m = HmcMachine.open(sys1);
        JsonNode psw = p.get("program-status-word-information");
        assertThat(psw).hasSize(m.status().cpuCount());
        assertThat(psw.get(0).get("cpid").asText()).isEqualTo("00");
        assertThat(psw.get(1).get("cpid").asText()).isEqualTo("01");
        assertThat(psw.get(0).get("psw").asText()).matches("[0-9A-F]{32}")
                .isEqualTo(m.status().psws().get(0).psw().toUpperCase());
        assertThat(p.get("last-used-load-address").asText()).isEqualTo("00000");
        assertThat(p.get("last-used-load-parameter").asText()).isEmpty();
        assertThat(p.get("has-operating-system-messages").asBoolean()).isTrue();
        assertThat(p.get("os-type").asText()).isEqualTo("Linux");
        assertThat(p.get("os-name").asText()).isEqualTo("sys1");
        assertThat(p.get("number-general-purpose-processors").asInt()).isEqualTo(2);
        assertThat(p.get("storage-central-allocation").get(0).get("initial").asLong()).isEqualTo(128);

        JsonNode some = alice.get("/api/logical-partitions/" + id1 + "?properties=status,name,no-such").body();
        assertThat(fieldNames(some)).containsExactly("status", "name");
        assertError(alice.get("/api/logical-partitions/" + id1 + "?colour=red"), 400, 1, "GET",
                "/api/logical-partitions/" + id1);
        assertError(alice.get("/api/logical-partitions/unknown"), 404, 1, "GET", "/api/logical-partitions/unknown");
        assertError(alice.get("/api/nothing-here"), 404, 1, "GET", "/api/nothing-here");

        // stable: a second server on the same state and machines gives the same ids
        WebServicesApi again = new WebServicesApi(site);
        assertThat(ObjectIds.cpc(site.state().dir())).isEqualTo(cpcId);
        again.close();
    }

    @Test
    void aStopIsAJobThatCompletesAndIsDeleted() throws Exception {
        String lpar = lparUri("sys1");
        WsapiClient.Answer a = alice.post(lpar + "/operations/stop", null);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(202);
        assertThat(fieldNames(a.body())).containsExactly("job-uri");
        String job = a.body().get("job-uri").asText();
        assertThat(job).matches("/api/jobs/[0-9a-f-]{36}");
        assertThat(a.location()).isEqualTo(job);

        JsonNode done = alice.waitForCompletion(job);
        assertThat(fieldNames(done)).containsExactly("status", "job-status-code", "job-reason-code", "job-results");
        assertThat(done.get("status").asText()).isEqualTo("complete");
        assertThat(done.get("job-status-code").asInt()).isEqualTo(200);
        assertThat(done.get("job-reason-code").asInt()).isZero();
        assertThat(done.get("job-results").isNull()).isTrue();
        assertError(alice.get(job), 404, 1, "GET", job); // deleted by waitForCompletion
        assertThat(alice.get(lpar + "?properties=status").body().get("status").asText()).isEqualTo("not-operating");

        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditEntry.TASK);
            assertThat(e.user()).isEqualTo("alice");
            assertThat(e.address()).isEqualTo("api 127.0.0.1");
            assertThat(e.machine()).contains("sys1");
            assertThat(e.task()).isEqualTo("Stop All");
            assertThat(e.allowed()).isTrue();
        });

        // another user does not see alice's jobs
        WsapiClient victor = new WsapiClient(app.port());
        victor.logon("victor", VICTOR_PW);
        String second = alice.post(lpar + "/operations/start", null).body().get("job-uri").asText();
        assertError(victor.get(second), 404, 1, "GET", second);
        assertThat(alice.waitForCompletion(second).get("job-status-code").asInt()).isEqualTo(200);
    }

    @Test
    void aViewerIsRefusedEveryOperationWith4031AndTheRefusalIsAudited() throws Exception {
        WsapiClient victor = new WsapiClient(app.port());
        victor.logon("victor", VICTOR_PW);
        String lpar = lparUri("sys1");
        byte[] cpus = Files.readAllBytes(sys1.resolve(MachineDirectory.CPUS));
        for (String op : List.of("load", "stop", "start", "psw-restart", "reset-normal", "reset-clear")) {
            Object body = op.equals("load") ? Map.of("load-address", "00190", "clear-indicator", false) : null;
            assertError(victor.post(lpar + "/operations/" + op, body), 403, 1, "POST", lpar + "/operations/" + op);
        }
        assertThat(Files.readAllBytes(sys1.resolve(MachineDirectory.CPUS))).isEqualTo(cpus);
        // a viewer may display and read the messages
        assertThat(victor.get(lpar).status()).isEqualTo(200);
        assertThat(victor.get(lpar + "/operations/list-os-messages").status()).isEqualTo(200);
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.user()).isEqualTo("victor");
            assertThat(e.task()).isEqualTo("Load");
            assertThat(e.machine()).contains("sys1");
            assertThat(e.allowed()).isFalse();
        });
        assertError(alice.post("/api/logical-partitions/unknown/operations/stop", null), 404, 1, "POST",
                "/api/logical-partitions/unknown/operations/stop");
    }

    @Test
    void badRequestsAreRefusedWithTheBooksReasonCodes() throws Exception {
        alice.post(lparUri("sys1") + "/operations/stop", null);
        String load = lparUri("sys1") + "/operations/load";
        assertError(alice.post(load, Map.of("load-adress", "00190")), 400, 6, "POST", load);
        assertError(alice.post(load, Map.of("load-address", 190)), 400, 7, "POST", load);
        assertError(alice.post(load, Map.of("load-address", "0019G")), 400, 7, "POST", load);
        assertError(alice.post(load, Map.of("load-address", "00190", "clear-indicator", "no")), 400, 7, "POST", load);
        assertError(alice.post(load, Map.of("load-address", "00190", "timeout", 30)), 400, 7, "POST", load);
        assertError(alice.post(load, Map.of("load-address", "00190", "load-parameter", "A-B")), 400, 7, "POST",
                load);
        assertError(alice.post(load, Map.of("load-address", "00190", "load-parameter", "TOOLONG12")), 400, 7,
                "POST", load);
        assertError(alice.post(load, Map.of("load-address", "00190", "clear-indicator", true,
                "store-status-indicator", true)), 400, 7, "POST", load);
        assertError(alice.post(load, "[1,2]"), 400, 7, "POST", load);
        assertError(alice.post(load, "{not json"), 400, 7, "POST", load);
        // a load address with no device: the load begins (as on an HMC, the job reports it)
        WsapiClient.Answer none = alice.post(load, Map.of("load-address", "00999", "clear-indicator", false));
        assertThat(none.status()).isEqualTo(202);
        JsonNode failed = alice.waitForCompletion(none.body().get("job-uri").asText());
        assertThat(failed.get("status").asText()).isEqualTo("complete");
        assertThat(failed.get("job-status-code").asInt()).isEqualTo(400);
        assertThat(failed.get("job-reason-code").asInt()).isEqualTo(7);
        assertThat(fieldNames(failed.get("job-results"))).containsExactly("message");
        assertThat(failed.get("job-results").get("message").asText()).isEqualTo(
                "no device at load address 0.0.0999; attached: 0.0.0190 (3390 DASD)");
        String stop = lparUri("sys1") + "/operations/stop";
        assertError(alice.post(stop, Map.of("force", true)), 400, 4, "POST", stop);
        assertError(alice.post(lparUri("sys1") + "/operations/activate", null), 404, 1, "POST",
                lparUri("sys1") + "/operations/activate");
        assertError(alice.get(lparUri("sys1") + "/operations/list-os-messages?max-messages=-1"), 400, 1, "GET",
                lparUri("sys1") + "/operations/list-os-messages");
    }

    @Test
    void aNormalLoadOfAnOperatingLparNeedsForceAndWithForceTheDumpRuns() throws Exception {
        String lpar = lparUri("sys1");
        Map<String, Object> normal = new LinkedHashMap<>();
        normal.put("load-address", "00190");
        normal.put("clear-indicator", false);
        normal.put("store-status-indicator", true);
        long before = HmcMachine.open(sys1).console().last();
        WsapiClient.Answer refused = alice.post(lpar + "/operations/load", normal);
        assertError(refused, 409, 1, "POST", lpar + "/operations/load");
        assertThat(refused.body().get("message").asText()).contains("force");
        assertThat(HmcMachine.open(sys1).console().last()).isEqualTo(before);
        assertThat(alice.get(lpar + "?properties=status").body().get("status").asText()).isEqualTo("operating");

        normal.put("force", true);
        normal.put("load-parameter", "PROD1");
        WsapiClient.Answer a = alice.post(lpar + "/operations/load", normal);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(202);
        JsonNode done = alice.waitForCompletion(a.body().get("job-uri").asText());
        assertThat(done.get("job-status-code").asInt()).isEqualTo(200);
        assertThat(done.get("job-results").isNull()).isTrue();
        JsonNode p = alice.get(lpar + "?properties=last-used-load-address,last-used-load-parameter").body();
        assertThat(p.get("last-used-load-address").asText()).isEqualTo("00190");
        assertThat(p.get("last-used-load-parameter").asText()).isEqualTo("PROD1");

        JsonNode msgs = alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (before + 1)).body()
                .get("os-messages");
        List<String> text = new ArrayList<>();
        long seq = before;
        for (JsonNode m : msgs) {
            assertThat(fieldNames(m)).containsExactly("sequence-number", "message-text", "message-id", "timestamp",
                    "sound-alarm", "is-priority", "is-held", "prompt-text");
            assertThat(m.get("sequence-number").asLong()).isEqualTo(seq + 1);
            seq = m.get("sequence-number").asLong();
            assertThat(m.get("message-id").asText()).isEqualTo(Long.toString(seq));
            assertThat(m.get("timestamp").asLong()).isGreaterThan(0);
            assertThat(m.get("is-held").asBoolean()).isFalse();
            assertThat(m.get("prompt-text").isNull()).isTrue();
            text.add(m.get("message-text").asText());
        }
        // the forced load stopped the CPUs first (the operator's stop), then the dumper's lines
        assertThat(text.get(0)).startsWith("HMC: stop:");
        assertThat(text).contains("HMC: load 0.0.0190 (normal, store status, loadparm PROD1)",
                "zIPL v2.31.0 dump tool (64 bit)");
        assertThat(text).anySatisfy(t -> assertThat(t).startsWith("kdump: saving vmcore to "));
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.task()).isEqualTo("Load");
            assertThat(e.user()).isEqualTo("alice");
            assertThat(e.address()).isEqualTo("api 127.0.0.1");
            assertThat(e.allowed()).isTrue();
        }).anySatisfy(e -> {
            assertThat(e.task()).isEqualTo("Load");
            assertThat(e.allowed()).isFalse();
            assertThat(e.outcome()).contains("force");
        });

        // max-messages, end, is-held as zhmcclient sends them
        JsonNode two = alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (before + 1)
                + "&max-messages=2").body().get("os-messages");
        assertThat(two).hasSize(2);
        assertThat(two.get(1).get("sequence-number").asLong()).isEqualTo(before + 2);
        JsonNode range = alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=2&end-sequence-number=4")
                .body().get("os-messages");
        assertThat(range).hasSize(3);
        assertThat(alice.get(lpar + "/operations/list-os-messages?is-held=true").body().get("os-messages")).isEmpty();
    }

    @Test
    void aLoadOfADamagedKdumpKernelGivesThe4533LineAndTheStandAloneDump() throws Exception {
        ApiMachines.inject(sys1, Corruption.SEGMENT_BITFLIP_KERNEL, 3);
        String lpar = lparUri("sys1");
        assertThat(alice.waitForCompletion(alice.post(lpar + "/operations/stop", null).body().get("job-uri").asText())
                .get("job-status-code").asInt()).isEqualTo(200);
        long before = HmcMachine.open(sys1).console().last();
        WsapiClient.Answer a = alice.post(lpar + "/operations/load",
                Map.of("load-address", "190", "clear-indicator", false, "store-status-indicator", true));
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(202);
        JsonNode done = alice.waitForCompletion(a.body().get("job-uri").asText());
        // the Load completed: the IPL ran; the dumper's verdict is in the messages, as on an HMC
        assertThat(done.get("job-status-code").asInt()).isEqualTo(200);
        List<String> text = new ArrayList<>();
        for (JsonNode m : alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (before + 1))
                .body().get("os-messages")) {
            text.add(m.get("message-text").asText());
        }
        assertThat(text).anySatisfy(t -> assertThat(t).startsWith("kdump not possible: 0x4533 segment 0 (kernel) "
                + "corrupted"));
        assertThat(text).contains("Dumping 64 bit OS", "Dump successful");
    }

    @Test
    void aSecondOperationWhileALoadRunsIsBusy4092() throws Exception {
        String lpar = lparUri("sys1");
        alice.waitForCompletion(alice.post(lpar + "/operations/stop", null).body().get("job-uri").asText());
        // hold the machine with a task of another console (the CLI, say) that waits inside its lock
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread cli = new Thread(() -> {
            try {
                HmcMachine.open(sys1).load(new io.sadump.ipl.LoadRequest(io.sadump.machine.DeviceNumber.parse("190"),
                        false, true, ""), new TaskContext("bob", TaskContext.LOCAL, new io.sadump.hmc.TaskObserver() {
                            @Override
                            public void message(String line) {
                                inside.countDown();
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }

                            @Override
                            public void progress(long done, long total) {}
                        }));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        cli.start();
        inside.await();
        try {
            WsapiClient.Answer busy = alice.post(lpar + "/operations/load",
                    Map.of("load-address", "00190", "clear-indicator", false));
            assertError(busy, 409, 2, "POST", lpar + "/operations/load");
            assertThat(busy.body().get("message").asText()).startsWith("busy: load by bob since ");
            assertError(alice.post(lpar + "/operations/start", null), 409, 2, "POST", lpar + "/operations/start");
        } finally {
            release.countDown();
            cli.join();
        }
        assertThat(alice.get(lpar + "?properties=last-used-load-address").body().get("last-used-load-address")
                .asText()).isEqualTo("00190");
    }

    @Test
    void twoApiSessionsLoadOneMachineOneWinsTheOtherIsBusy() throws Exception {
        site.users().add("olga", "operator", "olga-operator-pw".toCharArray());
        WsapiClient olga = new WsapiClient(app.port());
        olga.logon("olga", "olga-operator-pw");
        String lpar = lparUri("sys1");
        alice.waitForCompletion(alice.post(lpar + "/operations/stop", null).body().get("job-uri").asText());
        // a console subscriber that holds alice's load at its first line (the feed calls it on the task's thread)
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        io.sadump.hmc.ConsoleFeed feed = HmcMachine.open(sys1).console();
        Map<String, Object> body = Map.of("load-address", "00190", "clear-indicator", false,
                "store-status-indicator", true);
        String job;
        java.util.function.Consumer<io.sadump.hmc.ConsoleLine> holder = line -> {
            if (line.text().startsWith("HMC: load ")) {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AutoCloseable sub = feed.subscribe(feed.last(), holder);
        try {
            WsapiClient.Answer first = alice.post(lpar + "/operations/load", body);
            assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(202);
            job = first.body().get("job-uri").asText();
            assertThat(inside.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            WsapiClient.Answer second = olga.post(lpar + "/operations/load", body);
            assertError(second, 409, 2, "POST", lpar + "/operations/load");
            assertThat(second.body().get("message").asText()).startsWith("busy: load by alice since ");
            assertThat(alice.get(job).body().get("status").asText()).isEqualTo("running");
            // reads go on while it runs: the dump program runs, so the LPAR is operating
            JsonNode listed = olga.get(cpcUri() + "/logical-partitions?name=sys1").body().get("logical-partitions");
            assertThat(listed.get(0).get("status").asText()).isEqualTo("operating");
            assertThat(olga.get(lpar + "?properties=status,name").body().get("status").asText())
                    .isEqualTo("operating");
            WsapiClient.Answer full = olga.get(lpar);
            assertError(full, 409, 2, "GET", lpar); // the state files are half-way: not read
            assertThat(full.body().get("message").asText()).startsWith("busy: load by alice since ");
            assertError(alice.delete(job), 409, 40, "DELETE", job);
            release.countDown();
            assertThat(alice.waitForCompletion(job).get("job-status-code").asInt()).isEqualTo(200);
        } finally {
            release.countDown();
            sub.close();
        }
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.user()).isEqualTo("olga");
            assertThat(e.task()).isEqualTo("Load");
            assertThat(e.allowed()).isFalse();
            assertThat(e.outcome()).contains("busy: load by alice");
        });
    }

    /**
     * zhmcclient's {@code Lpar.stop()} then {@code Lpar.load('00190', clear_indicator=False,
     * store_status_indicator=True)} with {@code wait_for_completion=True}, request by request: the body
     * holds only what differs from the defaults ({@code _lpar.py}), the job is polled and deleted
     * ({@code Job.wait_for_completion}), then the LPAR list filtered by name is polled until the status is
     * {@code operating} ({@code Lpar.wait_for_status}); after kdump the system runs again.
     */
    @Test
    void zhmcclientsStopThenLoadWithWaitForCompletion() throws Exception {
        String cpc = cpcUri();
        // CpcManager.list / LparManager.list with filter_args={'name': 'sys1'}
        String lpar = alice.get(cpc + "/logical-partitions?name=sys1").body().get("logical-partitions").get(0)
                .get("object-uri").asText();
        JsonNode stopped = alice.waitForCompletion(alice.post(lpar + "/operations/stop", null).body().get("job-uri")
                .asText());
        assertThat(stopped.get("job-status-code").asInt()).isEqualTo(200);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("load-address", "00190");
        body.put("clear-indicator", false);
        body.put("store-status-indicator", true);
        WsapiClient.Answer a = alice.post(lpar + "/operations/load", body);
        assertThat(a.status()).isEqualTo(202);
        assertThat(alice.waitForCompletion(a.body().get("job-uri").asText()).get("job-results").isNull()).isTrue();
        String status = null;
        for (int i = 0; i < 100 && !"operating".equals(status); i++) {
            status = alice.get(cpc + "/logical-partitions?name=sys1").body().get("logical-partitions").get(0)
                    .get("status").asText();
            Thread.sleep(status.equals("operating") ? 0 : 50);
        }
        assertThat(status).isEqualTo("operating");
        JsonNode p = alice.get(lpar + "?properties=last-used-load-address,last-used-load-parameter").body();
        assertThat(p.get("last-used-load-address").asText()).isEqualTo("00190");
        assertThat(p.get("last-used-load-parameter").asText()).isEmpty();
    }

    /** The API's default load is a load clear (clear-indicator true): storage zeroed, nothing to dump. */
    @Test
    void aLoadWithTheDefaultsIsALoadClear() throws Exception {
        String lpar = lparUri("sys2");
        long before = HmcMachine.open(sys2).console().last();
        assertError(alice.post(lpar + "/operations/load", Map.of("load-address", "190")), 409, 1, "POST",
                lpar + "/operations/load"); // operating: force, even for a clear load (the API's rule)
        WsapiClient.Answer a = alice.post(lpar + "/operations/load", Map.of("load-address", "190", "force", true));
        assertThat(a.status()).isEqualTo(202);
        assertThat(alice.waitForCompletion(a.body().get("job-uri").asText()).get("job-status-code").asInt())
                .isEqualTo(200);
        List<String> text = new ArrayList<>();
        for (JsonNode m : alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (before + 1))
                .body().get("os-messages")) {
            text.add(m.get("message-text").asText());
        }
        assertThat(text.get(0)).isEqualTo("HMC: load 0.0.0190 (clear)");
        assertThat(text).anySatisfy(t -> assertThat(t).startsWith("HMC: clear reset: storage zeroed"));
        assertThat(alice.get(lpar + "?properties=status").body().get("status").asText()).isEqualTo("not-operating");
    }

    @Test
    void aPswRestartOfARunningSystemStartsKdump() throws Exception {
        String lpar = lparUri("sys2");
        long before = HmcMachine.open(sys2).console().last();
        WsapiClient.Answer a = alice.post(lpar + "/operations/psw-restart", null);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(202);
        assertThat(alice.waitForCompletion(a.body().get("job-uri").asText()).get("job-status-code").asInt())
                .isEqualTo(200);
        List<String> text = new ArrayList<>();
        for (JsonNode m : alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (before + 1))
                .body().get("os-messages")) {
            text.add(m.get("message-text").asText());
        }
        assertThat(text.get(0)).startsWith("HMC: PSW restart: the first kernel takes the restart interrupt");
        assertThat(text).contains("The production system is running again");
        assertThat(text).anySatisfy(t -> assertThat(t).startsWith("kdump: saving vmcore to "));
        long last = HmcMachine.open(sys2).console().last();
        assertThat(alice.get(lpar + "/operations/list-os-messages?begin-sequence-number=" + (last + 1)).body()
                .get("os-messages")).isEmpty();
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.task()).isEqualTo("PSW Restart");
            assertThat(e.machine()).contains("sys2");
            assertThat(e.allowed()).isTrue();
        });
    }

    @Test
    void aResetOfAnOperatingLparNeedsForce() throws Exception {
        String lpar = lparUri("sys2");
        assertError(alice.post(lpar + "/operations/reset-normal", Map.of()), 409, 1, "POST",
                lpar + "/operations/reset-normal");
        WsapiClient.Answer a = alice.post(lpar + "/operations/reset-normal", Map.of("force", true));
        assertThat(a.status()).isEqualTo(202);
        assertThat(alice.waitForCompletion(a.body().get("job-uri").asText()).get("job-status-code").asInt())
                .isEqualTo(200);
        assertThat(alice.get(lpar + "?properties=status").body().get("status").asText()).isEqualTo("not-operating");
        // a stopped LPAR needs no force; a start with no program is refused in its job... or synchronously
        WsapiClient.Answer again = alice.post(lpar + "/operations/reset-normal", null);
        assertThat(again.status()).isEqualTo(202);
        alice.waitForCompletion(again.body().get("job-uri").asText());
    }

    /** Check-stopped CPUs: status exceptions; stop refused with the way out; a reset needs force and recovers. */
    @Test
    void aCheckStoppedLparIsExceptionsAndAForcedResetRecoversIt() throws Exception {
        MachineDirectory m = MachineDirectory.open(sys2);
        try (io.sadump.machine.MachineLock lock = m.lock()) {
            m.saveRunState(lock, io.sadump.machine.RunState.checkStop());
        }
        String lpar = lparUri("sys2");
        JsonNode p = alice.get(lpar + "?properties=status,has-unacceptable-status").body();
        assertThat(p.get("status").asText()).isEqualTo("exceptions");
        assertThat(p.get("has-unacceptable-status").asBoolean()).isTrue();
        WsapiClient.Answer stop = alice.post(lpar + "/operations/stop", null);
        assertError(stop, 409, 1, "POST", lpar + "/operations/stop");
        assertThat(stop.body().get("message").asText()).contains("check-stopped").contains("reset");
        assertError(alice.post(lpar + "/operations/reset-normal", null), 409, 1, "POST",
                lpar + "/operations/reset-normal");
        WsapiClient.Answer reset = alice.post(lpar + "/operations/reset-normal", Map.of("force", true));
        assertThat(reset.status()).isEqualTo(202);
        assertThat(alice.waitForCompletion(reset.body().get("job-uri").asText()).get("job-status-code").asInt())
                .isEqualTo(200);
        assertThat(alice.get(lpar + "?properties=status").body().get("status").asText()).isEqualTo("not-operating");
    }

    @Test
    void theRoutesInstallOnACreatedJavalinToo() throws Exception {
        // the web server (16b) creates its Javalin, then installs the API on it
        Javalin other = Javalin.create();
        api.install(other);
        other.start("127.0.0.1", 0);
        try {
            WsapiClient c = new WsapiClient(other.port());
            assertThat(c.get("/api/version").status()).isEqualTo(200);
            assertThat(c.logon("alice", ALICE_PW).status()).isEqualTo(200);
            assertThat(c.get("/api/cpcs").body().get("cpcs")).hasSize(1);
        } finally {
            other.stop();
        }
    }
}
