package io.sadump.campaign.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration of a campaign member, from a {@link ClusterConfig}: the member list only (no
 * multicast, no auto-detection), no phone-home, Hazelcast's logging through java.util.logging at WARNING, and failure detection in seconds (a worker killed with -9 must not stall a campaign for a minute).
 */
final class ClusterSetup {
    /** The executor scenario batches run on. */
    static final String EXECUTOR = "sadump-campaign";
    /** Member attribute: how many batches a worker runs at once. */
    static final String PARALLEL = "sadump.parallel";
    /** Member attribute: worker or driver. */
    static final String ROLE = "sadump.role";

    /**
     * The JVM options that give Hazelcast the JDK internals it reads (Hazelcast's own list); the sadump jar's
     * manifest has them too.
     */
    static final List<String> JVM_OPTIONS = List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private ClusterSetup() {}

    /** A worker: a full member whose executor runs {@code parallel} batches at once. */
    static Config worker(ClusterConfig c, int parallel) {
        Config cfg = common(c);
        cfg.getMemberAttributeConfig().setAttribute(ROLE, "worker");
        cfg.getMemberAttributeConfig().setAttribute(PARALLEL, Integer.toString(parallel));
        cfg.getExecutorConfig(EXECUTOR).setPoolSize(parallel);
        return cfg;
    }

    /** The driver: a lite member (it holds no data and runs no scenario). */
    static Config driver(ClusterConfig c) {
        Config cfg = common(c);
        cfg.setLiteMember(true);
        cfg.getMemberAttributeConfig().setAttribute(ROLE, "driver");
        return cfg;
    }

    static boolean isWorker(Member m) {
        return !m.isLiteMember() && "worker".equals(m.getAttribute(ROLE));
    }

    static int parallel(Member m) {
        try {
            return Math.max(1, Integer.parseInt(m.getAttribute(PARALLEL)));
        } catch (NumberFormatException | NullPointerException e) {
            return 1;
        }
    }

    /** How a member is named in progress lines and reports: its address. */
    static String name(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    static String name(HazelcastInstance hz) {
        return name(hz.getCluster().getLocalMember());
    }

    private static Config common(ClusterConfig c) {
        quietLogging();
        Config cfg = new Config();
        cfg.setClusterName(c.clusterName());
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.logging.type", "jdk");
        // the worker command exits on SIGTERM itself, after leaving the cluster
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a member listed in the configuration joins at once instead of waiting 5 s for others
        cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
        // a member that stops answering (kill -9, a lost host) is dropped in seconds, not the default minute
        cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        cfg.getJetConfig().setEnabled(false);
        NetworkConfig n = cfg.getNetworkConfig();
        n.setPort(c.port()).setPortAutoIncrement(c.portCount() > 1).setPortCount(c.portCount());
        c.bindInterface().ifPresent(i -> {
            n.getInterfaces().setEnabled(true).addInterface(i);
            cfg.setProperty("hazelcast.socket.bind.any", "false");
        });
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setMembers(c.members());
        return cfg;
    }

    /**
     * Hazelcast's log at WARNING and above only; where it goes (one line each on standard error) is the CLI's
     * choice.
     */
    static void quietLogging() {
        Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
    }

}
