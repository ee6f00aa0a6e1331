package io.sadump.hmc.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One asynchronous operation: {@code /api/jobs/{id}}, visible only to the user who started it. Its
 * status is {@code running} until the operation ends, then {@code complete} with the outcome. The
 * LPAR operations of this API do not support cancellation (zhmcclient's docstrings say so for each),
 * so {@code cancel-pending} and {@code canceled} never occur.
 */
public final class Job {
    private final String id;
    private final String owner;
    private final String method;
    private final String operationUri;
    private final Instant created;
    /** Counted down when the task got past its checks (its first console line or progress) or ended. */
    private final CountDownLatch underway = new CountDownLatch(1);
    private volatile boolean begun;
    private volatile JobOutcome outcome;
    private volatile Instant ended;

    Job(String id, String owner, String method, String operationUri, Instant created) {
        this.id = id;
        this.owner = owner;
        this.method = method;
        this.operationUri = operationUri;
        this.created = created;
    }

    public String id() {
        return id;
    }

    /** {@code /api/jobs/{id}}: the {@code job-uri} of the 202 answer and its Location header. */
    public String uri() {
        return "/api/jobs/" + id;
    }

    /** The user who started it. */
    public String owner() {
        return owner;
    }

    public String method() {
        return method;
    }

    /** The operation's URI ({@code /api/logical-partitions/{id}/operations/load}). */
    public String operationUri() {
        return operationUri;
    }

    public Instant created() {
        return created;
    }

    public boolean isEnded() {
        return outcome != null;
    }

    /** The outcome, null while running. */
    public JobOutcome outcome() {
        return outcome;
    }

    /** When it ended, null while running. */
    public Instant ended() {
        return ended;
    }

    /** The task has begun its work: the request that started it can answer 202 now. */
    void markUnderway() {
        begun = true;
        underway.countDown();
    }

    /** Whether the task began its work (set before its end, on the task's thread). */
    boolean begun() {
        return begun;
    }

    void end(JobOutcome o, Instant at) {
        this.ended = at;
        this.outcome = o;
        underway.countDown();
    }

    /** Waits until the task is underway or ended, at most {@code limit}; true when it is. */
    boolean awaitUnderway(Duration limit) throws InterruptedException {
        return underway.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The body of {@code GET /api/jobs/{id}} (Query Job Status). */
    public Map<String, Object> status() {
        Map<String, Object> b = new LinkedHashMap<>();
        JobOutcome o = outcome;
        if (o == null) {
            b.put("status", "running");
        } else {
            b.put("status", "complete");
            b.put("job-status-code", o.statusCode());
            b.put("job-reason-code", o.reasonCode());
            b.put("job-results", o.results());
        }
        return b;
    }
}
