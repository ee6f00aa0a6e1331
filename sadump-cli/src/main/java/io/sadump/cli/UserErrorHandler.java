package io.sadump.cli;

import io.sadump.machine.MachineException;
import io.sadump.machine.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure into one clear line on stderr and an exit code, never a stack trace. An unexpected
 * failure (a bug) also leaves its trace in a file named in that line. Exit 2 for usage errors, 1 for
 * failures.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message(ex));
        cl.getErr().flush();
        return exitCode(ex);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof UsageException || ex instanceof IllegalArgumentException
                || ex instanceof CommandLine.ParameterException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILURE;
    }

    static String message(Throwable ex) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException) {
            return "no such file: " + ((NoSuchFileException) t).getFile();
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) t).getFile();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        if (!(t instanceof MachineException || t instanceof StorageException || t instanceof IOException
                || t instanceof IllegalArgumentException || t instanceof UsageException)) {
            // Unexpected: say so, so it gets reported, but still in one line.
            m = "internal error: " + t.getClass().getSimpleName() + ": " + m + traceFile(t);
        }
        return m.replace('\n', ' ');
    }

    /** Saves the trace of a bug where a developer can find it; the user sees only the file name. */
    private static String traceFile(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c == t ? "" : "Caused by: ").append(c).append('\n');
            for (StackTraceElement e : c.getStackTrace()) {
                sb.append("\tat ").append(e).append('\n');
            }
        }
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("sadump-error-", ".txt");
            java.nio.file.Files.writeString(f, sb);
            return " (details in " + f + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
