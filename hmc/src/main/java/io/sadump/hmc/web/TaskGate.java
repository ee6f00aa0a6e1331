package io.sadump.hmc.web;

import io.sadump.machine.MachineException;

/**
 * Lets a stopping server finish the tasks it runs: once {@link #close} has begun no task starts, and close
 * waits until the running ones have ended (a Load is never cut short by Ctrl-C; a kill -9 is the journal's
 * business).
 */
final class TaskGate {
    private int running;
    private boolean closing;

    /** One running task; closing it lets a waiting {@link #close} go on. */
    final class Ticket implements AutoCloseable {
        @Override
        public void close() {
            synchronized (TaskGate.this) {
                running--;
                TaskGate.this.notifyAll();
            }
        }
    }

    synchronized Ticket enter() {
        if (closing) {
            throw new MachineException("the HMC server is stopping: no new task starts");
        }
        running++;
        return new Ticket();
    }

    /** Refuses new tasks and waits for the running ones, at most {@code millis}; true when none runs. */
    synchronized boolean close(long millis) throws InterruptedException {
        closing = true;
        long end = System.currentTimeMillis() + millis;
        while (running > 0) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized int running() {
        return running;
    }
}
