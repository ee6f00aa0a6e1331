package io.sadump.cli;

import io.sadump.hmc.TaskObserver;
import java.io.PrintWriter;

/**
 * How the CLI watches an HMC task: each console line on {@code out} as it comes (unless the outcome is
 * printed as JSON), and a one-line progress bar on {@code err} when that is a terminal.
 */
class ConsoleEcho implements TaskObserver {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean echo;
    private final boolean bar;
    private long lastDraw;
    private boolean drawn;

    /**
     * @param echo print every console line on {@code out}
     * @param bar draw a progress bar on {@code err}
     */
    ConsoleEcho(PrintWriter out, PrintWriter err, boolean echo, boolean bar) {
        this.out = out;
        this.err = err;
        this.echo = echo;
        this.bar = bar;
    }

    /** Lines on {@code out} and the bar on a terminal, or nothing live for {@code --json}. */
    static ConsoleEcho of(PrintWriter out, PrintWriter err, boolean json) {
        return new ConsoleEcho(out, err, !json, !json && ConsoleProgress.terminalAttached());
    }

    @Override
    public void message(String line) {
        clear();
        if (echo) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void progress(long done, long total) {
        if (!bar || total <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        int width = 40;
        int filled = (int) (width * Math.min(1.0, (double) done / total));
        err.printf("\r[%s%s] %5d / %d MiB", "#".repeat(filled), " ".repeat(width - filled), done >> 20, total >> 20);
        err.flush();
        drawn = true;
    }

    /** Removes the bar, so the next line starts clean. */
    void clear() {
        if (drawn) {
            err.print("\r" + " ".repeat(72) + "\r");
            err.flush();
            drawn = false;
        }
    }
}
