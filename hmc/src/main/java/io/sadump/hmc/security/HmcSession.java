package io.sadump.hmc.security;

import java.time.Instant;

/**
 * A logged-on session. {@code token} is the secret the browser's cookie or the API's
 * {@code X-API-Session} header carries; {@code csrf} the token the browser's pages send with every
 * change. Never logged, never in a URL.
 *
 * @param token 256 random bits, base64url
 * @param csrf 256 random bits, base64url, for this session only
 * @param user the user's name
 * @param address the client address it logged on from
 * @param kind browser or API
 * @param created when it logged on
 * @param lastUsed when it was last used
 */
public record HmcSession(String token, String csrf, String user, String address, Kind kind, Instant created,
        Instant lastUsed) {
    public enum Kind {
        BROWSER,
        API
    }

    @Override
    public String toString() {
        // a session printed by mistake must not show its secrets
        return "HmcSession[user=" + user + ", address=" + address + ", kind=" + kind + ", created=" + created + "]";
    }
}
