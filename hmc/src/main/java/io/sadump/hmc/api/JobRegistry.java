package io.sadump.hmc.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The asynchronous jobs of the API: each operation runs on a thread of its own (one task per machine
 * at a time is the machine's rule, so the number running is bounded by the machines served), and its
 * job stays queryable until its owner deletes it (as zhmcclient's {@code Job.check_for_completion}
 * does once it sees {@code complete}) or, ended and forgotten, until {@link #RETENTION} has passed or
 * more than {@link #MAX_ENDED} ended jobs are kept (oldest first), so a client that never deletes
 * cannot fill the heap.
 */
public final class JobRegistry implements AutoCloseable {
    /** How long an ended job that nobody deleted stays queryable. */
    public static final Duration RETENTION = Duration.ofHours(1);
    /** How many ended jobs are kept at most. */
    public static final int MAX_ENDED = 1000;
    /** How long {@link #close()} waits for running jobs to end (a task is never abandoned half-way). */
    static final Duration CLOSE_WAIT = Duration.ofMinutes(10);

    /** What a job runs; it calls {@link Job#markUnderway()} through its observer when the work begins. */
    public interface Work {
        JobOutcome run(Job job);
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final Clock clock;

    public JobRegistry() {
        this(Clock.systemUTC());
    }

    JobRegistry(Clock clock) {
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "wsapi-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code work} as a new job of {@code owner}. {@code work} returns the outcome; an exception
     * it throws ends the job with 500.
     */
    public Job submit(String owner, String method, String operationUri, Work work) {
        evict();
        Job job = new Job(UUID.randomUUID().toString(), owner, method, operationUri, clock.instant());
        jobs.put(job.id(), job);
        executor.execute(() -> {
            JobOutcome o;
            try {
                o = work.run(job);
            } catch (RuntimeException | Error e) {
                o = JobOutcome.failed(new ApiError(500, ApiError.INTERNAL, "the operation failed: " + e));
            }
            job.end(o, clock.instant());
        });
        return job;
    }

    /** The job {@code id} if {@code user} started it (another user's job is not found, as on the HMC). */
    public Optional<Job> find(String id, String user) {
        Job j = jobs.get(id);
        return j != null && j.owner().equals(user) ? Optional.of(j) : Optional.empty();
    }

    /**
     * Deletes an ended job (Delete Completed Job Status).
     *
     * @throws ApiError 404.1 when there is no such job of {@code user}, 409.40 while it runs
     */
    public void delete(String id, String user) {
        Job j = find(id, user).orElseThrow(() -> ApiError.notFound("no job " + id));
        if (!j.isEnded()) {
            throw new ApiError(409, ApiError.JOB_NOT_ENDED, "job " + id + " has not ended: query it until its "
                    + "status is complete, then delete it");
        }
        jobs.remove(id);
    }

    /** Forgets a job that never became one (its operation was refused before it began). */
    void forget(Job job) {
        jobs.remove(job.id());
    }

    /** How many jobs are kept (running and ended). */
    public int size() {
        return jobs.size();
    }

    private void evict() {
        Instant cutoff = clock.instant().minus(RETENTION);
        List<Job> ended = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (j.isEnded()) {
                if (j.ended().isBefore(cutoff)) {
                    jobs.remove(j.id());
                } else {
                    ended.add(j);
                }
            }
        }
        if (ended.size() >= MAX_ENDED) {
            ended.sort(Comparator.comparing(Job::ended));
            for (int i = 0; i <= ended.size() - MAX_ENDED; i++) {
                jobs.remove(ended.get(i).id());
            }
        }
    }

    /** Waits for running jobs to end: a load is never cut short by a server that closes. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
