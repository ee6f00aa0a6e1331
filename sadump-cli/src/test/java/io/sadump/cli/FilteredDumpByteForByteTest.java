package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.InteropTools;
import io.sadump.interop.InteropTools.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's proof, on the path an operator takes: a 64 MiB {@code mixed} production system
 * ({@code machine create}, {@code kexec load}, {@code hmc restart}) writes its ELF vmcore; the real
 * s390x makedumpfile 1.7.2 (Debian 12's, under qemu-user) filters it at every dump level, with and
 * without {@code -c}, into a file and as a flattened stream; {@code sadump zgetdump -f kdump} of the
 * same vmcore with the same options writes the same bytes. Where they differ, makedumpfile is right.
 */
class FilteredDumpByteForByteTest {
    @TempDir
    static Path dir;
    static Path vmcore;

    @BeforeAll
    static void dump() throws IOException {
        InteropTools.requireMakedumpfile();
        Path m = dir.resolve("m");
        for (String[] args : List.of(new String[] {"machine", "create", m.toString(), "--storage", "64M", "--seed", "7"},
                new String[] {"kexec", "load", m.toString()}, new String[] {"hmc", m.toString(), "restart"})) {
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as("%s: %s", String.join(" ", args), r.err()).isZero();
        }
        try (Stream<Path> s = Files.walk(m.resolve("vmcore"))) {
            vmcore = s.filter(p -> p.getFileName().toString().equals("vmcore") && Files.isRegularFile(p)).findFirst()
                    .orElseThrow();
        }
    }

    static Result makedumpfile(String shellArgs) {
        Path root = InteropTools.requireMakedumpfile();
        String qemu = InteropTools.requireTool("qemu-s390x-static");
        Map<String, String> env = Map.of("QEMU_LD_PREFIX", root.toString(), "LD_LIBRARY_PATH",
                root + "/lib/s390x-linux-gnu:" + root + "/usr/lib/s390x-linux-gnu");
        return InteropTools.run(dir, 600, env, List.of("sh", "-c", qemu + " " + root + "/usr/bin/makedumpfile "
                + shellArgs));
    }

    @Test
    void everyDumpLevelWritesWhatMakedumpfileWrites() throws IOException {
        List<String> differ = new ArrayList<>();
        for (int level = 0; level <= 31; level++) {
            boolean zlib = level % 2 == 1;
            Path theirs = dir.resolve("mdf.kdump");
            Path ours = dir.resolve("sadump.kdump");
            Result r = makedumpfile((zlib ? "-c " : "") + "-d " + level + " " + vmcore + " " + theirs);
            assertThat(r.exitCode()).as("makedumpfile -d %d: %s", level, r.output()).isZero();
            CliRun s = CliRun.of("zgetdump", vmcore.toString(), "-f", "kdump", "--dump-level", Integer.toString(level),
                    "--compress", zlib ? "zlib" : "none", "-o", ours.toString());
            assertThat(s.exit()).as("zgetdump --dump-level %d: %s", level, s.err()).isZero();
            if (level >= 2) {
                // makedumpfile's report of what each class left out, as makedumpfile prints it
                assertThat(s.err()).contains("Original pages  : 0x").contains("Free pages              : 0x")
                        .contains("Total pages     : 0x0000000000004000");
            }
            long mismatch = Files.mismatch(theirs, ours);
            if (mismatch != -1) {
                differ.add(String.format("-d %d%s: first difference at byte %d (makedumpfile %d bytes, sadump %d)",
                        level, zlib ? " -c" : "", mismatch, Files.size(theirs), Files.size(ours)));
            }
            Files.delete(theirs);
            Files.delete(ours);
        }
        assertThat(differ).isEmpty();
    }

    @Test
    void flattenedStreamsAreTheSameAndReassembleIntoTheFile() throws IOException {
        for (String options : List.of("-c -d 31", "-d 8")) {
            boolean zlib = options.contains("-c");
            String level = options.substring(options.lastIndexOf(' ') + 1);
            String tag = options.replace(" ", "");
            Result r = makedumpfile("-F " + options + " " + vmcore + " > mdf" + tag + ".flat");
            assertThat(r.exitCode()).as(r.output()).isZero();
            Path ours = dir.resolve("sadump" + tag + ".flat");
            CliRun s = CliRun.of("zgetdump", vmcore.toString(), "-f", "kdump", "-F", "--dump-level", level,
                    "--compress", zlib ? "zlib" : "none", "-o", ours.toString());
            assertThat(s.exit()).as(s.err()).isZero();
            assertThat(Files.mismatch(dir.resolve("mdf" + tag + ".flat"), ours)).as("-F %s", options).isEqualTo(-1);

            // makedumpfile -R of our stream, and ours, give the file makedumpfile writes without -F
            Result file = makedumpfile(options + " " + vmcore + " mdf" + tag + ".kdump");
            assertThat(file.exitCode()).as(file.output()).isZero();
            Result rr = makedumpfile("-R R" + tag + ".kdump < " + ours.getFileName());
            assertThat(rr.exitCode()).as(rr.output()).isZero();
            CliRun re = CliRun.of("zgetdump", "--reassemble", ours.toString(), "-o", dir.resolve("r" + tag).toString());
            assertThat(re.exit()).as(re.err()).isZero();
            assertThat(Files.mismatch(dir.resolve("mdf" + tag + ".kdump"), dir.resolve("R" + tag + ".kdump")))
                    .isEqualTo(-1);
            assertThat(Files.mismatch(dir.resolve("mdf" + tag + ".kdump"), dir.resolve("r" + tag))).isEqualTo(-1);
        }
    }
}
