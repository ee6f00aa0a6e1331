package io.sadump.campaign.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sadump campaign worker CONFIG}: a member of the campaign cluster that runs the scenario batches
 * drivers send it, {@code parallel} at a time, in its own campaign directory, for as many campaigns as come,
 * until it is told to stop (SIGTERM, Ctrl-C): then it leaves the cluster (a batch it was running goes back to
 * the driver's queue) and exits with status 0.
 */
public final class ClusterWorker {
    private ClusterWorker() {}

    /**
     * Joins the cluster and serves until the JVM is asked to stop; {@code log} gets one line when the worker
     * is up.
     */
    public static void serve(ClusterConfig config, Path campaignDir, int parallel, PrintWriter log)
            throws IOException, InterruptedException {
        if (parallel < 1) {
            throw new InvalidValueException("--parallel must be at least 1, not " + parallel);
        }
        Files.createDirectories(campaignDir);
        WorkerState state = new WorkerState(campaignDir);
        com.hazelcast.config.Config cfg = ClusterSetup.worker(config, parallel);
        cfg.getUserContext().put(WorkerState.KEY, state);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // leave the cluster before the JVM goes, so the driver re-queues at once; then exit 0, the status
            // of a worker asked to stop
            try {
                if (hz.getLifecycleService().isRunning()) {
                    hz.shutdown();
                }
                state.close();
            } finally {
                Runtime.getRuntime().halt(0);
            }
        }, "campaign-worker-stop"));
        log.println("sadump campaign worker " + ClusterSetup.name(hz) + " in cluster " + config.clusterName()
                + ": " + parallel + " parallel, campaign directory " + campaignDir + "; stop it with SIGTERM");
        log.flush();
        stopped.await();
        state.close();
    }

    /** {@code ClusterWorker CONFIG DIR PARALLEL}: the worker without the CLI (the tests' worker JVMs). */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ClusterWorker CONFIG DIR PARALLEL");
            System.exit(2);
        }
        serve(ClusterConfig.read(Path.of(args[0])), Path.of(args[1]), Integer.parseInt(args[2]),
                new PrintWriter(System.out, true));
    }
}
