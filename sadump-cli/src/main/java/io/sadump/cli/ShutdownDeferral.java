package io.sadump.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Holds the JVM's exit on Ctrl-C (SIGINT) or SIGTERM until a changing HMC task has ended. Such a task
 * swaps crashkernel memory, writes a dump to a device image and rewrites the machine's CPUs: cut
 * short, it would leave storage half-swapped and the machine directory inconsistent. The JVM runs its
 * shutdown hooks on those signals while the task's thread goes on, so a hook that waits for the task
 * lets it finish; the process then exits. (SIGKILL cannot be held; a dump cut short that way is
 * reported as incomplete when read.)
 */
final class ShutdownDeferral implements AutoCloseable {
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread hook;

    ShutdownDeferral(PrintWriter err) {
        hook = new Thread(() -> {
            err.println();
            err.println("sadump hmc: interrupted: the running task ends first, so no dump, device image or "
                    + "storage is left half-written");
            err.flush();
            boolean interrupted = false;
            while (ended.getCount() > 0) {
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }, "sadump hmc: wait for the task");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The task has ended: an exit waiting in the hook goes on; otherwise the hook is removed. */
    @Override
    public void close() {
        ended.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and returns now
        }
    }
}
