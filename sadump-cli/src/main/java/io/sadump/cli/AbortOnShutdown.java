package io.sadump.cli;

import io.sadump.objectstore.MultipartUpload;
import java.io.PrintWriter;

/**
 * Aborts a multipart upload when the JVM is asked to exit (Ctrl-C, SIGTERM) before the upload was
 * completed, so that the store drops its parts and no object appears under the key. The hook runs
 * while the upload's thread goes on; the thread's next write then fails on the aborted upload. (A
 * SIGKILL runs no hook: that upload stays incomplete until {@code sadump archive gc} drops it.)
 */
final class AbortOnShutdown implements AutoCloseable {
    private final Thread hook;

    AbortOnShutdown(MultipartUpload upload, String name, PrintWriter err) {
        hook = new Thread(() -> {
            if (upload.abort()) {
                err.println();
                err.println("sadump archive: interrupted: the upload to " + name + " was aborted; nothing was stored");
                err.flush();
            }
        }, "sadump archive: abort the upload");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran
        }
    }
}
