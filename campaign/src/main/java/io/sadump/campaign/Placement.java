package io.sadump.campaign;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where a scenario ran: which worker, on which host, in which process, at which attempt. Only the appendix of
 * a report shows it; the outcome of a scenario never depends on it.
 *
 * @param worker {@code local} for a campaign in one process, else the cluster member's address
 * @param attempt 1, or more when the worker that had it first left the cluster before it finished
 * @param resumed true when it was read back from the results file of an earlier driver
 */
public record Placement(String worker, String host, long pid, int attempt, boolean resumed) {
    /** The worker name of a campaign in one process. */
    public static final String LOCAL = "local";

    private static volatile String hostName;

    public Placement {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(host, "host");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, not " + attempt);
        }
    }

    /** This process, as {@code worker}, at {@code attempt}. */
    public static Placement here(String worker, int attempt) {
        return new Placement(worker, localHost(), ProcessHandle.current().pid(), attempt, false);
    }

    /** The same placement, marked as read back from a results file. */
    public Placement asResumed() {
        return new Placement(worker, host, pid, attempt, true);
    }

    public boolean retried() {
        return attempt > 1;
    }

    /** This machine's host name, looked up once ({@code localhost} when it has none). */
    public static String localHost() {
        String h = hostName;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "localhost";
            }
            hostName = h;
        }
        return h;
    }
}
