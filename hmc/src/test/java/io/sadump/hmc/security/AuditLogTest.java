package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.hmc.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: entries, the hash chain and its breaks, escaping. */
class AuditLogTest {
    @TempDir
    Path tmp;
    HmcState state;
    AuditLog log;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));

    @BeforeEach
    void log() {
        state = HmcState.at(tmp.resolve("state"));
        log = new AuditLog(state, clock);
    }

    private List<String> lines() throws Exception {
        return Files.readAllLines(log.file(), StandardCharsets.UTF_8);
    }

    @Test
    void entriesReadBackInOrderWithAnIntactChain() throws Exception {
        log.login("alice", "web 127.0.0.1", true, "logged on");
        log.record(new TaskRecord(clock.instant(), "alice", "web 127.0.0.1", "sys1", "/m/sys1", "Load",
                "devno=0.0.0190 store-status", true, "PASS: kdump can start; dump vmcore complete; after re-ipl"));
        log.refused("bob", "api 10.0.0.2", "sys1", "Reset Clear", "", "not permitted: bob may not run Reset Clear");
        log.userChange("root", "local", "add user bob role viewer", true, "added");
        log.logout("alice", "web 127.0.0.1", "logged off");
        AuditLog.Report r = new AuditLog(state).read();
        assertThat(r.intact()).isTrue();
        assertThat(r.entries()).extracting(AuditEntry::event).containsExactly("login", "task", "task", "user", "logout");
        AuditEntry load = r.entries().get(1);
        assertThat(load).isEqualTo(new AuditEntry(clock.instant(), "task", "alice", "web 127.0.0.1",
                java.util.Optional.of("sys1"), java.util.Optional.of("/m/sys1"), "Load", "devno=0.0.0190 store-status",
                true, "PASS: kdump can start; dump vmcore complete; after re-ipl"));
        assertThat(r.entries().get(2).allowed()).isFalse();
        assertThat(log.read(e -> e.machine().isPresent()).entries()).hasSize(2);
        assertThat(lines().get(0)).contains("\"prev\":\"" + "0".repeat(64) + "\"");
        assertThat(lines().get(1)).contains("\"prev\":\"" + AuditLog.sha256(lines().get(0)) + "\"");
        assertThat(Files.getPosixFilePermissions(log.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aChangedRemovedOrInsertedLineBreaksTheChainWhereItHappened() throws Exception {
        for (int i = 0; i < 5; i++) {
            log.login("user" + i, "web 10.0.0." + i, i % 2 == 0, "attempt " + i);
        }
        List<String> original = lines();

        List<String> changed = new ArrayList<>(original);
        changed.set(2, changed.get(2).replace("\"allowed\":true", "\"allowed\":false"));
        Files.write(log.file(), changed);
        assertThat(log.read().broken()).contains("line 4: the chain breaks (the line before it was changed, removed or "
                + "inserted)");

        List<String> removed = new ArrayList<>(original);
        removed.remove(1);
        Files.write(log.file(), removed);
        assertThat(log.read().broken()).hasValueSatisfying(b -> assertThat(b).startsWith("line 2:"));

        List<String> inserted = new ArrayList<>(original);
        inserted.add(3, original.get(3));
        Files.write(log.file(), inserted);
        assertThat(log.read().broken()).hasValueSatisfying(b -> assertThat(b).startsWith("line 5:"));

        List<String> garbage = new ArrayList<>(original);
        garbage.set(0, "not json");
        Files.write(log.file(), garbage);
        assertThat(log.read().broken()).contains("line 1 is not a JSON entry");
        assertThat(log.read().entries()).hasSize(4);

        Files.write(log.file(), original);
        assertThat(log.read().intact()).isTrue();
        // the tail cut off: the chain cannot tell (nothing follows); appending goes on from the last line
        Files.write(log.file(), original.subList(0, 4));
        log.login("late", "local", true, "x");
        assertThat(log.read().intact()).isTrue();
    }

    @Test
    void controlCharactersAndNonAsciiAreEscapedSoNoLineCanBeForged() throws Exception {
        String forged = "mallory\n{\"time\":\"2026-01-01T00:00:00Z\",\"event\":\"login\",\"user\":\"root\"}\r\u001b[2J\u2028é";
        log.login(forged, "web 127.0.0.1", false, "refused\u0000");
        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u2028")
                .contains("\\n").contains("\\u001B").contains("\\u2028").contains("\\u00E9").contains("\\u0000");
        assertThat(lines.get(0).chars()).allMatch(c -> c >= 0x20 && c < 0x7F);
        AuditLog.Report r = log.read();
        assertThat(r.intact()).isTrue();
        assertThat(r.entries()).singleElement().satisfies(e -> {
            assertThat(e.user()).isEqualTo(forged);
            assertThat(e.outcome()).isEqualTo("refused\u0000");
        });
    }

    @Test
    void appendsFromManyThreadsKeepOneChain() throws Exception {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            all.add(CompletableFuture.runAsync(() -> {
                AuditLog own = new AuditLog(state, clock); // as another process would: its own instance
                for (int i = 0; i < 25; i++) {
                    own.login("t" + id, "local", true, "n" + i);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        AuditLog.Report r = log.read();
        assertThat(r.entries()).hasSize(100);
        assertThat(r.broken()).isEmpty();
    }

    @Test
    void appendsFromTwoProcessesKeepOneChain() throws Exception {
        log.login("parent", "local", true, "first");
        Process a = SecurityChild.start("audit", state.dir().toString(), "40", "child-a");
        Process b = SecurityChild.start("audit", state.dir().toString(), "40", "child-b");
        for (int i = 0; i < 20; i++) {
            log.login("parent", "local", true, "n" + i);
        }
        assertThat(a.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).isZero();
        assertThat(b.exitValue()).isZero();
        AuditLog.Report r = log.read();
        assertThat(r.broken()).isEmpty();
        assertThat(r.entries()).hasSize(101);
        assertThat(r.entries()).filteredOn(e -> e.user().equals("child-a")).hasSize(40);
        assertThat(r.entries()).filteredOn(e -> e.user().equals("child-b")).hasSize(40);
    }
}
