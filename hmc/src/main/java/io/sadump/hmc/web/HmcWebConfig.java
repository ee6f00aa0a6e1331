package io.sadump.hmc.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the web console is served: the address and port, TLS from a PEM certificate chain and key, and an
 * optional campaign report directory served read-only. The machines, users and dump library come with the
 * {@link io.sadump.hmc.security.HmcSite}.
 *
 * @param bind the address to listen on; anything but a loopback address needs TLS, since passwords and
 *     session cookies would otherwise cross the network in clear
 * @param port the TCP port; 0 picks a free one (tests)
 * @param tlsCert the certificate chain (PEM), leaf first; present together with {@code tlsKey}
 * @param tlsKey the private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted)
 * @param reports a campaign report directory whose pages are served under {@code /reports/}
 */
public record HmcWebConfig(String bind, int port, Optional<Path> tlsCert, Optional<Path> tlsKey,
        Optional<Path> reports) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public HmcWebConfig {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65535) {
            throw new WebConfigException("--port " + port + ": give a TCP port 1..65535 (0 picks a free one)");
        }
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new WebConfigException("--tls-cert and --tls-key go together");
        }
        if (tlsCert.isEmpty() && !isLoopback(bind)) {
            throw new WebConfigException("--bind " + bind + " without TLS would send passwords in clear: give "
                    + "--tls-cert C.pem --tls-key K.pem, or bind 127.0.0.1");
        }
    }

    /** The defaults: 127.0.0.1:8080, no TLS, no reports. */
    public static HmcWebConfig local(int port) {
        return new HmcWebConfig(DEFAULT_BIND, port, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public HmcWebConfig withTls(Path cert, Path key) {
        return new HmcWebConfig(bind, port, Optional.of(cert), Optional.of(key), reports);
    }

    public HmcWebConfig withReports(Path dir) {
        return new HmcWebConfig(bind, port, tlsCert, tlsKey, Optional.of(dir));
    }

    public boolean tls() {
        return tlsCert.isPresent();
    }

    /** Whether {@code host} names only this machine (a literal loopback address or "localhost"). */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // only literal addresses: a name could resolve differently later
        if (!host.matches("[0-9.]+|\\[?[0-9A-Fa-f:]+\\]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
