package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sadump zgetdump -}: a flattened stream written by {@code zgetdump -f kdump -F -o -} (a filtered
 * vmcore of a {@code mixed} system, dump level 31) comes through stdin and gives, for {@code -i} and for
 * every conversion, what the same command gives for the stream saved as a file; a stream cut short is
 * reported as incomplete in one line; any other stdin is refused naming the format a pipe can carry.
 */
class ZgetdumpStdinTest {
    @TempDir
    static Path dir;
    static byte[] stream;
    static Path flat;
    static Path vmcore;

    @BeforeAll
    static void writeTheStream() throws IOException {
        Path m = dir.resolve("sys");
        run("machine", "create", m.toString(), "--storage", "64M", "--workload", "mixed", "--seed", "21");
        run("kexec", "load", m.toString());
        run("hmc", m.toString(), "restart");
        try (Stream<Path> s = Files.walk(m.resolve("vmcore"))) {
            vmcore = s.filter(p -> p.getFileName().toString().equals("vmcore") && Files.isRegularFile(p)).findFirst()
                    .orElseThrow();
        }
        stream = stdout(() -> run("zgetdump", vmcore.toString(), "-f", "kdump", "-F", "--dump-level", "31",
                "--compress", "zlib", "-o", "-"));
        flat = dir.resolve("dump.flat");
        Files.write(flat, stream);
    }

    @Test
    void infoFromStdinIsInfoOfTheFile() {
        CliRun fromPipe = withStdin(stream, () -> CliRun.of("zgetdump", "-", "-i"));
        CliRun fromFile = CliRun.of("zgetdump", "-i", flat.toString());
        assertThat(fromPipe.exit()).as(fromPipe.err()).isZero();
        assertThat(fromPipe.out()).isEqualTo(fromFile.out()).contains("Dump format........: kdump_flat")
                .contains("Dump level.........: 31");
        CliRun json = withStdin(stream, () -> CliRun.of("zgetdump", "-", "-i", "--json"));
        assertThat(json.out()).as("the volume is called '-'").isEqualTo(CliRun.of("zgetdump", "-i", "--json",
                flat.toString()).out().replace("\"file\": \"" + flat + "\"", "\"file\": \"-\""));
        assertNoCopyLeft();
    }

    @ParameterizedTest(name = "-f {0}")
    @ValueSource(strings = {"elf", "s390", "kdump"})
    void aConversionFromStdinIsTheConversionOfTheFile(String format) throws IOException {
        Path fromPipe = dir.resolve("pipe." + format);
        Path fromFile = dir.resolve("file." + format);
        CliRun p = withStdin(stream, () -> CliRun.of("zgetdump", "-", "-f", format, "-o", fromPipe.toString()));
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.err()).contains("Source: kdump_flat").contains("Success: Dump has been copied");
        run("zgetdump", flat.toString(), "-f", format, "-o", fromFile.toString());
        assertThat(Files.mismatch(fromPipe, fromFile)).as("-f %s from stdin vs from the file", format).isEqualTo(-1L);
        assertNoCopyLeft();
    }

    @Test
    void stdinToStdoutIsTheConversionOfTheFile() throws IOException {
        byte[] elf = withStdin(stream, () -> stdout(() -> run("zgetdump", "-", "-f", "elf", "-o", "-")));
        Path fromFile = dir.resolve("stdout-file.elf");
        run("zgetdump", flat.toString(), "-f", "elf", "-o", fromFile.toString());
        assertThat(Arrays.equals(elf, Files.readAllBytes(fromFile))).as("ELF on stdout = the file's conversion").isTrue();
    }

    /** Cut points drawn by seed; the header, a record header and record data are all cut somewhere. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aStreamCutShortIsReportedAsIncompleteInOneLine(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int cut = seed == 1 ? 4000 : seed == 2 ? 4096 + 8 : 4096 + 16 + rnd.nextInt(stream.length - 4096 - 32);
        byte[] part = Arrays.copyOf(stream, cut);
        Path out = dir.resolve("cut-" + seed + ".elf");
        CliRun conv = withStdin(part, () -> CliRun.of("zgetdump", "-", "-f", "elf", "-o", out.toString()));
        assertThat(conv.exit()).as("seed %d, cut at %d: %s", seed, cut, conv.err()).isEqualTo(1);
        assertThat(conv.err().strip().lines()).as("seed %d, cut at %d", seed, cut).hasSize(1)
                .allMatch(l -> l.contains("is not complete") && !l.contains("Exception"));
        assertThat(out).as("seed %d: no output of an incomplete dump", seed).doesNotExist();

        CliRun info = withStdin(part, () -> CliRun.of("zgetdump", "-", "-i"));
        assertThat(info.exit()).as("seed %d, cut at %d: %s", seed, cut, info.err()).isEqualTo(1);
        assertThat(info.err().strip().lines()).as("seed %d, cut at %d", seed, cut).hasSize(1)
                .allMatch(l -> l.startsWith("sadump zgetdump: Dump cannot be processed (is not complete): stdin: "));
        assertNoCopyLeft();
    }

    @Test
    void anythingButAFlattenedStreamIsRefusedNamingWhatAPipeCanCarry() throws IOException {
        for (byte[] in : List.of(Files.readAllBytes(vmcore), new byte[0], "hello".getBytes())) {
            CliRun r = withStdin(in, () -> CliRun.of("zgetdump", "-", "-i"));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip().lines()).hasSize(1).allMatch(l -> l.startsWith("sadump zgetdump: stdin: ")
                    && l.contains("only makedumpfile's flattened format (kdump_flat"));
        }
        CliRun two = CliRun.of("zgetdump", "-", flat.toString(), "-i");
        assertThat(two.exit()).isEqualTo(2);
        assertNoCopyLeft();
    }

    /** The copy of the stream is deleted after every run, good or bad. */
    private static void assertNoCopyLeft() {
        for (Path d : List.of(dir, Path.of(System.getProperty("java.io.tmpdir")))) {
            try (Stream<Path> s = Files.list(d)) {
                assertThat(s.map(p -> p.getFileName().toString())).as("copies of stdin in %s", d)
                        .noneMatch(n -> n.startsWith(".sadump-stdin-"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static CliRun run(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as("%s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    private static <T> T withStdin(byte[] bytes, Supplier<T> body) {
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream(bytes));
            return body.get();
        } finally {
            System.setIn(in);
        }
    }

    private static byte[] stdout(Runnable body) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, false));
            body.run();
        } finally {
            System.out.flush();
            System.setOut(old);
        }
        return bytes.toByteArray();
    }
}
