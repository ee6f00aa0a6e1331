package io.sadump.campaign.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.FinishedScenario;
import io.sadump.campaign.Placement;
import io.sadump.campaign.ResultLine;
import io.sadump.fixtures.Corruption;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code sadump campaign --cluster CONFIG}: runs a campaign on the workers of a Hazelcast cluster. The driver
 * joins as a lite member (no data, no scenarios), cuts the missing scenarios into small batches of indices and
 * keeps as many batches in flight on each worker as the worker runs at once; answers are decoded, handed to the
 * sink (the results file) and counted as they come. A batch whose worker leaves the cluster (kill -9, a lost
 * host, SIGTERM) goes back to the front of the queue with its attempt counted, and runs on a worker that is
 * still there; a worker that joins during the campaign gets work at once. The result is in index order, so it
 * does not depend on which worker ran what.
 */
public final class ClusterDriver {
    /** Batches this small keep the tail of a campaign short and lose little work to a worker that dies. */
    static final int MAX_BATCH = 4;
    private static final long POLL_MILLIS = 200;

    private ClusterDriver() {}

    /** One answer of a worker, or its failure. */
    private record Answer(UUID member, String worker, ScenarioBatch batch, List<String> lines, Throwable error) {}

    /**
     * Runs the scenarios of {@code campaign} not in {@code finished} on the cluster.
     *
     * @throws MachineException when no worker joins within the configured wait, or a worker fails a batch for
     *     another reason than leaving the cluster
     */
    public static CampaignResult run(Campaign campaign, ClusterConfig config, Map<Integer, FinishedScenario> finished,
            Campaign.ScenarioSink sink, ClusterProgress progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        int total = campaign.runs();
        FinishedScenario[] results = new FinishedScenario[total];
        finished.forEach((i, f) -> {
            if (i < total) {
                results[i] = f;
            }
        });
        int done = (int) Arrays.stream(results).filter(Objects::nonNull).count();
        if (done == total) {
            return CampaignResult.of(campaign, List.of(results), Duration.ZERO, Duration.ZERO);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (results[i] == null) {
                missing.add(i);
            }
        }
        int[] attempts = new int[total];
        List<String> kinds = campaign.kinds().stream().map(Corruption::kindName).toList();
        String collector = campaign.coreCollector().commandLine();

        HazelcastInstance hz = Hazelcast.newHazelcastInstance(ClusterSetup.driver(config));
        try {
            IExecutorService executor = hz.getExecutorService(ClusterSetup.EXECUTOR);
            BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
            Map<UUID, Integer> inFlight = new HashMap<>();
            Map<String, Integer> perWorker = new TreeMap<>();
            Map<UUID, String> known = new HashMap<>();
            // batch size: small, and smaller still when there are few scenarios per worker slot
            Deque<int[]> queue = new ArrayDeque<>();
            long waitStart = System.nanoTime();
            long start = System.nanoTime();
            boolean queued = false;
            boolean waitingSaid = false;
            int ran = 0;
            while (done < total) {
                List<Member> workers = hz.getCluster().getMembers().stream().filter(ClusterSetup::isWorker).toList();
                for (Member m : workers) {
                    if (known.putIfAbsent(m.getUuid(), ClusterSetup.name(m)) == null) {
                        progress.note("worker " + ClusterSetup.name(m) + " joined (" + ClusterSetup.parallel(m)
                                + " parallel)");
                    }
                }
                if (workers.isEmpty() && inFlight.values().stream().allMatch(n -> n == 0)) {
                    long waited = System.nanoTime() - waitStart;
                    if (waited > config.waitForWorkers().toNanos()) {
                        throw new MachineException("no campaign worker joined cluster '" + config.clusterName()
                                + "' (members " + String.join(", ", config.members()) + ") within "
                                + config.waitForWorkers().toSeconds() + " s; start workers with 'sadump campaign "
                                + "worker CONFIG'");
                    }
                    if (!waitingSaid) {
                        progress.note("waiting for workers of cluster '" + config.clusterName() + "'");
                        waitingSaid = true;
                    }
                } else {
                    waitStart = System.nanoTime();
                    waitingSaid = false;
                }
                if (!queued && !workers.isEmpty()) {
                    // the clock starts with the first worker: waiting for one is not the campaign's speed
                    queued = true;
                    start = System.nanoTime();
                    int slots = workers.stream().mapToInt(ClusterSetup::parallel).sum();
                    int batch = Math.max(1, Math.min(MAX_BATCH, missing.size() / Math.max(1, slots * 4)));
                    for (int k = 0; k < missing.size(); k += batch) {
                        queue.add(missing.subList(k, Math.min(missing.size(), k + batch)).stream()
                                .mapToInt(Integer::intValue).toArray());
                    }
                }
                for (Member m : workers) {
                    while (!queue.isEmpty() && inFlight.getOrDefault(m.getUuid(), 0) < ClusterSetup.parallel(m)) {
                        int[] indices = queue.poll();
                        int[] tries = new int[indices.length];
                        for (int k = 0; k < indices.length; k++) {
                            tries[k] = ++attempts[indices[k]];
                        }
                        ScenarioBatch b = new ScenarioBatch(campaign.seed(), campaign.storageSize(), kinds, collector,
                                indices, tries);
                        UUID id = m.getUuid();
                        String name = ClusterSetup.name(m);
                        inFlight.merge(id, 1, Integer::sum);
                        executor.submitToMember(b, m, new ExecutionCallback<ArrayList<String>>() {
                            @Override
                            public void onResponse(ArrayList<String> lines) {
                                answers.add(new Answer(id, name, b, lines, null));
                            }

                            @Override
                            public void onFailure(Throwable t) {
                                answers.add(new Answer(id, name, b, null, t));
                            }
                        });
                    }
                }
                Answer a;
                try {
                    a = answers.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("the campaign was interrupted", e);
                }
                if (a == null) {
                    continue;
                }
                inFlight.merge(a.member(), -1, Integer::sum);
                if (a.error() != null) {
                    if (!memberGone(a.error())) {
                        throw new MachineException("worker " + a.worker() + " failed scenarios "
                                + Arrays.toString(a.batch().indices()) + ": " + rootMessage(a.error()), a.error());
                    }
                    List<Integer> back = new ArrayList<>();
                    for (int i : a.batch().indices()) {
                        if (results[i] == null) {
                            back.add(i);
                        }
                    }
                    if (!back.isEmpty()) {
                        // to the front: these have waited longest
                        queue.addFirst(back.stream().mapToInt(Integer::intValue).toArray());
                        progress.note("worker " + a.worker() + " left the cluster; scenario" + (back.size() == 1 ? " "
                                : "s ") + back + " go back to the queue");
                    }
                    continue;
                }
                for (String line : a.lines()) {
                    FinishedScenario f;
                    try {
                        f = ResultLine.decode(line, campaign);
                    } catch (InvalidValueException e) {
                        throw new MachineException("worker " + a.worker() + " answered a line this driver cannot "
                                + "read (another sadump version?): " + e.getMessage(), e);
                    }
                    int i = f.index();
                    if (i >= total || results[i] != null) {
                        continue;
                    }
                    Placement p = f.placement();
                    f = new FinishedScenario(f.result(), new Placement(a.worker(), p.host(), p.pid(), attempts[i],
                            false));
                    sink.accept(f);
                    results[i] = f;
                    done++;
                    ran++;
                    perWorker.merge(a.worker(), 1, Integer::sum);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.update(done, total, perWorker, seconds <= 0 ? 0 : ran / seconds);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return CampaignResult.of(campaign, List.of(results), elapsed, Duration.ZERO);
        } finally {
            hz.shutdown();
        }
    }

    /** Whether {@code t} says the worker left the cluster (its batch is to run elsewhere). */
    static boolean memberGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetNotMemberException
                    || c instanceof TargetDisconnectedException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}
