package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.MachineTemplate;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sadump hmc user ...} and {@code sadump hmc [DIR] audit}: the users file and the audit log from the CLI. */
class HmcUserAuditCommandTest {
    @TempDir
    Path tmp;

    @TempDir
    static Path templateRoot;

    private static Path template;

    private static synchronized Path template() {
        if (template == null) {
            Path t = templateRoot.resolve("sys1");
            CliRun c = CliRun.of("machine", "create", t.toString(), "--storage", "64M", "--dasd", "0.0.0190:300");
            assertThat(c.exit()).as(c.err()).isZero();
            assertThat(CliRun.of("dumpdev", "prepare", t.toString(), "0.0.0190").exit()).isZero();
            assertThat(CliRun.of("kexec", "load", t.toString()).exit()).isZero();
            template = t;
        }
        return template;
    }

    /** Runs the CLI with {@code stdin} as standard input. */
    private static CliRun withInput(String stdin, String... args) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return CliRun.of(args);
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void usersAreAddedListedChangedAndRemovedAndEveryChangeIsAudited() throws Exception {
        String state = tmp.resolve("state").toString();
        CliRun add = withInput("correct horse battery\n", "hmc", "user", "add", "alice", "--role", "operator",
                "--password-stdin", "--state", state);
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("added user alice with role operator\n");
        UserStore store = new UserStore(HmcState.at(Path.of(state)), RoleCatalog.builtIn());
        assertThat(store.verify("alice", "correct horse battery".toCharArray())).isPresent();
        assertThat(Files.readString(Path.of(state, UserStore.FILE))).doesNotContain("correct horse");

        CliRun role = CliRun.of("hmc", "user", "role", "alice", "sysprog", "--state", state);
        assertThat(role.out()).isEqualTo("user alice has role sysprog\n");
        CliRun passwd = withInput("another passphrase\r\n", "hmc", "user", "passwd", "alice", "--password-stdin",
                "--state", state);
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        assertThat(store.verify("alice", "another passphrase".toCharArray())).isPresent();
        assertThat(withInput("viewer pass\n", "hmc", "user", "add", "bob", "--role", "viewer", "--password-stdin",
                "--state", state).exit()).isZero();

        CliRun list = CliRun.of("hmc", "user", "list", "--state", state);
        assertThat(list.out().lines()).containsExactly(String.format("%-20s %-12s %s", "alice", "sysprog", "enabled"),
                String.format("%-20s %-12s %s", "bob", "viewer", "enabled"));
        CliRun json = CliRun.of("hmc", "user", "list", "--json", "--state", state);
        List<Object> users = MiniJson.array(MiniJson.parse(json.out()));
        assertThat(users).hasSize(2);
        assertThat(MiniJson.object(users.get(0))).containsEntry("name", "alice").containsEntry("role", "sysprog")
                .containsEntry("disabled", false);

        assertThat(CliRun.of("hmc", "user", "disable", "alice", "--state", state).out()).isEqualTo("user alice disabled\n");
        assertThat(store.verify("alice", "another passphrase".toCharArray())).as("a disabled user logs on no more")
                .isEmpty();
        assertThat(CliRun.of("hmc", "user", "list", "--state", state).out()).contains("disabled");
        assertThat(CliRun.of("hmc", "user", "enable", "alice", "--state", state).out()).isEqualTo("user alice enabled\n");
        assertThat(store.verify("alice", "another passphrase".toCharArray())).isPresent();
        assertThat(CliRun.of("hmc", "user", "remove", "bob", "--state", state).out()).isEqualTo("removed user bob\n");
        assertThat(store.list()).hasSize(1);

        CliRun audit = CliRun.of("hmc", "audit", "--json", "--state", state);
        assertThat(audit.exit()).as(audit.err()).isZero();
        Map<String, Object> a = MiniJson.object(MiniJson.parse(audit.out()));
        assertThat(a).containsEntry("intact", true);
        List<Object> entries = MiniJson.array(a.get("entries"));
        assertThat(entries).extracting(e -> MiniJson.object(e).get("options")).containsExactly(
                "add user alice role operator", "role of alice to sysprog", "set password of alice",
                "add user bob role viewer", "disable user alice", "enable user alice", "remove user bob");
        assertThat(entries).extracting(e -> MiniJson.object(e).get("user")).containsOnly(TaskContext.localUser());
        assertThat(entries).extracting(e -> MiniJson.object(e).get("address")).containsOnly("local");
    }

    @Test
    void badUserCommandsSayWhyInOneLineAndChangeNothing() {
        String state = tmp.resolve("state").toString();
        CliRun shortPw = withInput("short\n", "hmc", "user", "add", "alice", "--role", "operator", "--password-stdin",
                "--state", state);
        assertThat(shortPw.exit()).isEqualTo(2);
        assertThat(shortPw.err()).isEqualTo("sadump hmc user add: a password has at least 8 characters\n");
        CliRun noTerminal = CliRun.of("hmc", "user", "add", "alice", "--role", "operator", "--state", state);
        assertThat(noTerminal.exit()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("no terminal to ask the password on").contains("--password-stdin");
        CliRun badRole = withInput("long enough\n", "hmc", "user", "add", "alice", "--role", "admin", "--password-stdin",
                "--state", state);
        assertThat(badRole.err()).isEqualTo("sadump hmc user add: no role 'admin'; roles: "
                + String.join(", ", RoleCatalog.builtIn().names()) + "\n");
        CliRun asArgument = CliRun.of("hmc", "user", "add", "alice", "--role", "operator", "--password", "x");
        assertThat(asArgument.exit()).isEqualTo(2);
        assertThat(CliRun.of("hmc", "user", "remove", "nobody", "--state", state).err())
                .isEqualTo("sadump hmc user remove: no user 'nobody'\n");
        assertThat(CliRun.of("hmc", "user", "list", "--state", state).out()).isEmpty();
        CliRun bare = CliRun.of("hmc");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("name the machine directory");
    }

    @Test
    void aMachinesAuditListsItsTasksAsTheLoginUserFromLocalAndATamperedLogFails() throws Exception {
        Path dir = tmp.resolve("sys1");
        MachineTemplate.copy(template(), dir);
        String d = dir.toString();
        assertThat(CliRun.of("hmc", d, "stop").exit()).isZero();
        assertThat(CliRun.of("hmc", d, "start").exit()).isZero();
        CliRun refused = CliRun.of("hmc", d, "load", "190");
        assertThat(refused.exit()).isEqualTo(1);

        CliRun audit = CliRun.of("hmc", d, "audit");
        assertThat(audit.exit()).as(audit.err()).isZero();
        List<String> lines = audit.out().lines().toList();
        assertThat(lines).hasSize(3);
        String who = "  " + TaskContext.localUser() + "@local  sys1  ";
        assertThat(lines.get(0)).matches("\\d{4}-.*Z" + java.util.regex.Pattern.quote(who + "Stop All  HMC: stop: 2 CPUs "
                + "stopped (operating before)") + ".*");
        assertThat(lines.get(1)).contains(who + "Start All  ");
        assertThat(lines.get(2)).contains(who + "Load devno=0.0.0190  REFUSED refused: the CPUs of " + d
                + " are operating");

        // the same from another spelling of the directory
        assertThat(CliRun.of("hmc", tmp.resolve(".").resolve("sys1").toString(), "audit").out()).isEqualTo(audit.out());

        // all entries of a state of its own, then one of them changed
        Path state = tmp.resolve("own-state");
        io.sadump.hmc.security.AuditLog log = new io.sadump.hmc.security.AuditLog(HmcState.at(state));
        log.login("alice", "web 127.0.0.1", true, "logged on");
        log.login("mallory", "web 10.6.6.6", false, "refused");
        Path file = state.resolve("audit.log");
        Files.writeString(file, Files.readString(file).replace("\"user\":\"alice\"", "\"user\":\"alicf\""));
        CliRun tampered = CliRun.of("hmc", "audit", "--state", state.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out().lines()).hasSize(2);
        assertThat(tampered.err()).isEqualTo("sadump hmc audit: the audit log " + file + " was tampered with: line 2: "
                + "the chain breaks (the line before it was changed, removed or inserted)\n");
    }

    @Test
    void aTaskWhileAnotherRunsIsRefusedWithItsHolder() throws Exception {
        Path dir = tmp.resolve("sys1");
        MachineTemplate.copy(template(), dir);
        String d = dir.toString();
        assertThat(CliRun.of("hmc", d, "stop").exit()).isZero();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        io.sadump.hmc.TaskObserver hold = new io.sadump.hmc.TaskObserver() {
            @Override
            public void message(String line) {
                holding.countDown();
                try {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void progress(long done, long total) {}
        };
        java.util.concurrent.CompletableFuture<?> load = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                io.sadump.hmc.HmcMachine.open(dir).load(new io.sadump.ipl.LoadRequest(
                        io.sadump.machine.DeviceNumber.parse("190"), false, true, ""),
                        new TaskContext("alice", "web 127.0.0.1", hold));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            assertThat(holding.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (String task : new String[] {"stop", "start", "reset", "restart"}) {
                CliRun r = CliRun.of("hmc", d, task);
                assertThat(r.exit()).as(task).isEqualTo(1);
                assertThat(r.out()).isEmpty();
                assertThat(r.err()).as(task).matches("sadump hmc " + task
                        + ": busy: load by alice since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\n");
            }
        } finally {
            release.countDown();
            load.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(CliRun.of("hmc", d, "stop").exit()).isZero();
    }
}
