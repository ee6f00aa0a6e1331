package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Logon throttling: growing delay, lockout per user and per address, release after the delay. */
class LoginGuardTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    final LoginGuard guard = new LoginGuard(clock);

    @Test
    void threeFailuresLockTheUserForAMinuteWithAGrowingDelayThenItIsReleased() {
        assertThat(guard.refusal("alice", "10.0.0.1")).isEmpty();
        assertThat(guard.failed("alice", "10.0.0.1")).isEqualTo(Duration.ofMillis(250));
        assertThat(guard.failed("alice", "10.0.0.2")).isEqualTo(Duration.ofMillis(500));
        assertThat(guard.refusal("alice", "10.0.0.3")).isEmpty();
        assertThat(guard.failed("alice", "10.0.0.3")).isEqualTo(Duration.ofMillis(1000));
        // locked, from any address; another user is not
        assertThat(guard.refusal("alice", "10.0.0.9")).contains(Duration.ofMinutes(1));
        assertThat(guard.refusal("ALICE", "10.0.0.9")).as("names compare without case").isPresent();
        assertThat(guard.refusal("bob", "10.0.0.9")).isEmpty();
        clock.advance(Duration.ofSeconds(59));
        assertThat(guard.refusal("alice", "10.0.0.9")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.refusal("alice", "10.0.0.9")).isEmpty();
        // after the lockout the count starts again
        assertThat(guard.failed("alice", "10.0.0.1")).isEqualTo(Duration.ofMillis(250));
        assertThat(guard.refusal("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void aSuccessClearsTheUsersCountAndTheDelayIsCapped() {
        guard.failed("alice", "a");
        guard.failed("alice", "a");
        guard.succeeded("alice", "a");
        guard.failed("alice", "a");
        assertThat(guard.refusal("alice", "a")).isEmpty();
        LoginGuard patient = new LoginGuard(clock, 100, Duration.ofMinutes(1), 1000, Duration.ofMinutes(5));
        Duration d = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            d = patient.failed("bob", "b");
        }
        assertThat(d).isEqualTo(LoginGuard.MAX_DELAY);
    }

    @Test
    void oneAddressTryingManyNamesIsLockedOutAsAWhole() {
        for (int i = 0; i < 20; i++) {
            assertThat(guard.refusal("user" + i, "10.6.6.6")).as("attempt " + i).isEmpty();
            guard.failed("user" + i, "10.6.6.6");
        }
        assertThat(guard.refusal("someone-new", "10.6.6.6")).contains(Duration.ofMinutes(5));
        assertThat(guard.refusal("someone-new", "10.0.0.1")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(guard.refusal("someone-new", "10.6.6.6")).isEmpty();
    }

    @Test
    void unknownNamesAreCountedLikeKnownOnes() {
        // the guard knows no users: "nobody" is throttled exactly as "alice" would be
        for (int i = 0; i < 3; i++) {
            guard.failed("nobody", "10.0.0." + i);
        }
        assertThat(guard.refusal("nobody", "10.0.0.7")).contains(Duration.ofMinutes(1));
    }
}
