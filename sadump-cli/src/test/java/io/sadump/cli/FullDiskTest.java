package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes a named output, run on a file system that fills up: a size-limited tmpfs
 * the test mounts itself (tests run as root). Each must end with one clear error line and a non-zero
 * exit, leave nothing half-made, and leave what was there before byte-identical.
 */
class FullDiskTest {
    private static final String NO_SPACE = "No space left on device";

    @TempDir
    Path tmp;

    private final List<Path> mounted = new ArrayList<>();

    /** Mounts a tmpfs of {@code megabytes} at {@code dir}; a refusal fails the test, never skips it. */
    private Path smallDisk(Path dir, int megabytes) throws Exception {
        Files.createDirectories(dir);
        List<String> cmd = List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "M", "tmpfs", dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("the full-disk tests mount a size-limited tmpfs and need root: '" + String.join(" ", cmd)
                    + "' was refused: " + out.strip());
        }
        mounted.add(dir);
        return dir;
    }

    @AfterEach
    void unmount() throws Exception {
        for (int i = mounted.size() - 1; i >= 0; i--) {
            Process p = new ProcessBuilder("umount", mounted.get(i).toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        mounted.clear();
    }

    /** Writes a filler file until the disk is full; returns it. */
    private static Path fill(Path disk, String name) throws IOException {
        Path filler = disk.resolve(name);
        byte[] block = new byte[1 << 16];
        new SplittableRandom(1).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains(NO_SPACE);
        }
        return filler;
    }

    /** Frees {@code pages} 4 KiB pages of the disk by shortening the filler. */
    private static void free(Path filler, long pages) throws IOException {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - pages * 4096);
        }
    }

    private static Path randomFile(Path file, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new SplittableRandom(seed).nextBytes(b);
        return Files.write(file, b);
    }

    /** Every file and directory under {@code root}, hidden ones included, with the SHA-256 of each file. */
    private static TreeMap<String, String> tree(Path root) throws IOException {
        TreeMap<String, String> t = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                t.put(rel, Files.isRegularFile(p) ? sha256(p) : "dir");
            }
        }
        return t;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 20);
            while (ch.read(b.clear()) > 0) {
                md.update(b.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Non-zero exit, exactly one error line naming the full disk, no stack trace. */
    private static void assertOneClearError(CliRun r, String command) {
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
        List<String> errors = r.err().lines().filter(l -> l.startsWith("sadump " + command + ": ")).toList();
        assertThat(errors).as(r.err()).hasSize(1);
        assertThat(errors.get(0)).contains(NO_SPACE);
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void zgetdumpOverAnExistingFileKeepsTheOldFile() throws Exception {
        Path src = DumpFiles.ext(tmp, "dump.s390");
        Path disk = smallDisk(tmp.resolve("disk"), 2);
        Path out = randomFile(disk.resolve("out.elf"), 1 << 20, 7);
        TreeMap<String, String> before = tree(disk);

        CliRun r = CliRun.of("zgetdump", src.toString(), "-f", "elf", "-o", out.toString());

        assertOneClearError(r, "zgetdump");
        assertThat(tree(disk)).as("the old output whole, nothing partial beside it").isEqualTo(before);
    }

    @Test
    void archiveCreateOverAnExistingArchiveKeepsTheOldArchive() throws Exception {
        Path src = DumpFiles.ext(tmp, "dump.s390");
        Path disk = smallDisk(tmp.resolve("disk"), 2);
        Path out = randomFile(disk.resolve("dump.tar"), 1 << 20, 8);
        TreeMap<String, String> before = tree(disk);

        CliRun r = CliRun.of("archive", "create", src.toString(), "--compress", "none", "-o", out.toString());

        assertOneClearError(r, "archive create");
        assertThat(tree(disk)).isEqualTo(before);
    }

    @Test
    void archiveExtractLeavesNoPartialFileAndKeepsWhatWasThere() throws Exception {
        Path src = DumpFiles.ext(tmp, "dump.s390");
        Path archive = tmp.resolve("dump.tar.zst");
        CliRun c = CliRun.of("archive", "create", src.toString(), "-o", archive.toString());
        assertThat(c.exit()).as(c.err()).isZero();
        Path disk = smallDisk(tmp.resolve("disk"), 2);
        randomFile(disk.resolve("older"), 1 << 20, 9);
        TreeMap<String, String> before = tree(disk);

        CliRun into = CliRun.of("archive", "extract", archive.toString(), "-o", disk.toString());
        assertOneClearError(into, "archive extract");
        assertThat(tree(disk)).isEqualTo(before);

        CliRun sub = CliRun.of("archive", "extract", archive.toString(), "-o", disk.resolve("new").toString());
        assertOneClearError(sub, "archive extract");
        assertThat(tree(disk)).as("the directory the extraction made is gone too").isEqualTo(before);
    }

    @Test
    void machineCreateWithADasdIsAllOrNothing() throws Exception {
        Path disk = smallDisk(tmp.resolve("disk"), 48);
        CliRun old = CliRun.of("machine", "create", disk.resolve("m0").toString(), "--storage", "16M",
                "--workload", "random", "--dasd", "0.0.0190:1");
        assertThat(old.exit()).as(old.err()).isZero();
        TreeMap<String, String> before = tree(disk);

        // storage fits, the 3390-3 image (about 200 MiB allocated) does not
        CliRun r = CliRun.of("machine", "create", disk.resolve("m").toString(), "--storage", "16M",
                "--workload", "random", "--dasd", "0.0.0190");

        assertOneClearError(r, "machine create");
        assertThat(tree(disk)).as("no half machine, the other machine untouched").isEqualTo(before);

        // an existing empty directory stays as it was too
        Files.createDirectory(disk.resolve("empty"));
        TreeMap<String, String> withEmpty = tree(disk);
        CliRun e = CliRun.of("machine", "create", disk.resolve("empty").toString(), "--storage", "16M",
                "--workload", "random", "--dasd", "0.0.0190");
        assertOneClearError(e, "machine create");
        assertThat(tree(disk)).isEqualTo(withEmpty);
    }

    @Test
    void dumpdevPrepareOnAFullDiskLeavesTheDeviceImagesAsTheyWere() throws Exception {
        Path disk = smallDisk(tmp.resolve("disk"), 24);
        Path m = disk.resolve("m");
        CliRun c = CliRun.of("machine", "create", m.toString(), "--storage", "16M", "--workload", "zero",
                "--dasd", "0.0.0190:2", "--dasd", "0.0.0191:2", "--tape", "0.0.0181:1M");
        assertThat(c.exit()).as(c.err()).isZero();
        CliRun t = CliRun.of("dumpdev", "prepare", m.toString(), "181");
        assertThat(t.exit()).as(t.err()).isZero();
        Path filler = fill(disk, "filler");
        TreeMap<String, String> before = tree(disk);

        // nothing free: the undo record cannot be written, so no track is touched
        assertOneClearError(CliRun.of("dumpdev", "prepare", m.toString(), "190"), "dumpdev prepare");
        assertThat(tree(disk)).isEqualTo(before);
        // the tape: the new volume does not fit beside the old one
        assertOneClearError(CliRun.of("dumpdev", "prepare", m.toString(), "181", "--size", "4M"), "dumpdev prepare");
        assertThat(tree(disk)).isEqualTo(before);

        // room for the undo record only: the track writes fail and the old tracks are put back
        long recordPages = (52 + 512 + 3 * 56832L + 4095) / 4096;
        free(filler, recordPages);
        TreeMap<String, String> shorter = tree(disk);
        CliRun one = CliRun.of("dumpdev", "prepare", m.toString(), "190");
        assertOneClearError(one, "dumpdev prepare");
        assertThat(one.err()).as("the tracks were written, then put back").doesNotContain("cannot keep the old tracks");
        assertThat(tree(disk)).isEqualTo(shorter);
        Path more = fill(disk, "filler2"); // full again
        TreeMap<String, String> fullAgain = tree(disk);
        CliRun none = CliRun.of("dumpdev", "prepare", m.toString(), "--multi", "190,191");
        assertOneClearError(none, "dumpdev prepare");
        assertThat(tree(disk)).as(none.err()).isEqualTo(fullAgain);
        // room for both volumes' records: the track writes fail, and both volumes are put back
        free(filler, 2 * recordPages);
        TreeMap<String, String> roomForRecords = tree(disk);
        CliRun multi = CliRun.of("dumpdev", "prepare", m.toString(), "--multi", "190,191");
        assertOneClearError(multi, "dumpdev prepare");
        assertThat(tree(disk)).as(multi.err()).isEqualTo(roomForRecords);

        // with room again, the same prepare works
        Files.delete(filler);
        Files.delete(more);
        CliRun ok = CliRun.of("dumpdev", "prepare", m.toString(), "190");
        assertThat(ok.exit()).as(ok.err()).isZero();
    }

    @Test
    void aVmcoreThatDoesNotFitLeavesNoPartialVmcoreAndKeepsTheOlderOnes() throws Exception {
        Path m = tmp.resolve("sys");
        CliRun c = CliRun.of("machine", "create", m.toString(), "--storage", "128M", "--dasd", "0.0.0190:30");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(CliRun.of("dumpdev", "prepare", m.toString(), "190").exit()).isZero();
        CliRun k = CliRun.of("kexec", "load", m.toString());
        assertThat(k.exit()).as(k.err()).isZero();
        assertThat(CliRun.of("hmc", m.toString(), "stop").exit()).isZero();
        Path vmcores = smallDisk(m.resolve("vmcore"), 2);
        Files.createDirectory(vmcores.resolve("20261101-000000"));
        randomFile(vmcores.resolve("20261101-000000").resolve("vmcore"), 1 << 20, 10);
        TreeMap<String, String> before = tree(vmcores);

        CliRun r = CliRun.of("hmc", m.toString(), "load", "190", "--store-status");

        assertOneClearError(r, "hmc load");
        assertThat(tree(vmcores)).as("no partial vmcore, the older one whole").isEqualTo(before);
    }
}
