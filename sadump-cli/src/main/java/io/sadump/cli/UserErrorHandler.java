package io.sadump.cli;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import io.sadump.machine.StorageException;
import io.sadump.meminfo.MeminfoFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into one line on stderr and an exit code, never a stack trace unless
 * one is asked for. Three kinds, as the README promises:
 *
 * <ul>
 *   <li>usage error, exit 2: picocli's parameter errors, {@link UsageException}, the libraries'
 *       {@link InvalidValueException} (a size, device number, format word... sadump does not accept),
 *       and a path the file system cannot name;
 *   <li>failure, exit 1: the libraries' typed exceptions for a machine, storage, meminfo page, device,
 *       dump or archive that cannot do what was asked ({@link MachineException} with {@code IplException}
 *       and the other machine errors, {@link StorageException}, {@link MeminfoFormatException}, and every
 *       {@link IOException}: {@code DeviceException}, {@code DumpFormatException},
 *       {@code IncompleteDumpException}, {@code DumpFailedException}, {@code ArchiveVerificationException}...);
 *   <li>internal error, exit 70 ({@code EX_SOFTWARE} of sysexits.h): anything else, a bug in sadump,
 *       whatever its type, including a bare {@link IllegalArgumentException}. The line says so, with the
 *       exception's class and message, and how to see the trace.
 * </ul>
 *
 * With {@value #DEBUG_OPTION} on the command line or {@value #DEBUG_VARIABLE} set (not to 0), the Java
 * stack trace of the error follows the line.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_INTERNAL = 70;
    static final String DEBUG_OPTION = "--debug";
    static final String DEBUG_VARIABLE = "SADUMP_DEBUG";
    /** What the line of an internal error ends with. */
    static final String TRACE_HINT = "a bug in sadump; run it again with " + DEBUG_OPTION + " or " + DEBUG_VARIABLE
            + "=1 for the stack trace";

    private final boolean debugByEnvironment;

    /** @param environment the process environment, where {@value #DEBUG_VARIABLE} may ask for traces */
    UserErrorHandler(Map<String, String> environment) {
        this.debugByEnvironment = debugRequested(environment);
    }

    static boolean debugRequested(Map<String, String> environment) {
        String v = environment.get(DEBUG_VARIABLE);
        return v != null && !v.isBlank() && !v.strip().equals("0");
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        report(ex, cl.getCommandSpec().qualifiedName(), cl.getErr(), debugByEnvironment || debugOption(parseResult));
        return exitCode(ex);
    }

    /** Prints the line for {@code ex} and, when {@code trace}, its stack trace. */
    static void report(Throwable ex, String commandName, PrintWriter err, boolean trace) {
        err.println(commandName + ": " + message(ex));
        if (trace) {
            ex.printStackTrace(err);
        }
        err.flush();
    }

    /** Whether {@value #DEBUG_OPTION} was given to the command or any command above it. */
    private static boolean debugOption(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(DEBUG_OPTION)) {
                return true;
            }
        }
        return false;
    }

    static int exitCode(Throwable ex) {
        Throwable t = unwrap(ex);
        if (isUsageError(t)) {
            return EXIT_USAGE;
        }
        if (isFailure(t)) {
            return EXIT_FAILURE;
        }
        return EXIT_INTERNAL;
    }

    private static boolean isUsageError(Throwable t) {
        return t instanceof UsageException || t instanceof InvalidValueException
                || t instanceof CommandLine.ParameterException || t instanceof InvalidPathException;
    }

    private static boolean isFailure(Throwable t) {
        return t instanceof MachineException || t instanceof StorageException || t instanceof MeminfoFormatException
                || t instanceof IOException;
    }

    /** The exception that says what happened: an I/O error carried through a stream lambda is an I/O error. */
    private static Throwable unwrap(Throwable ex) {
        return ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
    }

    static String message(Throwable ex) {
        Throwable t = unwrap(ex);
        String m;
        if (isUsageError(t) || isFailure(t)) {
            m = userMessage(t);
        } else {
            String detail = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage();
            m = "internal error: " + t.getClass().getName() + detail + " (" + TRACE_HINT + ")";
        }
        return m.replace("\r", "").replace('\n', ' ');
    }

    private static String userMessage(Throwable t) {
        if (t instanceof FileSystemException f && f.getReason() == null) {
            // these carry only the file name; say what is wrong with it
            if (t instanceof NoSuchFileException) {
                return "no such file: " + f.getFile();
            }
            if (t instanceof AccessDeniedException) {
                return "permission denied: " + f.getFile();
            }
            if (t instanceof FileAlreadyExistsException) {
                return "already exists: " + f.getFile();
            }
            if (t instanceof DirectoryNotEmptyException) {
                return "directory not empty: " + f.getFile();
            }
            if (t instanceof NotDirectoryException) {
                return "not a directory: " + f.getFile();
            }
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
