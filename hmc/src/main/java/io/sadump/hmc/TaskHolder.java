package io.sadump.hmc;

import java.time.Instant;

/**
 * Who runs a task on a machine now.
 *
 * @param user the user the task runs for
 * @param task what it is ({@code load}, {@code stop}, or {@code another sadump command} when a command
 *     that writes no holder note holds the machine)
 * @param since when it began
 */
public record TaskHolder(String user, String task, Instant since) {
    /** {@code load by alice since 2026-12-02T12:00:01Z}. */
    public String describe() {
        return task + " by " + user + " since " + since;
    }
}
