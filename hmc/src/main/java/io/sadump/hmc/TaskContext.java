package io.sadump.hmc;

import java.util.Objects;

/**
 * Who runs a task, from where, and who watches it.
 *
 * @param user the user the task runs for (the HMC user, or the login name for the CLI)
 * @param origin where it came from: {@code local} (a terminal), {@code web 127.0.0.1}, {@code api 10.0.0.5}
 * @param observer who gets the console lines and the progress
 */
public record TaskContext(String user, String origin, TaskObserver observer) {
    /** The origin of tasks typed in a terminal. */
    public static final String LOCAL = "local";

    public TaskContext {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(origin, "origin");
        observer = observer == null ? TaskObserver.NONE : observer;
    }

    /** A task typed in a terminal, run for the login user ({@code $USER}). */
    public static TaskContext local(TaskObserver observer) {
        return new TaskContext(localUser(), LOCAL, observer);
    }

    /** The login name: {@code $USER}, else the JVM's {@code user.name}. */
    public static String localUser() {
        String u = System.getenv("USER");
        if (u == null || u.isBlank()) {
            u = System.getProperty("user.name", "unknown");
        }
        return u;
    }
}
