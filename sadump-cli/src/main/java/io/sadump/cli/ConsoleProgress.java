package io.sadump.cli;

import io.sadump.dump.DumpProgressListener;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Progress of a copy as zgetdump shows it, {@code NNNNNNNN / NNNNNNNN MB} on one line redrawn with
 * {@code \r}, at most twice a second; only when stderr is a terminal (never into logs or pipes).
 */
final class ConsoleProgress implements DumpProgressListener {
    private static final long MIB = 1L << 20;
    private static final long INTERVAL_NANOS = 500_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private long last;
    private boolean drawn;

    private ConsoleProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Progress on {@code err} when the process has a terminal. */
    static ConsoleProgress onTerminal(PrintWriter err) {
        return new ConsoleProgress(err, terminalAttached());
    }

    /** Standard input and output are a terminal (on JDK 22 and later System.console() alone does not say). */
    static boolean terminalAttached() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // before JDK 22, a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public void progress(long memoryDone, long memoryTotal, long dumpFileBytes) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - last < INTERVAL_NANOS && memoryDone < memoryTotal) {
            return;
        }
        last = now;
        drawn = true;
        err.printf(Locale.ROOT, "\r  Copying dump: %08d / %08d MB", memoryDone / MIB, memoryTotal / MIB);
        err.flush();
    }

    /** Ends the progress line. */
    void done() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
