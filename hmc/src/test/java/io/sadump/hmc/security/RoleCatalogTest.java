package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The built-in roles against every task, roles.conf, and the Authorizer's answers. */
class RoleCatalogTest {
    static final Set<HmcTask> VIEWER = EnumSet.of(HmcTask.DISPLAY, HmcTask.OS_MESSAGES, HmcTask.DUMPS);
    static final Set<HmcTask> OPERATOR = EnumSet.of(HmcTask.DISPLAY, HmcTask.OS_MESSAGES, HmcTask.DUMPS, HmcTask.LOAD,
            HmcTask.PSW_RESTART, HmcTask.STOP, HmcTask.START, HmcTask.RESET_NORMAL, HmcTask.MOUNT, HmcTask.DOWNLOAD_DUMP,
            HmcTask.ARCHIVE);

    @TempDir
    Path tmp;

    static HmcUser user(String name, String role) {
        return new HmcUser(name, role, false, Instant.EPOCH, Instant.EPOCH);
    }

    @ParameterizedTest
    @EnumSource(HmcTask.class)
    void everyBuiltInRoleAgainstEveryTask(HmcTask task) {
        Authorizer a = new Authorizer(RoleCatalog.builtIn(), Set.of("sys1"));
        assertThat(a.permits(user("v", "viewer"), task, "sys1")).as("viewer " + task).isEqualTo(VIEWER.contains(task));
        assertThat(a.permits(user("o", "operator"), task, "sys1")).as("operator " + task)
                .isEqualTo(OPERATOR.contains(task));
        assertThat(a.permits(user("s", "sysprog"), task, "sys1")).as("sysprog " + task).isTrue();
        if (!OPERATOR.contains(task)) {
            assertThatThrownBy(() -> a.check(user("o", "operator"), task, "sys1"))
                    .isInstanceOf(NotPermittedException.class).hasMessage("not permitted: o may not run " + task.title());
        }
    }

    @Test
    void theDisruptiveTasksAreTheHmcs() {
        assertThat(EnumSet.allOf(HmcTask.class).stream().filter(HmcTask::disruptive)).containsExactlyInAnyOrder(
                HmcTask.LOAD, HmcTask.PSW_RESTART, HmcTask.STOP, HmcTask.RESET_NORMAL, HmcTask.RESET_CLEAR);
        assertThat(HmcTask.named("Stop All")).contains(HmcTask.STOP);
        assertThat(HmcTask.named("psw-restart")).contains(HmcTask.PSW_RESTART);
        assertThat(HmcTask.named("stop")).contains(HmcTask.STOP);
        assertThat(HmcTask.named("bogus")).isEmpty();
    }

    @Test
    void anUnknownMachineAndOneOutOfScopeAnswerAlikeAndBeforeThePermission() {
        RoleCatalog roles = RoleCatalog.parse("[lab]\nextends = operator\nmachines = lab1\n", "roles.conf");
        Authorizer a = new Authorizer(roles, Set.of("lab1", "prod1"));
        HmcUser lab = user("l", "lab");
        a.check(lab, HmcTask.LOAD, "lab1");
        for (String m : new String[] {"prod1", "nosuch"}) {
            assertThatThrownBy(() -> a.check(lab, HmcTask.LOAD, m)).isInstanceOf(ObjectNotFoundException.class)
                    .hasMessage("no machine '" + m + "'");
            // even a task the role lacks: the machine's absence is said first, as the HMC's 404
            assertThatThrownBy(() -> a.check(lab, HmcTask.KEXEC, m)).isInstanceOf(ObjectNotFoundException.class);
        }
        assertThat(a.visibleMachines(lab)).containsExactly("lab1");
        assertThat(a.visibleMachines(user("s", "sysprog"))).containsExactly("lab1", "prod1");
        // a disabled user, or one whose role is gone, may do nothing
        assertThat(a.permits(new HmcUser("d", "sysprog", true, Instant.EPOCH, Instant.EPOCH), HmcTask.DISPLAY, "lab1"))
                .isFalse();
        assertThatThrownBy(() -> a.check(user("g", "gone"), HmcTask.DISPLAY, "lab1"))
                .isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> a.check(user("g", "gone"), HmcTask.MANAGE_USERS, null))
                .isInstanceOf(NotPermittedException.class);
    }

    @Test
    void rolesConfAddsAndReplacesRoles() throws Exception {
        Files.writeString(tmp.resolve(RoleCatalog.FILE), String.join("\n",
                "# site roles",
                "[auditor]",
                "tasks = Display, Dumps, Audit Log   # read-only plus the log",
                "",
                "[operator]",
                "tasks = Display, Stop All, start-all",
                "machines = sys1, sys2",
                "[lab]",
                "extends = sysprog",
                ""));
        RoleCatalog roles = RoleCatalog.load(tmp);
        assertThat(roles.names()).containsExactlyInAnyOrder("viewer", "operator", "sysprog", "auditor", "lab");
        assertThat(roles.role("auditor").orElseThrow().tasks()).containsExactlyInAnyOrder(HmcTask.DISPLAY,
                HmcTask.DUMPS, HmcTask.AUDIT_LOG);
        assertThat(roles.role("auditor").orElseThrow().machines()).containsExactly("*");
        Role op = roles.role("operator").orElseThrow();
        assertThat(op.tasks()).containsExactlyInAnyOrder(HmcTask.DISPLAY, HmcTask.STOP, HmcTask.START);
        assertThat(op.machines()).containsExactlyInAnyOrder("sys1", "sys2");
        assertThat(roles.role("lab").orElseThrow().tasks()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(HmcTask.class));
        assertThat(RoleCatalog.load(tmp.resolve("none")).names()).containsExactlyInAnyOrder("viewer", "operator", "sysprog");
    }

    @Test
    void aBadRolesConfSaysWhereAndWhat() {
        assertThatThrownBy(() -> RoleCatalog.parse("[x]\ntasks = Display, Fly\n", "roles.conf"))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("roles.conf [x] (line 1): unknown task 'Fly'");
        assertThatThrownBy(() -> RoleCatalog.parse("tasks = Display\n", "roles.conf"))
                .hasMessageStartingWith("roles.conf line 1: expected [role]");
        assertThatThrownBy(() -> RoleCatalog.parse("[x]\ncolour = red\n", "roles.conf"))
                .hasMessageStartingWith("roles.conf line 2: unknown key 'colour'");
        assertThatThrownBy(() -> RoleCatalog.parse("[x]\nextends = y\n", "roles.conf"))
                .hasMessageContaining("extends an unknown role 'y'");
        assertThatThrownBy(() -> RoleCatalog.parse("[a b]\n", "roles.conf")).hasMessageContaining("a role name has");
    }
}
