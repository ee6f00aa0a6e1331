package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.FinishedScenario;
import io.sadump.campaign.cluster.ClusterConfig;
import io.sadump.campaign.cluster.ClusterDriver;
import io.sadump.campaign.cluster.ClusterProgress;
import io.sadump.campaign.cluster.ClusterWorker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The CLI's only door to campaign-cluster: {@link CampaignCommand} and {@link CampaignWorkerCommand} call it
 * when asked for a cluster, and nothing else refers to Hazelcast, so every other command starts without loading
 * a class of it. Signatures here use no class of campaign-cluster for the same reason.
 */
final class CampaignOnCluster {
    /** Without a terminal, a progress line this often at most. */
    private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;

    private CampaignOnCluster() {}

    /** The driver: the campaign's scenarios on the cluster {@code config} names; progress on {@code err}. */
    static CampaignResult run(Campaign campaign, Path config, Map<Integer, FinishedScenario> finished,
            Campaign.ScenarioSink sink, PrintWriter err) throws IOException {
        ClusterConfig c = ClusterConfig.read(config);
        hazelcastLogTo(err);
        boolean bar = ConsoleProgress.terminalAttached();
        CampaignResult r = ClusterDriver.run(campaign, c, finished, sink, new ClusterProgress() {
            private long lastLine = System.nanoTime();
            private boolean onBar;

            @Override
            public synchronized void update(int done, int total, Map<String, Integer> perWorker, double rate) {
                long now = System.nanoTime();
                if (!bar && done < total && now - lastLine < LINE_INTERVAL_NANOS) {
                    return;
                }
                lastLine = now;
                String text = String.format(Locale.ROOT, "%d / %d scenarios, %.1f /s; %s", done, total, rate,
                        perWorker.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ")));
                err.print(bar ? "\r" + text + "\u001b[K" : text + System.lineSeparator());
                onBar = bar;
                err.flush();
            }

            @Override
            public synchronized void note(String sentence) {
                err.print((onBar ? "\r\u001b[K" : "") + "campaign: " + sentence + System.lineSeparator());
                onBar = false;
                err.flush();
            }
        });
        if (bar) {
            err.print("\r\u001b[K");
            err.flush();
        }
        return r;
    }

    /**
     * A worker: serves the cluster {@code config} names until SIGTERM or Ctrl-C, then leaves it and ends the
     * JVM with status 0 (the status of a worker asked to stop, not 143).
     */
    static void serve(Path config, Path campaignDir, int parallel, PrintWriter err)
            throws IOException, InterruptedException {
        ClusterConfig c = ClusterConfig.read(config);
        hazelcastLogTo(err);
        ClusterWorker w = ClusterWorker.start(c, campaignDir, parallel);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                err.println("sadump campaign worker " + w.name() + ": leaving the cluster");
                err.flush();
                w.stop();
            } finally {
                Runtime.getRuntime().halt(0);
            }
        }, "campaign-worker-stop"));
        err.println("sadump campaign worker " + w.name() + " in cluster " + c.clusterName() + ": " + parallel
                + " parallel, campaign directory " + campaignDir + "; stop it with SIGTERM or Ctrl-C");
        err.flush();
        w.awaitStop();
    }

    /** Hazelcast's warnings (the library keeps only those) as one line each on {@code err}. */
    private static void hazelcastLogTo(PrintWriter err) {
        Logger hz = Logger.getLogger("com.hazelcast");
        hz.setUseParentHandlers(false);
        for (Handler h : hz.getHandlers()) {
            hz.removeHandler(h);
        }
        hz.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    String m = r.getMessage() == null ? "" : r.getMessage();
                    int nl = m.indexOf('\n');
                    synchronized (err) {
                        err.println("hazelcast " + r.getLevel().getName().toLowerCase(Locale.ROOT) + ": "
                                + (nl < 0 ? m : m.substring(0, nl)));
                        err.flush();
                    }
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                err.flush();
            }
        });
    }
}
