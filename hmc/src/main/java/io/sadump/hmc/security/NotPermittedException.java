package io.sadump.hmc.security;

/** The user's role does not permit the task (the WS API's 403, reason 1). */
public final class NotPermittedException extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final HmcTask task;

    public NotPermittedException(String user, HmcTask task) {
        super("not permitted: " + user + " may not run " + task.title());
        this.task = task;
    }

    public HmcTask task() {
        return task;
    }
}
