package io.sadump.archive;

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
 * The real tools the interop tests check archives and dumps with. A missing tool fails the test when
 * {@code -Dsadump.interop=required} (run-tests sets it), and skips it otherwise.
 */
final class Interop {
    private Interop() {}

    static final String SYSTEM_PYTHON = "/usr/bin/python3";

    static boolean required() {
        return "required".equals(System.getProperty("sadump.interop"));
    }

    private static void missing(String what) {
        String message = what + " is not installed (see run-tests for the Debian package)";
        if (required()) {
            fail(message + "; -Dsadump.interop=required makes this a failure");
        }
        assumeTrue(false, message);
    }

    static String tool(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        missing(command);
        return command;
    }

    static void requireKdumpfile() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(SYSTEM_PYTHON))) {
            missing(SYSTEM_PYTHON);
        }
        if (run(null, SYSTEM_PYTHON, "-c", "import kdumpfile").exitCode() != 0) {
            missing("python3-libkdumpfile");
        }
    }

    record Result(int exitCode, String output) {}

    static Result run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + List.of(command));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
