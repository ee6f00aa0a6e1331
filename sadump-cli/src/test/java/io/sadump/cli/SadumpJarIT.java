package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the built {@code target/sadump.jar} with {@code java -jar}, as a user would, on the build's JDK
 * (17) and on JDK 25. A missing JDK 25 is a failure, not a skip: the project promises both.
 */
class SadumpJarIT {
    /** Where JDK 25 lives on the build machine; override with -Dsadump.jdk25=DIR. */
    static final String JDK25 = System.getProperty("sadump.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");

    record Result(int exit, String out, String err) {}

    static Stream<String> javas() {
        return Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of(JDK25, "bin", "java").toString());
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("sadump.jar", "target/sadump.jar"));
        assertThat(jar).as("the shaded jar (built in the package phase)").isRegularFile();
        return jar;
    }

    static Result run(String java, String... args) throws IOException, InterruptedException {
        return run(java, Map.of(), args);
    }

    /** Runs the jar with {@code env} added to this process's environment. */
    static Result run(String java, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        assertThat(Path.of(java)).as("java executable %s", java).isExecutable();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        return exec(command, env);
    }

    /** Runs {@code command} (a JVM with options of its own) with {@code env} added to this process's environment. */
    static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sadump-it-", ".out");
        Path err = Files.createTempFile("sadump-it-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * The launcher's unpacked zstd library ({@link ZstdLibraryUnpack}): the file is made with nothing
     * left beside it, and a command given it as {@code -DZstdNativePath} loads it from there: without a
     * usable temporary directory, where zstd-jni's own way of loading fails, an archive is still made.
     */
    @ParameterizedTest
    @MethodSource("javas")
    void archiveCreateLoadsTheUnpackedZstdLibrary(String java) throws Exception {
        Path dir = Files.createTempDirectory("sadump-it-zstd");
        try {
            String jar = jar().toString();
            Path libs = Files.createDirectory(dir.resolve("lib"));
            Path lib = libs.resolve("libzstd-jni.so");
            Result r = exec(List.of(java, "-cp", jar, ZstdLibraryUnpack.class.getName(), lib.toString()), Map.of());
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).isEmpty();
            assertThat(Files.size(lib)).as("the library").isGreaterThan(100_000);
            try (Stream<Path> left = Files.list(libs)) {
                assertThat(left).containsExactly(lib);
            }

            Path dump = DumpFiles.classic(dir, "dump.s390");
            Path archive = dir.resolve("a.tar.zst");
            String noTemp = "-Djava.io.tmpdir=" + dir.resolve("no-such-dir");
            List<String> create = List.of("-jar", jar, "archive", "create", dump.toString(), "-o", archive.toString(),
                    "--format", "asis");
            List<String> without = new ArrayList<>(List.of(java, "-Xmx128m", noTemp));
            without.addAll(create);
            r = exec(without, Map.of());
            // zstd-jni cannot unpack into a missing directory: one line saying so and what to do, exit 1
            assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(1);
            // (JDK 25 warns about the missing java.io.tmpdir itself first)
            List<String> said = r.err().lines().filter(l -> !l.startsWith("WARNING: java.io.tmpdir")).toList();
            assertThat(said).hasSize(1);
            assertThat(said.get(0)).startsWith("sadump archive create: ").doesNotContain("internal error")
                    .contains("zstd's native library cannot be loaded").contains("java.io.tmpdir")
                    .contains(dir.resolve("no-such-dir").toString());
            assertThat(archive).doesNotExist();
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("a.tar.zst"));
            }
            List<String> with = new ArrayList<>(List.of(java, "-Xmx128m", noTemp, "-DZstdNativePath=" + lib));
            with.addAll(create);
            r = exec(with, Map.of());
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            r = run(java, "archive", "verify", archive.toString());
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();

            // where it cannot be written: exit status 1 and nothing made
            Path nowhere = dir.resolve("no-such-dir").resolve("libzstd-jni.so");
            r = exec(List.of(java, "-cp", jar, ZstdLibraryUnpack.class.getName(), nowhere.toString()), Map.of());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(dir.resolve("no-such-dir")).doesNotExist();
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * A '%' in a help text that is not a format specifier: picocli prints the text as written, but
     * with a warning of its own on stderr.
     */
    @ParameterizedTest
    @MethodSource("javas")
    void helpWithAPrintfExamplePrintsNoWarning(String java) throws Exception {
        Result r = run(java, "hmc", "user", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("printf '%s\\n' \"$PW\" | sadump hmc user add ci");
        assertThat(r.err()).isEmpty();
    }

    /**
     * Ctrl-C or SIGTERM while {@code archive create} writes a local archive: the hidden new file is removed
     * (it would stay beside the output, as large as what was written so far), the older archive under the
     * name is as it was, and one line says so.
     */
    @ParameterizedTest
    @MethodSource("javas")
    void sigtermDuringArchiveCreateLeavesTheOlderArchiveAndNoHiddenFile(String java) throws Exception {
        Path dir = Files.createTempDirectory("sadump-it-term");
        try {
            Path dump = DumpFiles.classic(dir, "dump.s390");
            Path archive = dir.resolve("a.tar.zst");
            byte[] older = "an older archive\n".getBytes(StandardCharsets.UTF_8);
            Files.write(archive, older);
            Path err = dir.resolve("err.txt");
            // zstd 19 on one thread: seconds for the dump, time to be interrupted while writing
            Process p = new ProcessBuilder(java, "-Xmx128m", "-jar", jar().toString(), "archive", "create",
                    dump.toString(), "-o", archive.toString(), "--format", "asis", "--level", "19", "--threads", "1")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (hidden(dir).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hidden(dir)).as("the hidden new file while the archive is written").hasSize(1);
            Thread.sleep(300);
            assertThat(p.isAlive()).as("still writing when the signal comes").isTrue();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("the JVM's status after SIGTERM").isEqualTo(143);
            assertThat(hidden(dir)).as("hidden files left").isEmpty();
            assertThat(Files.readAllBytes(archive)).as("the older archive").isEqualTo(older);
            assertThat(Files.readString(err)).contains("sadump archive create: interrupted: " + archive
                    + " was not written (an older file of that name is as it was)").doesNotContain("\tat ");
        } finally {
            deleteTree(dir);
        }
    }

    /** Removes {@code dir} and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static List<Path> hidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** The feature version a JDK reports, from {@code java -version} ("openjdk version \"25.0.3\""). */
    static int featureVersion(String java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("version \"(\\d+)").matcher(text);
        assertThat(m.find()).as("java -version of %s: %s", java, text).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @ParameterizedTest
    @MethodSource("javas")
    void versionRunsOnThisJdk(String java) throws Exception {
        int feature = featureVersion(java);
        Result r = run(java, "--version");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        String[] lines = r.out().split("\\R");
        assertThat(lines[0]).matches("sadump \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(lines[1]).startsWith("Java " + feature);
        assertThat(r.err()).as("no warnings on stderr").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("javas")
    void helpRunsOnThisJdk(String java) throws Exception {
        Result r = run(java, "--help");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: sadump").contains("Commands:").contains("--version");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("javas")
    void unknownCommandExitsTwoWithoutAStackTrace(String java) throws Exception {
        Result r = run(java, "frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @ParameterizedTest
    @MethodSource("javas")
    void zgetdumpInfoPrintsDatesInTheZoneOfTz(String java) throws Exception {
        Path dir = Files.createTempDirectory("sadump-it-tz");
        try {
            Path dump = DumpFiles.classic(dir, "dump.s390");
            // zgetdump prints strftime of localtime: the zone comes from TZ
            Result r = run(java, Map.of("TZ", "Asia/Kolkata"), "zgetdump", "-i", dump.toString());
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).contains("  Dump created.......: Wed, 25 Nov 2026 15:00:00 +0530\n");
            r = run(java, Map.of("TZ", "UTC"), "zgetdump", "-i", dump.toString());
            assertThat(r.out()).contains("  Dump created.......: Wed, 25 Nov 2026 09:30:00 +0000\n");
        } finally {
            deleteTree(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void zgetdumpIntoAPipeWritesWhatItWritesIntoAFile(String java) throws Exception {
        Path dir = Files.createTempDirectory("sadump-it-pipe");
        try {
            Path dump = DumpFiles.classic(dir, "dump.s390");
            Path file = dir.resolve("file.elf");
            Result r = run(java, "zgetdump", dump.toString(), "-f", "elf", "-o", file.toString());
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            // the process's stdout is a pipe here: the memory goes into it with the kernel's copies
            List<String> command = List.of(java, "-Xmx128m", "-jar", jar().toString(), "zgetdump", dump.toString(),
                    "-f", "elf", "-o", "-");
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] piped = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(piped).isEqualTo(Files.readAllBytes(file));
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * A real pipe between two processes: {@code zgetdump VMCORE -f kdump -F -o - | zgetdump - ...} gives what
     * the same command gives for the flattened stream saved as a file.
     */
    @ParameterizedTest
    @MethodSource("javas")
    void zgetdumpReadsAFlattenedStreamFromAPipe(String java) throws Exception {
        Path dir = Files.createTempDirectory("sadump-it-stdin");
        try {
            Path elf = DumpFiles.elf(dir, "vmcore");
            Path flat = dir.resolve("dump.flat");
            Result w = run(java, "zgetdump", elf.toString(), "-f", "kdump", "-F", "--dump-level", "1", "-o",
                    flat.toString());
            assertThat(w.exit()).as("stderr: %s", w.err()).isZero();
            Path fromFile = dir.resolve("file.elf");
            assertThat(run(java, "zgetdump", flat.toString(), "-f", "elf", "-o", fromFile.toString()).exit()).isZero();
            String info = run(java, "zgetdump", "-i", flat.toString()).out();

            Path fromPipe = dir.resolve("pipe.elf");
            List<String> writer = List.of(java, "-Xmx128m", "-jar", jar().toString(), "zgetdump", elf.toString(), "-f",
                    "kdump", "-F", "--dump-level", "1", "-o", "-");
            String[] pipedInfo = new String[1];
            for (List<String> reader : List.of(
                    List.of(java, "-Xmx128m", "-jar", jar().toString(), "zgetdump", "-", "-f", "elf", "-o",
                            fromPipe.toString()),
                    List.of(java, "-Xmx128m", "-jar", jar().toString(), "zgetdump", "-", "-i"))) {
                List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                        new ProcessBuilder(writer).redirectError(ProcessBuilder.Redirect.DISCARD),
                        new ProcessBuilder(reader).redirectError(ProcessBuilder.Redirect.DISCARD)));
                Process last = pipeline.get(1);
                byte[] out = last.getInputStream().readAllBytes();
                for (Process p : pipeline) {
                    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as("%s", reader).isZero();
                }
                pipedInfo[0] = new String(out, StandardCharsets.UTF_8);
            }
            assertThat(Files.readAllBytes(fromPipe)).isEqualTo(Files.readAllBytes(fromFile));
            assertThat(pipedInfo[0]).isEqualTo(info).contains("Dump format........: kdump_flat");
        } finally {
            deleteTree(dir);
        }
    }

    @org.junit.jupiter.api.Test
    void theBuildWroteOneManPagePerCommand() throws IOException {
        Path man = jar().resolveSibling("man");
        List<String> expected = ManPagesTest.commandNames(SadumpCommand.commandLine(java.util.Map.of())).stream()
                .map(n -> n.replace(' ', '-') + ".1").toList();
        try (Stream<Path> pages = Files.list(man)) {
            assertThat(pages.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void aUserErrorIsOneLineAndSadumpDebugAddsTheTrace() throws Exception {
        String java = javas().findFirst().orElseThrow();
        Path dir = Files.createTempDirectory("sadump-it-").resolve("sys");
        Result plain = run(java, "machine", "create", dir.toString(), "--workload", "nosuch");
        assertThat(plain.exit()).isEqualTo(2);
        assertThat(plain.err()).isEqualTo("sadump machine create: unknown workload 'nosuch' (mixed, zero, random)\n");
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar().toString(), "machine", "create",
                dir.toString(), "--workload", "nosuch"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SADUMP_DEBUG", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).startsWith("sadump machine create: unknown workload 'nosuch'")
                .contains("io.sadump.machine.InvalidValueException: unknown workload").contains("\tat ");
        Files.delete(dir.getParent());
    }

    @org.junit.jupiter.api.Test
    void jdk25IsReallyJdk25() throws Exception {
        assertThat(featureVersion(Path.of(JDK25, "bin", "java").toString())).isEqualTo(25);
        assertThat(featureVersion(javas().findFirst().orElseThrow())).isGreaterThanOrEqualTo(17);
    }
}
