package io.sadump.cli;

import io.sadump.machine.output.ReplacementFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Removes a command's unfinished output files when the JVM is asked to exit (Ctrl-C, SIGTERM) before
 * the command is done: the hidden new files its replacements write into ({@link
 * ReplacementFile#discardUnfinished()}), which would otherwise stay beside the outputs, as large as the
 * dump written so far. An older file under the output's name stays as it was. The command's threads
 * go on while the hook runs; a commit that is already renaming finishes and is kept. (SIGKILL runs no
 * hook: the hidden file then stays, as after a power loss.)
 */
final class DiscardOnShutdown implements AutoCloseable {
    private final Thread hook;

    /** @param command the command's name for the message ({@code sadump archive create}) */
    DiscardOnShutdown(String command, PrintWriter err) {
        hook = new Thread(() -> {
            List<Path> notWritten = ReplacementFile.discardUnfinished();
            for (Path p : notWritten) {
                err.println();
                err.println(command + ": interrupted: " + p + " was not written (an older file of that name is as it was)");
            }
            err.flush();
        }, command + ": remove unfinished outputs");
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
