package io.sadump.hmc.security;

import java.time.Instant;
import java.util.Optional;

/**
 * One audit log entry.
 *
 * @param time when (UTC)
 * @param event {@code login}, {@code logout}, {@code user} (a user was added, changed, removed) or {@code task}
 * @param user who
 * @param address from where ({@code local}, {@code web 127.0.0.1}, {@code api 10.0.0.5})
 * @param machine the machine's name (tasks)
 * @param dir the machine directory (tasks)
 * @param task the task or action ({@code Load}, {@code add user bob}, ...)
 * @param options what was asked
 * @param allowed whether it was allowed to run
 * @param outcome what came of it, or why it was refused
 */
public record AuditEntry(Instant time, String event, String user, String address, Optional<String> machine,
        Optional<String> dir, String task, String options, boolean allowed, String outcome) {
    public static final String LOGIN = "login";
    public static final String LOGOUT = "logout";
    public static final String USER = "user";
    public static final String TASK = "task";
}
