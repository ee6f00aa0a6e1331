package io.sadump.device;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Gets a device image's written pages onto the disk while the writer goes on. Writes land in the page
 * cache, and the kernel starts writing them out only once a tenth or so of the machine's memory is
 * dirty: a dump of a few GiB would otherwise have the whole of it written out by the final flush,
 * with the disk idle until then. Every {@value #KICK_BYTES} bytes written, a short-lived thread forces
 * the file ({@code fdatasync}) while the writer fills the next pages. Nothing depends on it for
 * durability: the device's own flush still forces the file; it waits for the running force first and
 * reports its failure (an error that one force returned is not returned again by the next).
 *
 * <p>Used by one writer thread at a time, as the device is.
 */
public final class ImageWriteback {
    /** Bytes written between two background forces. */
    public static final long KICK_BYTES = 64L << 20;

    private final FileChannel channel;
    private long sinceKick;
    private Thread running;
    private volatile IOException failure;

    public ImageWriteback(FileChannel channel) {
        this.channel = channel;
    }

    /** Counts {@code bytes} just written; starts a background force when enough were written since the last. */
    public void written(long bytes) {
        sinceKick += bytes;
        if (sinceKick < KICK_BYTES || (running != null && running.isAlive())) {
            return;
        }
        sinceKick = 0;
        Thread t = new Thread(this::force, "image writeback");
        t.setDaemon(true);
        running = t;
        t.start();
    }

    private void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            failure = e;
        }
    }

    /**
     * Waits for a running background force; throws what a background force failed with (once).
     */
    public void awaitIdle() throws IOException {
        Thread t = running;
        if (t != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            running = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        IOException e = failure;
        if (e != null) {
            failure = null;
            throw e;
        }
    }
}
