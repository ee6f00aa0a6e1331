package io.sadump.hmc.api;

import java.util.Map;

/**
 * How an asynchronous operation ended, as {@code GET /api/jobs/{id}} reports it: the HTTP status the
 * operation would have answered synchronously ({@code job-status-code}), its reason code
 * ({@code job-reason-code}) and {@code job-results} (null on success; {@code {message}} on failure, the
 * shape zhmcclient's {@code Job.check_for_completion} turns into an {@code HTTPError}).
 */
public record JobOutcome(int statusCode, int reasonCode, Map<String, Object> results) {
    /** The operation did what it was asked: 200, no results. */
    public static JobOutcome ok() {
        return new JobOutcome(200, 0, null);
    }

    /** The operation failed as {@code e} says. */
    public static JobOutcome failed(ApiError e) {
        return new JobOutcome(e.status(), e.reason(), Map.of("message", e.getMessage()));
    }

    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }
}
