package io.sadump.campaign.cluster;

import java.util.Map;

/** What a cluster campaign's driver reports as it runs. */
public interface ClusterProgress {
    /**
     * After each answer of a worker.
     *
     * @param done scenarios finished, those read back from a results file included
     * @param perWorker scenarios each worker finished in this run
     * @param rate scenarios per second in this run so far
     */
    void update(int done, int total, Map<String, Integer> perWorker, double rate);

    /** A sentence about the cluster: a worker joined or left, scenarios went back to the queue. */
    void note(String sentence);
}
