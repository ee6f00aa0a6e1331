package io.sadump.dump;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools the interop tests check files with. A missing tool fails the test when the
 * system property {@code sadump.interop} is {@code required} (run-tests sets it), and skips it
 * otherwise.
 */
public final class InteropTools {
    private InteropTools() {}

    public static final String SYSTEM_PYTHON = "/usr/bin/python3";

    public static boolean required() {
        return "required".equals(System.getProperty("sadump.interop"));
    }

    private static void missing(String what) {
        String message = what + " is not installed (install it, or see run-tests for the Debian package)";
        if (required()) {
            fail(message + "; -Dsadump.interop=required makes this a failure");
        }
        assumeTrue(false, message);
    }

    /** The path of {@code command} on PATH, or the test fails/skips. */
    public static String requireTool(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        missing(command);
        return command;
    }

    /** Debian's python3 with the libkdumpfile binding ({@code python3-libkdumpfile}). */
    public static void requireKdumpfile() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(SYSTEM_PYTHON))) {
            missing(SYSTEM_PYTHON);
        }
        Result r = run(List.of(SYSTEM_PYTHON, "-c", "import kdumpfile"));
        if (r.exitCode() != 0) {
            missing("python3-libkdumpfile (" + SYSTEM_PYTHON + " -c 'import kdumpfile' said: " + r.output().strip() + ")");
        }
    }

    /** A finished process: exit code and combined output. */
    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
