package io.sadump.hmc.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.sadump.hmc.security.AuditEntry;
import io.sadump.hmc.security.HmcSession;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.PasswordHash;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's sessions and permissions beyond the happy path: a role scoped to some machines sees only
 * them (the others 404, unlisted), a lab role with Reset Clear may clear only its machines, repeated
 * failed logons lock the user out (the right password too, with the same answer), a disabled user's
 * session ends, a browser session's token is no API session.
 */
class WebServicesApiSecurityTest {
    @TempDir
    Path tmp;
    HmcSite site;
    WebServicesApi api;
    Javalin app;

    @BeforeEach
    void server() throws Exception {
        Path machines = tmp.resolve("machines");
        Files.createDirectories(machines);
        ApiMachines.copy(machines, "lab1");
        ApiMachines.copy(machines, "prod1");
        HmcState state = HmcState.at(tmp.resolve("state"));
        Files.writeString(state.dir().resolve(RoleCatalog.FILE), """
                # operators of the lab machines only, who may also clear them
                [lab-operator]
                extends = operator
                tasks = Reset Clear
                machines = lab1
                """);
        UserStore users = new UserStore(state, RoleCatalog.load(state.dir()), new PasswordHash(1024, 1, 1),
                Clock.systemUTC());
        site = HmcSite.of(List.of(machines), state, Optional.empty(), users, Clock.systemUTC());
        site.users().add("lena", "lab-operator", "lena-lab-password".toCharArray());
        site.users().add("olga", "operator", "olga-op-password".toCharArray());
        api = new WebServicesApi(site);
        app = Javalin.create(api::install).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        api.close();
    }

    static String cpc(WsapiClient c) throws Exception {
        return c.get("/api/cpcs").body().get("cpcs").get(0).get("object-uri").asText();
    }

    @Test
    void aScopedRoleSeesOnlyItsMachinesAndMayRunItsExtraTaskOnlyThere() throws Exception {
        WsapiClient lena = new WsapiClient(app.port());
        assertThat(lena.logon("lena", "lena-lab-password").status()).isEqualTo(200);
        JsonNode seen = lena.get(cpc(lena) + "/logical-partitions").body().get("logical-partitions");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).get("name").asText()).isEqualTo("lab1");
        String prod = "/api/logical-partitions/" + ObjectIds.lpar("prod1");
        // out of scope answers as unknown: the answer does not tell that prod1 exists
        WsapiClient.Answer hidden = lena.get(prod);
        WsapiClient.Answer unknown = lena.get("/api/logical-partitions/" + ObjectIds.lpar("nosuch"));
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.reason()).isEqualTo(1);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(hidden.body().get("message").asText().replace(ObjectIds.lpar("prod1"), "ID"))
                .isEqualTo(unknown.body().get("message").asText().replace(ObjectIds.lpar("nosuch"), "ID"));
        assertThat(lena.post(prod + "/operations/stop", null).status()).isEqualTo(404);

        String lab = seen.get(0).get("object-uri").asText();
        WsapiClient.Answer clear = lena.post(lab + "/operations/reset-clear", Map.of("force", true));
        assertThat(clear.status()).as(String.valueOf(clear.body())).isEqualTo(202);
        assertThat(lena.waitForCompletion(clear.body().get("job-uri").asText()).get("job-status-code").asInt())
                .isEqualTo(200);

        // a plain operator sees both, and has no Reset Clear
        WsapiClient olga = new WsapiClient(app.port());
        olga.logon("olga", "olga-op-password");
        assertThat(olga.get(cpc(olga) + "/logical-partitions").body().get("logical-partitions")).hasSize(2);
        WsapiClient.Answer refused = olga.post(prod + "/operations/reset-clear", Map.of("force", true));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo(1);
        assertThat(site.audit().read().entries()).anySatisfy(e -> {
            assertThat(e.user()).isEqualTo("lena");
            assertThat(e.task()).isEqualTo("Reset Clear");
            assertThat(e.machine()).contains("lab1");
            assertThat(e.allowed()).isTrue();
        }).anySatisfy(e -> {
            assertThat(e.user()).isEqualTo("olga");
            assertThat(e.task()).isEqualTo("Reset Clear");
            assertThat(e.machine()).contains("prod1");
            assertThat(e.allowed()).isFalse();
        });
    }

    @Test
    void repeatedFailedLogonsLockTheUserOutWithTheSameAnswer() throws Exception {
        WsapiClient c = new WsapiClient(app.port());
        String refusal = null;
        for (int i = 0; i < 3; i++) {
            WsapiClient.Answer a = c.logon("olga", "wrong-password-" + i);
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.reason()).isZero();
            refusal = a.body().get("message").asText();
        }
        WsapiClient.Answer locked = c.logon("olga", "olga-op-password");
        assertThat(locked.status()).as("the right password while locked out").isEqualTo(403);
        assertThat(locked.reason()).isZero();
        assertThat(locked.body().get("message").asText()).isEqualTo(refusal);
        assertThat(c.session()).isNull();
        assertThat(site.audit().read().entries()).filteredOn(e -> e.event().equals(AuditEntry.LOGIN))
                .hasSize(4).allSatisfy(e -> assertThat(e.allowed()).isFalse());
        // another user from the same address is not locked by olga's failures
        assertThat(new WsapiClient(app.port()).logon("lena", "lena-lab-password").status()).isEqualTo(200);
    }

    @Test
    void aDisabledUsersSessionEndsAndABrowserTokenIsNoApiSession() throws Exception {
        WsapiClient olga = new WsapiClient(app.port());
        olga.logon("olga", "olga-op-password");
        assertThat(olga.get("/api/cpcs").status()).isEqualTo(200);
        site.users().setDisabled("olga", true);
        WsapiClient.Answer gone = olga.get("/api/cpcs");
        assertThat(gone.status()).isEqualTo(403);
        assertThat(gone.reason()).isEqualTo(5);
        assertThat(site.sessions().find(olga.session())).as("the session is ended").isEmpty();
        assertThat(new WsapiClient(app.port()).logon("olga", "olga-op-password").status()).isEqualTo(403);

        HmcSession browser = site.sessions().create("lena", "127.0.0.1", HmcSession.Kind.BROWSER);
        WsapiClient c = new WsapiClient(app.port()).session(browser.token());
        WsapiClient.Answer a = c.get("/api/cpcs");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.reason()).isEqualTo(5);
        // an unknown job id, and an unknown operation: 404.1
        WsapiClient lena = new WsapiClient(app.port());
        lena.logon("lena", "lena-lab-password");
        assertThat(lena.get("/api/jobs/0000").status()).isEqualTo(404);
        assertThat(lena.delete("/api/jobs/0000").reason()).isEqualTo(1);
    }
}
