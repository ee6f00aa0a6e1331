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
 *
 * <p>Each case that passes is also written as a row of the TSV file the system property
 * {@value #REPORT_PROPERTY} names (default {@code target/full-disk.tsv}), which
 * {@code robustness/fulldisk.sh} tabulates: command, what existed before, the tmpfs size, exit status,
 * the line printed, nothing half-made, older data intact. A row is written only after its checks passed.
 */
class FullDiskTest {
    private static final String NO_SPACE = "No space left on device";
    static final String REPORT_PROPERTY = "sadump.fulldisk.report";

    @TempDir
    Path tmp;

    private final List<Path> mounted = new ArrayList<>();
    /** The size of the tmpfs mounted last, for the report. */
    private int diskMiB;

    /** Appends the row of a case whose checks passed (see the class comment). */
    private void passed(String command, String before, CliRun r) throws IOException {
        // the error line (hmc load also says what it undid, in a line of its own)
        String name = "sadump " + command.split(" ")[0];
        String line = r.err().lines().filter(l -> l.startsWith(name) && l.contains(NO_SPACE)).findFirst()
                .orElse(r.err().strip().replace('\n', ' '));
        Path tsv = Path.of(System.getProperty(REPORT_PROPERTY, "target/full-disk.tsv"));
        if (tsv.getParent() != null) {
            Files.createDirectories(tsv.getParent());
        }
        String row = String.join("\t", command, before, diskMiB + " MiB", Integer.toString(r.exit()),
                line.replace('\t', ' '), "yes", "yes") + "\n";
        Files.writeString(tsv, row, java.nio.charset.StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

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
        diskMiB = megabytes;
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
        passed("zgetdump -f elf -o FILE", "FILE (1 MiB)", r);
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
        passed("archive create -o FILE", "FILE (1 MiB)", r);
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
        passed("archive extract -o DIR", "DIR with another file (1 MiB)", into);

        CliRun sub = CliRun.of("archive", "extract", archive.toString(), "-o", disk.resolve("new").toString());
        assertOneClearError(sub, "archive extract");
        assertThat(tree(disk)).as("the directory the extraction made is gone too").isEqualTo(before);
        passed("archive extract -o DIR", "no DIR (another file beside it)", sub);
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
        passed("machine create --dasd", "another machine beside it", r);

        // an existing empty directory stays as it was too
        Files.createDirectory(disk.resolve("empty"));
        TreeMap<String, String> withEmpty = tree(disk);
        CliRun e = CliRun.of("machine", "create", disk.resolve("empty").toString(), "--storage", "16M",
                "--workload", "random", "--dasd", "0.0.0190");
        assertOneClearError(e, "machine create");
        assertThat(tree(disk)).isEqualTo(withEmpty);
        passed("machine create --dasd", "an empty DIR", e);
    }

    @Test
    void machineCreateWithATapeIsAllOrNothing() throws Exception {
        Path disk = smallDisk(tmp.resolve("disk"), 24);
        CliRun old = CliRun.of("machine", "create", disk.resolve("m0").toString(), "--storage", "16M",
                "--workload", "zero", "--tape", "0.0.0181:1M");
        assertThat(old.exit()).as(old.err()).isZero();
        TreeMap<String, String> before = tree(disk);

        // the storage of a machine with a tape does not fit
        CliRun r = CliRun.of("machine", "create", disk.resolve("m").toString(), "--storage", "64M",
                "--workload", "random", "--tape", "0.0.0181:1M");

        assertOneClearError(r, "machine create");
        assertThat(tree(disk)).as("no half machine, the other machine untouched").isEqualTo(before);
        passed("machine create --tape", "another machine beside it", r);
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
        CliRun dasd = CliRun.of("dumpdev", "prepare", m.toString(), "190");
        assertOneClearError(dasd, "dumpdev prepare");
        assertThat(tree(disk)).isEqualTo(before);
        passed("dumpdev prepare DASD", "an unprepared DASD; disk full", dasd);
        // the tape: the new volume does not fit beside the old one
        CliRun tape = CliRun.of("dumpdev", "prepare", m.toString(), "181", "--size", "4M");
        assertOneClearError(tape, "dumpdev prepare");
        assertThat(tree(disk)).isEqualTo(before);
        passed("dumpdev prepare tape", "a prepared tape; disk full", tape);

        // room for the undo record only: the track writes fail and the old tracks are put back
        long recordPages = (52 + 512 + 3 * 56832L + 4095) / 4096;
        free(filler, recordPages);
        TreeMap<String, String> shorter = tree(disk);
        CliRun one = CliRun.of("dumpdev", "prepare", m.toString(), "190");
        assertOneClearError(one, "dumpdev prepare");
        assertThat(one.err()).as("the tracks were written, then put back").doesNotContain("cannot keep the old tracks");
        assertThat(tree(disk)).isEqualTo(shorter);
        passed("dumpdev prepare DASD", "an unprepared DASD; room for the undo record only", one);
        Path more = fill(disk, "filler2"); // full again
        TreeMap<String, String> fullAgain = tree(disk);
        CliRun none = CliRun.of("dumpdev", "prepare", m.toString(), "--multi", "190,191");
        assertOneClearError(none, "dumpdev prepare");
        assertThat(tree(disk)).as(none.err()).isEqualTo(fullAgain);
        passed("dumpdev prepare --multi", "two unprepared DASDs; disk full", none);
        // room for both volumes' records: the track writes fail, and both volumes are put back
        free(filler, 2 * recordPages);
        TreeMap<String, String> roomForRecords = tree(disk);
        CliRun multi = CliRun.of("dumpdev", "prepare", m.toString(), "--multi", "190,191");
        assertOneClearError(multi, "dumpdev prepare");
        assertThat(tree(disk)).as(multi.err()).isEqualTo(roomForRecords);
        passed("dumpdev prepare --multi", "two unprepared DASDs; room for both undo records", multi);

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
        passed("hmc load (kdump writes a vmcore)", "an older vmcore (1 MiB)", r);
    }

    @Test
    void mountOnAFullDiskKeepsTheMountedVolume() throws Exception {
        Path spare = tmp.resolve("spare");
        CliRun s = CliRun.of("machine", "create", spare.toString(), "--storage", "16M", "--workload", "zero",
                "--dasd", "0.0.0190:2", "--tape", "0.0.0181:1M");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(CliRun.of("dumpdev", "prepare", spare.toString(), "181").exit()).isZero();
        Path disk = smallDisk(tmp.resolve("disk"), 24);
        Path m = disk.resolve("m");
        CliRun c = CliRun.of("machine", "create", m.toString(), "--storage", "16M", "--workload", "zero",
                "--dasd", "0.0.0190:2", "--tape", "0.0.0181:1M");
        assertThat(c.exit()).as(c.err()).isZero();
        Path filler = fill(disk, "filler");
        TreeMap<String, String> before = tree(disk);

        for (String[] mount : new String[][] {{"0.0.0190", spare.resolve("devices/0.0.0190.3390").toString()},
                {"0.0.0181", spare.resolve("devices/0.0.0181.aws").toString()}}) {
            CliRun r = CliRun.of("hmc", m.toString(), "mount", mount[0], mount[1]);
            assertOneClearError(r, "hmc mount");
            assertThat(tree(disk)).as(r.err()).isEqualTo(before);
            passed("hmc mount " + (mount[0].endsWith("190") ? "DASD" : "tape"), "a mounted volume; disk full", r);
        }
        // room for the journal, not for the new volume: the change is undone
        free(filler, 64);
        TreeMap<String, String> roomForJournal = tree(disk);
        CliRun r = CliRun.of("hmc", m.toString(), "mount", "0.0.0190", spare.resolve("devices/0.0.0190.3390").toString());
        assertOneClearError(r, "hmc mount");
        assertThat(tree(disk)).as(r.err()).isEqualTo(roomForJournal);
        passed("hmc mount DASD", "a mounted volume; 256 KiB free", r);
    }
}
