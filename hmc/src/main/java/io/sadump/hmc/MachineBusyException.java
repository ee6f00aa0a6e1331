package io.sadump.hmc;

import io.sadump.machine.MachineException;

/**
 * Another task runs on the machine (in this process or another): one task per machine at a time. The
 * message is the line every console shows: {@code busy: load by alice since 2026-12-02T12:00:01Z}.
 */
public final class MachineBusyException extends MachineException {
    private static final long serialVersionUID = 1L;

    private final transient TaskHolder holder;

    public MachineBusyException(String machine, TaskHolder holder) {
        super("busy: " + holder.describe());
        this.holder = holder;
    }

    /** Who holds the machine. */
    public TaskHolder holder() {
        return holder;
    }
}
