package io.sadump.campaign.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sadump campaign worker CONFIG}: a member of the campaign cluster that runs the scenario batches
 * drivers send it, {@code parallel} at a time, in its own campaign directory, for as many campaigns as come,
 * until {@link #stop}: then it leaves the cluster (a batch it was running goes back to the driver's queue).
 */
public final class ClusterWorker {
    private final HazelcastInstance hz;
    private final WorkerState state;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ClusterWorker(HazelcastInstance hz, WorkerState state) {
        this.hz = hz;
        this.state = state;
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                stopped.countDown();
            }
        });
        if (!hz.getLifecycleService().isRunning()) {
            stopped.countDown();
        }
    }

    /** Joins the cluster {@code config} names, ready for batches. */
    public static ClusterWorker start(ClusterConfig config, Path campaignDir, int parallel) throws IOException {
        if (parallel < 1) {
            throw new InvalidValueException("--parallel must be at least 1, not " + parallel);
        }
        Files.createDirectories(campaignDir);
        WorkerState state = new WorkerState(campaignDir);
        com.hazelcast.config.Config cfg = ClusterSetup.worker(config, parallel);
        cfg.getUserContext().put(WorkerState.KEY, state);
        return new ClusterWorker(Hazelcast.newHazelcastInstance(cfg), state);
    }

    /** This member's address, as progress lines and reports name it. */
    public String name() {
        return ClusterSetup.name(hz);
    }

    /** Waits until the worker has left the cluster ({@link #stop}, or Hazelcast shut it down). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
        state.close();
    }

    /** Leaves the cluster and removes the scratch machines; the driver re-queues what this worker was running. */
    public void stop() {
        try {
            if (hz.getLifecycleService().isRunning()) {
                hz.shutdown();
            }
        } finally {
            state.close();
            stopped.countDown();
        }
    }
}
