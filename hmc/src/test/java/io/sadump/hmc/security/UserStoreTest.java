package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The users file: hashes, verify, rules, the atomic replace. */
class UserStoreTest {
    /** Small Argon2id parameters: the same code, fast enough for a unit test. */
    static final PasswordHash FAST = new PasswordHash(64, 1, 1);

    @TempDir
    Path tmp;
    HmcState state;
    UserStore store;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));

    @BeforeEach
    void store() {
        state = HmcState.at(tmp.resolve("state"));
        store = new UserStore(state, RoleCatalog.builtIn(), FAST, clock);
    }

    @Test
    void addVerifyAndChange() throws Exception {
        HmcUser alice = store.add("alice", "operator", "correct horse".toCharArray());
        assertThat(alice).isEqualTo(new HmcUser("alice", "operator", false, clock.instant(), clock.instant()));
        assertThat(store.verify("alice", "correct horse".toCharArray())).contains(alice);
        assertThat(store.verify("alice", "correct hors".toCharArray())).isEmpty();
        assertThat(store.verify("alice", "Correct horse".toCharArray())).isEmpty();
        String file = Files.readString(state.file(UserStore.FILE));
        assertThat(file).contains("alice operator enabled 2026-12-02T12:00:00Z 2026-12-02T12:00:00Z $argon2id$v=19$m=64,t=1,p=1$")
                .doesNotContain("correct horse");
        assertThat(Files.getPosixFilePermissions(state.file(UserStore.FILE)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(state.dir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        clock.advance(java.time.Duration.ofHours(1));
        store.setPassword("alice", "battery staple".toCharArray());
        assertThat(store.verify("alice", "correct horse".toCharArray())).isEmpty();
        assertThat(store.verify("alice", "battery staple".toCharArray())).hasValueSatisfying(
                u -> assertThat(u.passwordChanged()).isEqualTo(clock.instant()));
        assertThat(store.setRole("alice", "sysprog").role()).isEqualTo("sysprog");
        store.setDisabled("alice", true);
        assertThat(store.verify("alice", "battery staple".toCharArray())).as("a disabled user logs on no more").isEmpty();
        store.add("bob", "viewer", "bobs password".toCharArray());
        assertThat(new UserStore(state, RoleCatalog.builtIn(), FAST, clock).list()).extracting(HmcUser::name)
                .containsExactly("alice", "bob");
        store.remove("alice");
        assertThat(store.find("alice")).isEmpty();
        assertThat(store.verify("alice", "battery staple".toCharArray())).isEmpty();
    }

    @Test
    void theDefaultHashIsOwaspsArgon2idAndRoundTrips() {
        String h = PasswordHash.DEFAULT.hash("a long passphrase".toCharArray());
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHash.matches(h, "a long passphrase".toCharArray())).isTrue();
        assertThat(PasswordHash.matches(h, "a long passphrasE".toCharArray())).isFalse();
        assertThat(PasswordHash.DEFAULT.hash("a long passphrase".toCharArray())).as("a fresh salt each time").isNotEqualTo(h);
        for (String damaged : new String[] {"", "$2y$12$abc", h.substring(0, h.length() - 3), h.replace("m=19456", "m=1"),
            h.replace("argon2id", "argon2i")}) {
            assertThat(PasswordHash.matches(damaged, "a long passphrase".toCharArray())).as(damaged).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyCharacterOfA128CharacterPasswordCounts(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < PasswordRules.MAX) {
            sb.appendCodePoint(0x20 + r.nextInt(0x2FF)); // multi-byte in UTF-8: bcrypt would have cut it at 72 bytes
        }
        char[] pw = sb.toString().toCharArray();
        String h = FAST.hash(pw);
        char[] other = pw.clone();
        other[other.length - 1] ^= 1;
        assertThat(PasswordHash.matches(h, pw)).as("seed " + seed).isTrue();
        assertThat(PasswordHash.matches(h, other)).as("seed " + seed + ": the last character counts").isFalse();
    }

    @Test
    void anUnknownUserTakesTheSamePathAsAWrongPassword() {
        store.add("alice", "operator", "correct horse".toCharArray());
        List<String> checked = new ArrayList<>();
        store.matcher = (hash, pw) -> {
            checked.add(hash);
            return PasswordHash.matches(hash, pw);
        };
        assertThat(store.verify("mallory", "correct horse".toCharArray())).isEmpty();
        assertThat(store.verify("alice", "wrong password".toCharArray())).isEmpty();
        assertThat(checked).hasSize(2);
        // the unknown user's password was checked against a real Argon2id hash of the same parameters
        assertThat(checked.get(0)).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(checked.get(0).length()).isEqualTo(checked.get(1).length());
    }

    @Test
    void passwordsAndNamesFollowTheRules() {
        assertThatThrownBy(() -> store.add("alice", "operator", "short".toCharArray()))
                .isInstanceOf(InvalidValueException.class).hasMessage("a password has at least 8 characters");
        assertThatThrownBy(() -> store.add("alice", "operator", "x".repeat(129).toCharArray()))
                .hasMessage("a password has at most 128 characters");
        assertThatThrownBy(() -> store.add("alice1234", "operator", "ALICE1234".toCharArray()))
                .hasMessage("a password may not be the user's name");
        assertThatThrownBy(() -> store.add("Alice", "operator", "long enough".toCharArray()))
                .hasMessageStartingWith("a user name has 1-32 of a-z 0-9 . _ -");
        assertThatThrownBy(() -> store.add("a:b", "operator", "long enough".toCharArray()))
                .hasMessageStartingWith("a user name has");
        assertThatThrownBy(() -> store.add("alice", "admin", "long enough".toCharArray()))
                .hasMessage("no role 'admin'; roles: " + String.join(", ", RoleCatalog.builtIn().names()));
        store.add("alice", "operator", "long enough".toCharArray());
        assertThatThrownBy(() -> store.add("alice", "viewer", "long enough".toCharArray()))
                .hasMessage("user 'alice' exists already");
        assertThatThrownBy(() -> store.remove("bob")).hasMessage("no user 'bob'");
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void aKillBetweenWritingAndRenamingLeavesTheOldFileWhole() throws Exception {
        store.add("alice", "operator", "correct horse".toCharArray());
        byte[] before = Files.readAllBytes(state.file(UserStore.FILE));
        store.beforeRename = () -> {
            throw new IllegalStateException("killed");
        };
        assertThatThrownBy(() -> store.add("bob", "viewer", "bobs password".toCharArray())).hasMessage("killed");
        assertThat(Files.readAllBytes(state.file(UserStore.FILE))).isEqualTo(before);
        assertThat(Files.exists(state.file(UserStore.FILE + ".new"))).as("the new file, written whole, beside").isTrue();
        UserStore next = new UserStore(state, RoleCatalog.builtIn(), FAST, clock);
        assertThat(next.list()).extracting(HmcUser::name).containsExactly("alice");
        assertThat(next.verify("alice", "correct horse".toCharArray())).isPresent();
        next.add("bob", "viewer", "bobs password".toCharArray());
        assertThat(next.list()).extracting(HmcUser::name).containsExactly("alice", "bob");
        assertThat(Files.exists(state.file(UserStore.FILE + ".new"))).isFalse();
    }

    @Test
    void aDamagedUsersFileIsSaidWithItsLine() throws Exception {
        Files.writeString(state.file(UserStore.FILE), "# users\nalice operator maybe x y z\n");
        assertThatThrownBy(() -> store.list()).hasMessageContaining("line 2 is damaged");
    }

    @Test
    void theStateDirectoryDefaultsFollowTheEnvironment() {
        assertThat(HmcState.defaultDir(Map.of("SADUMP_HMC_STATE", "/srv/s", "HOME", "/home/u"))).isEqualTo(Path.of("/srv/s"));
        assertThat(HmcState.defaultDir(Map.of("XDG_STATE_HOME", "/x", "HOME", "/home/u")))
                .isEqualTo(Path.of("/x/sadump/hmc"));
        assertThat(HmcState.defaultDir(Map.of("XDG_STATE_HOME", "relative", "HOME", "/home/u")))
                .isEqualTo(Path.of("/home/u/.local/state/sadump/hmc"));
        assertThat(HmcState.open(Optional.of(tmp.resolve("explicit")), Map.of()).dir()).isEqualTo(tmp.resolve("explicit"));
    }

    @Test
    void aProcessKilledBetweenWritingAndRenamingLeavesTheOldFileWhole() throws Exception {
        store.add("alice", "operator", "correct horse".toCharArray());
        byte[] before = Files.readAllBytes(state.file(UserStore.FILE));
        Process child = SecurityChild.start("users-kill", state.dir().toString());
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("WRITTEN");
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readAllBytes(state.file(UserStore.FILE))).isEqualTo(before);
        UserStore next = new UserStore(state, RoleCatalog.builtIn(), FAST, clock);
        assertThat(next.list()).extracting(HmcUser::name).containsExactly("alice");
        next.add("bob", "viewer", "bobs password".toCharArray());
        assertThat(next.verify("bob", "bobs password".toCharArray())).isPresent();
        assertThat(next.verify("alice", "correct horse".toCharArray())).isPresent();
    }
}
