package io.sadump.hmc;

import io.sadump.machine.AbsoluteStorage;

/**
 * Who watches a task run: the console lines as the machine writes them and the dump's progress. The CLI
 * prints them, the web console and the API stream them; the library itself never prints.
 */
public interface TaskObserver {
    /** Watches nothing: the lines still go to the console log and the {@link ConsoleFeed}. */
    TaskObserver NONE = new TaskObserver() {
        @Override
        public void message(String line) {}

        @Override
        public void progress(long done, long total) {}
    };

    /** One operating-system message (already appended to the machine's console log). */
    void message(String line);

    /** How far the dump is: {@code done} of {@code total} bytes. */
    void progress(long done, long total);

    /** The dump starts; {@code storage} is storage as the dump will hold it (the demo digests it here). */
    default void dumpStarting(AbsoluteStorage storage) {}
}
