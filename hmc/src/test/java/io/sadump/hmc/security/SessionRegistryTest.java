package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions: tokens, CSRF, idle and absolute expiry, logout, end all, the cap. */
class SessionRegistryTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    final SessionRegistry sessions = new SessionRegistry(clock);

    @Test
    void tokensAre256RandomBitsBase64UrlWithACsrfTokenOfTheirOwn() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            HmcSession s = sessions.create("u" + (i % 5), "10.0.0.1", HmcSession.Kind.BROWSER);
            assertThat(Base64.getUrlDecoder().decode(s.token())).hasSize(32);
            assertThat(Base64.getUrlDecoder().decode(s.csrf())).hasSize(32);
            assertThat(s.token()).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(s.token())).isTrue();
            assertThat(seen.add(s.csrf())).isTrue();
            assertThat(s.toString()).doesNotContain(s.token()).doesNotContain(s.csrf());
        }
        HmcSession a = sessions.create("alice", "10.0.0.1", HmcSession.Kind.BROWSER);
        HmcSession b = sessions.create("alice", "10.0.0.1", HmcSession.Kind.API);
        assertThat(sessions.csrfMatches(a.token(), a.csrf())).isTrue();
        assertThat(sessions.csrfMatches(a.token(), b.csrf())).as("a CSRF token is its session's only").isFalse();
        assertThat(sessions.csrfMatches(a.token(), null)).isFalse();
        assertThat(sessions.find(b.token())).hasValueSatisfying(s -> assertThat(s.kind()).isEqualTo(HmcSession.Kind.API));
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void anIdleSessionExpiresAndUseKeepsItAliveUpToItsLifetime() {
        HmcSession s = sessions.create("alice", "10.0.0.1", HmcSession.Kind.BROWSER);
        clock.advance(Duration.ofMinutes(14));
        assertThat(sessions.find(s.token())).hasValueSatisfying(x -> assertThat(x.lastUsed()).isEqualTo(clock.instant()));
        clock.advance(Duration.ofMinutes(14));
        assertThat(sessions.find(s.token())).as("used 14 minutes ago: alive").isPresent();
        clock.advance(Duration.ofMinutes(15));
        assertThat(sessions.find(s.token())).as("idle 15 minutes: gone").isEmpty();
        assertThat(sessions.find(s.token())).isEmpty();

        HmcSession busy = sessions.create("bob", "10.0.0.2", HmcSession.Kind.API);
        for (int i = 0; i < 8 * 6 - 1; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(sessions.find(busy.token())).as("after " + (i + 1) * 10 + " min").isPresent();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(busy.token())).as("8 hours old, however busy").isEmpty();
    }

    @Test
    void logoutEndAllAndTheCapPerUser() {
        HmcSession a1 = sessions.create("alice", "x", HmcSession.Kind.BROWSER);
        HmcSession a2 = sessions.create("alice", "x", HmcSession.Kind.API);
        HmcSession b = sessions.create("bob", "x", HmcSession.Kind.BROWSER);
        assertThat(sessions.end(a1.token())).isTrue();
        assertThat(sessions.end(a1.token())).isFalse();
        assertThat(sessions.find(a1.token())).isEmpty();
        assertThat(sessions.endAll("alice")).isEqualTo(1);
        assertThat(sessions.find(a2.token())).isEmpty();
        assertThat(sessions.find(b.token())).isPresent();

        SessionRegistry capped = new SessionRegistry(clock, new SecureRandom(), Duration.ofMinutes(15), Duration.ofHours(8), 2);
        HmcSession c1 = capped.create("carol", "x", HmcSession.Kind.BROWSER);
        clock.advance(Duration.ofSeconds(1));
        HmcSession c2 = capped.create("carol", "x", HmcSession.Kind.BROWSER);
        clock.advance(Duration.ofSeconds(1));
        capped.find(c1.token()); // c1 is now the more recently used
        HmcSession c3 = capped.create("carol", "x", HmcSession.Kind.BROWSER);
        assertThat(capped.find(c2.token())).as("the least recently used one ended").isEmpty();
        assertThat(capped.find(c1.token())).isPresent();
        assertThat(capped.find(c3.token())).isPresent();
        assertThat(capped.list()).hasSize(2);
    }
}
