package io.sadump.hmc.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live sessions, in memory (a restart of the server logs everyone off). A session ends when it was
 * idle for {@code idleTimeout} (default 15 minutes), when it is {@code lifetime} old (default 8 hours,
 * however busy), on logout ({@link #end}), or when its user is disabled or removed ({@link #endAll}).
 * A user has at most {@code capPerUser} sessions (default 8); a new one beyond that ends the user's
 * least recently used one (ASVS 7.1.2).
 *
 * <p>Sessions are kept by the SHA-256 of their token, so the map itself holds no usable secret.
 */
public final class SessionRegistry {
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);
    public static final Duration LIFETIME = Duration.ofHours(8);
    public static final int CAP_PER_USER = 8;
    static final int TOKEN_BYTES = 32;

    private final Clock clock;
    private final SecureRandom random;
    private final Duration idleTimeout;
    private final Duration lifetime;
    private final int capPerUser;
    private final Map<String, HmcSession> byDigest = new HashMap<>();

    public SessionRegistry(Clock clock) {
        this(clock, new SecureRandom(), IDLE_TIMEOUT, LIFETIME, CAP_PER_USER);
    }

    public SessionRegistry(Clock clock, SecureRandom random, Duration idleTimeout, Duration lifetime, int capPerUser) {
        this.clock = clock;
        this.random = random;
        this.idleTimeout = idleTimeout;
        this.lifetime = lifetime;
        this.capPerUser = capPerUser;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new session for {@code user} (call it at every logon: a fresh token each time). */
    public synchronized HmcSession create(String user, String address, HmcSession.Kind kind) {
        expire();
        List<HmcSession> mine = new ArrayList<>(byDigest.values().stream().filter(s -> s.user().equals(user)).toList());
        mine.sort(Comparator.comparing(HmcSession::lastUsed));
        while (mine.size() >= capPerUser) {
            byDigest.remove(digest(mine.remove(0).token()));
        }
        Instant now = clock.instant();
        HmcSession s = new HmcSession(token(), token(), user, address, kind, now, now);
        byDigest.put(digest(s.token()), s);
        return s;
    }

    /** The live session of {@code token}, its idle clock restarted; empty when unknown or expired. */
    public synchronized Optional<HmcSession> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String d = digest(token);
        HmcSession s = byDigest.get(d);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            byDigest.remove(d);
            return Optional.empty();
        }
        HmcSession touched = new HmcSession(s.token(), s.csrf(), s.user(), s.address(), s.kind(), s.created(), now);
        byDigest.put(d, touched);
        return Optional.of(touched);
    }

    /** Whether {@code csrf} is the CSRF token of the session of {@code token} (constant-time compare). */
    public synchronized boolean csrfMatches(String token, String csrf) {
        HmcSession s = token == null ? null : byDigest.get(digest(token));
        return s != null && csrf != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.US_ASCII),
                csrf.getBytes(StandardCharsets.US_ASCII));
    }

    /** Logout: the session of {@code token} ends. True if there was one. */
    public synchronized boolean end(String token) {
        return token != null && byDigest.remove(digest(token)) != null;
    }

    /** Ends every session of {@code user}; returns how many. */
    public synchronized int endAll(String user) {
        int before = byDigest.size();
        byDigest.values().removeIf(s -> s.user().equals(user));
        return before - byDigest.size();
    }

    /** The live sessions (for an administrator's list), without expired ones. */
    public synchronized List<HmcSession> list() {
        expire();
        return List.copyOf(byDigest.values());
    }

    private void expire() {
        Instant now = clock.instant();
        byDigest.values().removeIf(s -> expired(s, now));
    }

    private boolean expired(HmcSession s, Instant now) {
        return !now.isBefore(s.lastUsed().plus(idleTimeout)) || !now.isBefore(s.created().plus(lifetime));
    }

    private String token() {
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String digest(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
