package io.sadump.cli;

import io.sadump.objectstore.MultipartUpload;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Aborts a multipart upload when the JVM is asked to exit (Ctrl-C, SIGTERM) before the upload was
 * completed, so that the store drops its parts and no object appears under the key. The hook is in
 * place before the upload is started: a signal while the store creates the upload waits for it (up to
 * {@value #START_WAIT_SECONDS} s) and aborts it too. The hook runs while the upload's thread goes on;
 * the thread's next write then fails on the aborted upload. (A SIGKILL runs no hook: that upload stays
 * incomplete until {@code sadump archive gc} drops it.)
 */
final class AbortOnShutdown implements AutoCloseable {
    static final int START_WAIT_SECONDS = 30;
    private final CompletableFuture<MultipartUpload> upload = new CompletableFuture<>();
    private final Thread hook;

    AbortOnShutdown(String name, PrintWriter err) {
        hook = new Thread(() -> {
            MultipartUpload u;
            try {
                u = upload.get(START_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                return;
            }
            if (u != null && u.abort()) {
                err.println();
                err.println("sadump archive: interrupted: the upload to " + name + " was aborted; nothing was stored");
                err.flush();
            }
        }, "sadump archive: abort the upload");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The upload the hook aborts; returned for use in a try-with-resources. */
    MultipartUpload started(MultipartUpload started) {
        upload.complete(started);
        return started;
    }

    @Override
    public void close() {
        upload.complete(null); // never started: nothing to abort
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran
        }
    }
}
