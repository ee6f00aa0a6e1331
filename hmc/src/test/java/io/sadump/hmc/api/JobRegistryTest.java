package io.sadump.hmc.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The job model: running, then complete with the outcome; owners only; delete; ended jobs do not pile up. */
class JobRegistryTest {
    /** A clock the test moves. */
    static final class Moving extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T12:00:00Z"));

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    static void awaitEnd(Job j) throws InterruptedException {
        for (int i = 0; i < 2000 && !j.isEnded(); i++) {
            Thread.sleep(5);
        }
        assertThat(j.isEnded()).isTrue();
    }

    @Test
    void aJobRunsThenCompletesWithItsOutcomeAndOnlyItsOwnerSeesIt() throws Exception {
        JobRegistry r = new JobRegistry(new Moving());
        CountDownLatch go = new CountDownLatch(1);
        Job j = r.submit("alice", "POST", "/api/logical-partitions/x/operations/stop", job -> {
            job.markUnderway();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JobOutcome.failed(new ApiError(409, 1, "the CPUs are check-stopped"));
        });
        assertThat(j.uri()).isEqualTo("/api/jobs/" + j.id());
        assertThat(j.awaitUnderway(Duration.ofSeconds(10))).isTrue();
        assertThat(j.status()).containsExactly(java.util.Map.entry("status", "running"));
        assertThatThrownBy(() -> r.delete(j.id(), "alice")).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(List.of(e.status(), e.reason())).containsExactly(409, 40));
        assertThat(r.find(j.id(), "bob")).isEmpty();
        assertThatThrownBy(() -> r.delete(j.id(), "bob")).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(List.of(e.status(), e.reason())).containsExactly(404, 1));
        go.countDown();
        awaitEnd(j);
        assertThat(new ArrayList<>(j.status().keySet())).containsExactly("status", "job-status-code",
                "job-reason-code", "job-results");
        assertThat(j.status().get("status")).isEqualTo("complete");
        assertThat(j.status().get("job-status-code")).isEqualTo(409);
        assertThat(j.status().get("job-reason-code")).isEqualTo(1);
        assertThat(j.status().get("job-results")).isEqualTo(java.util.Map.of("message", "the CPUs are check-stopped"));
        r.delete(j.id(), "alice");
        assertThat(r.find(j.id(), "alice")).isEmpty();
        r.close();
    }

    @Test
    void aWorkThatThrowsEndsItsJobWith500() throws Exception {
        JobRegistry r = new JobRegistry(new Moving());
        Job j = r.submit("alice", "POST", "/x", job -> {
            throw new IllegalStateException("disk on fire");
        });
        awaitEnd(j);
        assertThat(j.outcome().statusCode()).isEqualTo(500);
        assertThat((String) j.outcome().results().get("message")).contains("disk on fire");
        r.close();
    }

    @Test
    void endedJobsNobodyDeletesAreForgottenAfterTheRetentionOrBeyondTheCap() throws Exception {
        Moving clock = new Moving();
        JobRegistry r = new JobRegistry(clock);
        Job old = r.submit("alice", "POST", "/x", job -> JobOutcome.ok());
        awaitEnd(old);
        clock.advance(JobRegistry.RETENTION.plusSeconds(1));
        Job fresh = r.submit("alice", "POST", "/x", job -> JobOutcome.ok());
        awaitEnd(fresh);
        assertThat(r.find(old.id(), "alice")).isEmpty();
        assertThat(r.find(fresh.id(), "alice")).isPresent();

        CountDownLatch hold = new CountDownLatch(1);
        Job running = r.submit("alice", "POST", "/x", job -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return JobOutcome.ok();
        });
        List<Job> many = new ArrayList<>();
        for (int i = 0; i < JobRegistry.MAX_ENDED + 10; i++) {
            clock.advance(Duration.ofMillis(1));
            Job j = r.submit("alice", "POST", "/x", job -> JobOutcome.ok());
            awaitEnd(j);
            many.add(j);
        }
        assertThat(r.size()).isLessThanOrEqualTo(JobRegistry.MAX_ENDED + 1);
        assertThat(r.find(running.id(), "alice")).as("a running job is never forgotten").isPresent();
        assertThat(r.find(many.get(many.size() - 1).id(), "alice")).isPresent();
        assertThat(r.find(fresh.id(), "alice")).as("the oldest ended job goes first").isEmpty();
        hold.countDown();
        r.close();
    }
}
