package io.sadump.hmc.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down and stops password guessing (ASVS 6.3.1), per user name and per address. After each failed
 * logon the next answer waits longer (the delay doubles from {@link #FIRST_DELAY}); after
 * {@code maxUserFailures} failures in a row a user name is refused for {@code disableDelay} (the HMC's
 * {@code max-failed-logins} 3 and {@code disable-delay} 1 minute), and an address after
 * {@code maxAddressFailures} for {@code addressLockout}. A success clears the user's count (not the
 * address's: one good password does not buy more guesses at others).
 *
 * <p>Unknown user names are counted like known ones, so neither the delay nor a refusal tells whether a
 * user exists.
 */
public final class LoginGuard {
    public static final Duration FIRST_DELAY = Duration.ofMillis(250);
    public static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private final Clock clock;
    private final int maxUserFailures;
    private final Duration disableDelay;
    private final int maxAddressFailures;
    private final Duration addressLockout;
    private final Map<String, Failures> users = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    private static final class Failures {
        int count;
        Instant lockedUntil = Instant.MIN;
    }

    /** The HMC's defaults: 3 failures lock a user for 1 minute; 20 lock an address for 5 minutes. */
    public LoginGuard(Clock clock) {
        this(clock, 3, Duration.ofMinutes(1), 20, Duration.ofMinutes(5));
    }

    public LoginGuard(Clock clock, int maxUserFailures, Duration disableDelay, int maxAddressFailures,
            Duration addressLockout) {
        this.clock = clock;
        this.maxUserFailures = maxUserFailures;
        this.disableDelay = disableDelay;
        this.maxAddressFailures = maxAddressFailures;
        this.addressLockout = addressLockout;
    }

    /**
     * Whether a logon of {@code user} from {@code address} may be tried now: empty if so, else how long
     * until it may (the caller answers as for a wrong password, and does not check the password).
     */
    public Optional<Duration> refusal(String user, String address) {
        Instant now = clock.instant();
        Instant until = later(lockedUntil(users, key(user)), lockedUntil(addresses, address));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** Counts a failed logon; returns how long the caller waits before it answers. */
    public Duration failed(String user, String address) {
        Instant now = clock.instant();
        int n = count(users, key(user), maxUserFailures, disableDelay, now);
        count(addresses, address, maxAddressFailures, addressLockout, now);
        long ms = FIRST_DELAY.toMillis() << Math.min(n - 1, 10);
        return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }

    /** A logon succeeded: the user's count starts again. */
    public void succeeded(String user, String address) {
        users.remove(key(user));
    }

    private static int count(Map<String, Failures> m, String k, int max, Duration lockout, Instant now) {
        Failures f = m.computeIfAbsent(k, x -> new Failures());
        synchronized (f) {
            if (!f.lockedUntil.equals(Instant.MIN) && !f.lockedUntil.isAfter(now)) {
                f.count = 0; // the lockout is over: a fresh count
                f.lockedUntil = Instant.MIN;
            }
            f.count++;
            if (f.count >= max) {
                f.lockedUntil = now.plus(lockout);
            }
            return f.count;
        }
    }

    private static Instant lockedUntil(Map<String, Failures> m, String k) {
        Failures f = m.get(k);
        if (f == null) {
            return Instant.MIN;
        }
        synchronized (f) {
            return f.lockedUntil;
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String key(String user) {
        return user == null ? "" : user.toLowerCase(java.util.Locale.ROOT);
    }
}
