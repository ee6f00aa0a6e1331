package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;

/**
 * Where the IPL model's operating-system messages go, as events: the library never prints. The HMC
 * shows them (and appends them to the machine's console log); a CLI may draw a progress bar from
 * {@link #progress}.
 */
public interface ConsoleListener {
    /** A listener that ignores every event. */
    ConsoleListener NONE = new ConsoleListener() {
        @Override
        public void message(String line) {}
    };

    /** One console line, as the dumper or the kernel writes it. */
    void message(String line);

    /**
     * The dump advanced: {@code done} of {@code total} bytes of memory written (called about every MiB);
     * the console lines themselves come through {@link #message} at most every few seconds.
     */
    default void progress(long done, long total) {}

    /**
     * The dump is about to read memory: {@code storage} now holds what the dump will contain (after store
     * status, before the crashkernel swap). A test or a demo takes its reference digests here.
     */
    default void dumpStarting(AbsoluteStorage storage) {}
}
