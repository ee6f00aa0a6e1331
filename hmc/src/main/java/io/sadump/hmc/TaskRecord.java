package io.sadump.hmc;

import java.time.Instant;

/**
 * One task run (or refused) on a machine, as the audit log keeps it.
 *
 * @param time when it ended (UTC)
 * @param user who ran it
 * @param origin from where ({@code local}, {@code web 127.0.0.1}, ...)
 * @param machine the machine's name
 * @param dir the machine directory
 * @param task the HMC task's name ({@code Load}, {@code Stop All}, ...)
 * @param options what was asked ({@code devno=0.0.0190 store-status}), empty when nothing
 * @param allowed false when it was refused before it ran (busy, wrong state, not permitted)
 * @param outcome what came of it: the verdict and dump, the new state, or the refusal's message
 */
public record TaskRecord(Instant time, String user, String origin, String machine, String dir, String task,
        String options, boolean allowed, String outcome) {}
