package io.sadump.campaign.cluster;

import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where the members of a campaign cluster are: a small properties file that the driver and every worker read.
 *
 * <pre>
 * cluster-name=sadump-campaign
 * members=127.0.0.1:5701-5703, 10.0.0.7:5701
 * port=5701
 * port-count=20
 * interface=127.0.0.1
 * wait-for-workers=60
 * </pre>
 *
 * Members are found from this list only (TCP/IP join; multicast and auto-detection are off); a range of ports
 * names one member per port. A member listens on {@code port}, or the next free one of {@code port-count}, on
 * {@code interface} when given (else on every interface). The driver waits {@code wait-for-workers} seconds for
 * a first worker before it gives up.
 *
 * @param members host:port of each member to contact, ranges expanded
 */
public record ClusterConfig(String clusterName, List<String> members, int port, int portCount,
        Optional<String> bindInterface, Duration waitForWorkers) {
    public static final String DEFAULT_NAME = "sadump-campaign";
    public static final int DEFAULT_PORT = 5701;
    public static final int DEFAULT_PORT_COUNT = 100;
    public static final int DEFAULT_WAIT_SECONDS = 60;
    /** More members than this from one range is a typo, not a cluster. */
    private static final int MAX_RANGE = 256;
    private static final Set<String> KEYS = Set.of("cluster-name", "members", "port", "port-count", "interface",
            "wait-for-workers");

    public ClusterConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        members = List.copyOf(members);
        Objects.requireNonNull(bindInterface, "bindInterface");
        Objects.requireNonNull(waitForWorkers, "waitForWorkers");
    }

    /**
     * Reads {@code file}.
     *
     * @throws InvalidValueException naming the file and what is wrong in it
     */
    public static ClusterConfig read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new InvalidValueException("cluster configuration " + file + " does not exist");
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new InvalidValueException("cluster configuration " + file + " is not a properties file: "
                    + e.getMessage());
        }
        return parse(p, file.toString());
    }

    /** The configuration {@code p} holds; {@code source} names it in error messages. */
    public static ClusterConfig parse(Properties p, String source) {
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new InvalidValueException(source + ": unknown key '" + k + "' (known: cluster-name, members, "
                        + "port, port-count, interface, wait-for-workers)");
            }
        }
        String name = p.getProperty("cluster-name", DEFAULT_NAME).trim();
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidValueException(source + ": cluster-name '" + name + "' is not 1 to 64 letters, digits, "
                    + "'.', '_' or '-'");
        }
        String list = p.getProperty("members");
        if (list == null || list.isBlank()) {
            throw new InvalidValueException(source + ": 'members' is missing (for example members=127.0.0.1:5701-5703)");
        }
        int port = number(p, "port", DEFAULT_PORT, 1, 65535, source);
        int count = number(p, "port-count", DEFAULT_PORT_COUNT, 1, 65535, source);
        int wait = number(p, "wait-for-workers", DEFAULT_WAIT_SECONDS, 0, 86_400, source);
        Optional<String> iface = Optional.ofNullable(p.getProperty("interface")).map(String::trim)
                .filter(s -> !s.isEmpty());
        return new ClusterConfig(name, members(list, port, source), port, count, iface, Duration.ofSeconds(wait));
    }

    private static int number(Properties p, String key, int dflt, int min, int max, String source) {
        String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new InvalidValueException(source + ": " + key + " must be a number from " + min + " to " + max
                + ", not '" + v.trim() + "'");
    }

    /** {@code host[:port[-port]]}, comma separated, ranges expanded. */
    static List<String> members(String list, int defaultPort, String source) {
        List<String> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String m = raw.trim();
            if (m.isEmpty()) {
                continue;
            }
            int colon = m.lastIndexOf(':');
            String host = colon < 0 ? m : m.substring(0, colon);
            if (!host.matches("[A-Za-z0-9.-]+")) {
                throw new InvalidValueException(source + ": member '" + m + "' is not HOST, HOST:PORT or "
                        + "HOST:PORT-PORT (for example 127.0.0.1:5701-5703)");
            }
            if (colon < 0) {
                out.add(host + ":" + defaultPort);
                continue;
            }
            String ports = m.substring(colon + 1);
            String[] ends = ports.split("-", -1);
            int first;
            int last;
            try {
                first = Integer.parseInt(ends[0].trim());
                last = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : first;
            } catch (NumberFormatException e) {
                first = -1;
                last = -1;
            }
            if (ends.length > 2 || first < 1 || last > 65535 || last < first) {
                throw new InvalidValueException(source + ": member '" + m + "' has no valid port or port range "
                        + "(PORT or FIRST-LAST, 1 to 65535)");
            }
            if (last - first >= MAX_RANGE) {
                throw new InvalidValueException(source + ": member range '" + m + "' names " + (last - first + 1)
                        + " ports; at most " + MAX_RANGE);
            }
            for (int port = first; port <= last; port++) {
                out.add(host + ":" + port);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidValueException(source + ": 'members' names no member");
        }
        return out;
    }
}
