package io.sadump.interop;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
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
 * Runs the real tools that no one here wrote (Hercules and its utilities, elfutils, gdb-multiarch,
 * libkdumpfile's Python binding, tar, openssl...) on files sadump wrote. A missing tool fails the test
 * when the system property {@code sadump.interop} is {@code required} (run-tests sets it), and skips
 * it otherwise.
 */
public final class InteropTools {
    private InteropTools() {}

    /** Debian's python3, the one {@code python3-libkdumpfile} installs its binding for. */
    public static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private static final long DEFAULT_TIMEOUT_SECONDS = 300;

    public static boolean required() {
        return "required".equals(System.getProperty("sadump.interop"));
    }

    /** A tool the test needs is missing: a failure under {@code -Dsadump.interop=required}, else a skip. */
    public static void missing(String what) {
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

    /** Every tool on PATH, or the test fails/skips at the first missing one. */
    public static void requireTools(String... commands) {
        for (String c : commands) {
            requireTool(c);
        }
    }

    /** Debian's python3 with the libkdumpfile binding ({@code python3-libkdumpfile}). */
    public static void requireKdumpfile() {
        if (!Files.isExecutable(Path.of(SYSTEM_PYTHON))) {
            missing(SYSTEM_PYTHON);
        }
        Result r = run(List.of(SYSTEM_PYTHON, "-c", "import kdumpfile"));
        if (r.exitCode() != 0) {
            missing("python3-libkdumpfile (" + SYSTEM_PYTHON + " -c 'import kdumpfile' said: " + r.output().strip()
                    + ")");
        }
    }

    /**
     * Opens {@code file} with libkdumpfile (the system python3's binding) and prints {@code format F},
     * {@code arch A}, {@code byte_order B} and {@code page_size P}, then {@code mem ADDR HEX} for the 16
     * bytes at each physical address, then whatever the Python statements {@code more} print (they may
     * use {@code k}, the opened dump, and {@code a}, its attributes). A file libkdumpfile refuses gives a
     * non-zero exit code and its exception in the output.
     */
    public static Result kdumpfile(Path file, List<Long> addresses, String more) {
        requireKdumpfile();
        StringBuilder script = new StringBuilder("import sys, kdumpfile\n"
                + "k = kdumpfile.kdumpfile(sys.argv[1])\n"
                + "a = k.attr\n"
                + "print('format', a['file']['format'])\n"
                + "print('arch', a['arch']['name'])\n"
                + "print('byte_order', a['arch']['byte_order'])\n"
                + "print('page_size', a['arch']['page_size'])\n");
        for (long address : addresses) {
            script.append(String.format("print('mem %x', k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0x%x, 16).hex())%n",
                    address, address));
        }
        script.append(more);
        return run(List.of(SYSTEM_PYTHON, "-c", script.toString(), file.toString()));
    }

    /**
     * The root that holds Debian 12's s390x makedumpfile 1.7.2 with its libraries and the s390x C
     * library (run-tests builds it; docs/formats.md §11): the system property
     * {@code sadump.makedumpfile.root}, else {@code $SADUMP_CACHE/makedumpfile-s390x}, else
     * {@code ~/.cache/sadump/makedumpfile-s390x}.
     */
    public static Path makedumpfileRoot() {
        String root = System.getProperty("sadump.makedumpfile.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root);
        }
        String cache = System.getenv("SADUMP_CACHE");
        return (cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache",
                "sadump")).resolve("makedumpfile-s390x");
    }

    /** qemu-s390x-static and the s390x makedumpfile root, or the test fails/skips. */
    public static Path requireMakedumpfile() {
        requireTool("qemu-s390x-static");
        Path root = makedumpfileRoot();
        if (!Files.isRegularFile(root.resolve("usr/bin/makedumpfile"))
                || !Files.exists(root.resolve("lib/ld64.so.1"))) {
            missing("the s390x makedumpfile root " + root + " (run-tests builds it from Debian 12's makedumpfile:s390x)");
        }
        return root;
    }

    /**
     * Runs the real s390x makedumpfile under qemu-s390x-static in {@code dir} with {@code args}, as on
     * the dumped machine (so its output has the s390x byte order).
     */
    public static Result makedumpfile(Path dir, List<String> args) {
        Path root = requireMakedumpfile();
        List<String> cmd = new ArrayList<>(List.of(requireTool("qemu-s390x-static"),
                root.resolve("usr/bin/makedumpfile").toString()));
        cmd.addAll(args);
        return run(dir, DEFAULT_TIMEOUT_SECONDS, Map.of("QEMU_LD_PREFIX", root.toString(), "LD_LIBRARY_PATH",
                root.resolve("lib/s390x-linux-gnu") + File.pathSeparator + root.resolve("usr/lib/s390x-linux-gnu")),
                cmd);
    }

    /** A finished process: exit code and stdout and stderr merged. */
    public record Result(int exitCode, String output) {
        /** The lines of the output in which {@code regex} occurs. */
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

        /** The first match of {@code regex} (multi-line mode), or null. */
        public Matcher find(String regex) {
            Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output);
            return m.find() ? m : null;
        }
    }

    public static Result run(List<String> command) {
        return run(null, command);
    }

    /** Runs {@code command} in {@code dir} (null: the current directory); see {@link #run(Path, long, Map, List)}. */
    public static Result run(Path dir, String... command) {
        return run(dir, List.of(command));
    }

    public static Result run(Path dir, List<String> command) {
        return run(dir, DEFAULT_TIMEOUT_SECONDS, Map.of(), command);
    }

    public static Result run(Path dir, long timeoutSeconds, Map<String, String> env, String... command) {
        return run(dir, timeoutSeconds, env, List.of(command));
    }

    /**
     * Runs {@code command} in {@code dir} (null: the current directory) with {@code LC_ALL=C} and
     * {@code env}, stdin from /dev/null, stdout and stderr merged into a file outside {@code dir} (a
     * tool that writes much cannot block on a full pipe, and the directory the tool checks stays as it
     * was); a run longer than the timeout is killed and fails the test.
     */
    public static Result run(Path dir, long timeoutSeconds, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        Path out = null;
        try {
            out = Files.createTempFile("sadump-tool-", ".log");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; output:\n"
                        + text(out));
            }
            return new Result(p.exitValue(), text(out));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + String.join(" ", command) + " ran", e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a left-over log in the temporary directory harms no test
                }
            }
        }
    }

    // lenient decoding: a tool's odd byte must not turn into a MalformedInputException
    private static String text(Path out) throws IOException {
        return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
    }
}
