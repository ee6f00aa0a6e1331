package io.sadump.device;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real tools (Hercules 3.13 and its utilities) on images we wrote. When the system property
 * {@code sadump.interop} is {@code required}, a missing tool fails the test; when it is absent, the
 * test is skipped.
 */
public final class Interop {
    private Interop() {}

    /** The output and exit code of one tool run. */
    public record Result(int exitCode, String output) {
        public List<String> lines(String regex) {
            Pattern p = Pattern.compile(regex);
            List<String> out = new ArrayList<>();
            for (String l : output.split("\n")) {
                if (p.matcher(l).find()) {
                    out.add(l);
                }
            }
            return out;
        }

        public Matcher find(String regex) {
            Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output);
            return m.find() ? m : null;
        }
    }

    /** Fails (required) or skips (not required) unless every tool is on the PATH. */
    public static void requireTools(String... tools) {
        boolean required = "required".equals(System.getProperty("sadump.interop"));
        for (String t : tools) {
            if (!onPath(t)) {
                if (required) {
                    fail("interop tool '" + t + "' is missing (sadump.interop=required); install Debian package hercules");
                }
                assumeTrue(false, "interop tool '" + t + "' not installed");
            }
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code dir}, stdin from /dev/null, stdout+stderr merged, killed after the timeout. */
    public static Result run(Path dir, long timeoutSeconds, Map<String, String> env, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = dir.resolve("tool-" + System.nanoTime() + ".log");
        pb.redirectOutput(out.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s; output:\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static Result run(Path dir, String... cmd) {
        return run(dir, 300, Map.of(), cmd);
    }
}
