package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.fixtures.MachineTemplate;
import io.sadump.interop.HerculesChecks;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGKILL (what {@link Process#destroyForcibly} sends on Linux) of real {@code java -jar sadump.jar}
 * processes at a seeded random moment of every command that changes a machine or writes a named output.
 * The moment is uniform in [0, the duration of an uninterrupted run], so kills land in every phase.
 *
 * <p>After each kill the next command on the machine or file finds the work complete (equal to what an
 * uninterrupted run made), absent (everything as before), undone (the next command put it back: storage
 * MiB digests and device images as before) or reports it as incomplete (a cut-short dump is never read
 * back as good; a dump read back as good holds the memory the uninterrupted run dumped). Named outputs
 * are whole or the old ones byte-identical; every CKD and AWSTAPE image of the machine passes Hercules'
 * own checks. Each kill appends one line to the TSV of {@code -Dsadump.kill.log}: command, seed, delay
 * ms, what the next command found, device images that passed the checks.
 *
 * <p>Seed s kills command {@code s mod 10} ({@link Killed}), so a seed alone reproduces its kill. The
 * build kills once per command ({@code -Dsadump.kill.count}); robustness/kill.sh kills many times, with
 * larger storage ({@code -Dsadump.kill.storage}, MiB).
 */
class KillJarIT {
    static final long SEED = Long.getLong("sadump.kill.seed", 13);
    static final long KILLS = Long.getLong("sadump.kill.count", Killed.values().length);
    /** Storage of the machines, in MiB; the DASD is sized to hold its whole dump. */
    static final long STORAGE_MIB = Long.getLong("sadump.kill.storage", 128);
    static final int DASD_CYLINDERS = (int) (STORAGE_MIB / 2 + 16);
    static final String LOG = System.getProperty("sadump.kill.log", "");
    static final String MACHINE = "sys1";
    static final String DASD = "0.0.0190";
    static final String TAPE = "0.0.0181";

    /** The commands killed, with the name the report uses. */
    enum Killed {
        MACHINE_CREATE("machine create --dasd --tape"),
        KEXEC_LOAD("kexec load"),
        PREPARE_DASD("dumpdev prepare (DASD)"),
        PREPARE_TAPE("dumpdev prepare (tape)"),
        LOAD_KDUMP("hmc load --store-status (kdump)"),
        LOAD_DASD("hmc load --store-status (stand-alone dump to DASD)"),
        LOAD_TAPE("hmc load --store-status (stand-alone dump to tape)"),
        MOUNT("hmc mount (DASD)"),
        ARCHIVE_CREATE("archive create -o over an older archive"),
        ZGETDUMP_OUTPUT("zgetdump -o over an older file");

        final String label;

        Killed(String label) {
            this.label = label;
        }

        static Killed ofSeed(long seed) {
            return values()[(int) Math.floorMod(seed, (long) values().length)];
        }
    }

    /** What the next command found. */
    enum Found {
        COMPLETE, ABSENT, UNDONE, INCOMPLETE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @TempDir
    static Path shared;
    static String java;
    /** How long an uninterrupted run of each command takes, in ms. */
    static final Map<Killed, Long> millis = new EnumMap<>(Killed.class);
    static Path blank;
    static Path prepared;
    static Path loaded;
    static Path broken;
    static Path spare;
    static Path dumpedDasd;
    static Path elf;
    static List<String> createdStorage;
    static List<String> kexecStorage;
    static List<String> brokenStorage;
    static String preparedDasd;
    static String preparedTape;
    static String elfDigest;
    static String spareDigest;
    static List<String> dasdDumpMemory;
    static List<String> tapeDumpMemory;

    /** Builds the machines each kill starts from, timing an uninterrupted run of every command. */
    @BeforeAll
    static void machines() throws Exception {
        java = SadumpJarIT.javas().findFirst().orElseThrow();
        blank = shared.resolve("blank").resolve(MACHINE);
        Files.createDirectories(blank.getParent());
        timed(Killed.MACHINE_CREATE, createArgs(blank));
        createdStorage = digests(blank);

        prepared = copy(blank, "prepared");
        timed(Killed.PREPARE_DASD, "dumpdev", "prepare", prepared.toString(), DASD);
        timed(Killed.PREPARE_TAPE, "dumpdev", "prepare", prepared.toString(), TAPE);
        preparedDasd = sha256(prepared.resolve("devices").resolve(DASD + ".3390"));
        preparedTape = sha256(prepared.resolve("devices").resolve(TAPE + ".aws"));

        loaded = copy(prepared, "loaded");
        timed(Killed.KEXEC_LOAD, "kexec", "load", loaded.toString());
        kexecStorage = digests(loaded);
        succeed("hmc", loaded.toString(), "stop");

        Path kdump = copy(loaded, "kdump");
        timed(Killed.LOAD_KDUMP, "hmc", kdump.toString(), "load", "190", "--store-status");
        delete(kdump.getParent());

        broken = copy(loaded, "broken");
        succeed("inject", broken.toString(), "meminfo-pointer-zero");
        brokenStorage = digests(broken);
        Path dumped = copy(broken, "dumped");
        timed(Killed.LOAD_DASD, "hmc", dumped.toString(), "load", "190", "--store-status");
        dumpedDasd = dumped.resolve("devices").resolve(DASD + ".3390");
        dasdDumpMemory = dumpMemory(dumpedDasd).orElseThrow();
        Path taped = copy(broken, "taped");
        timed(Killed.LOAD_TAPE, "hmc", taped.toString(), "load", "181", "--store-status");
        tapeDumpMemory = dumpMemory(taped.resolve("devices").resolve(TAPE + ".aws")).orElseThrow();
        for (List<String> dump : List.of(dasdDumpMemory, tapeDumpMemory)) {
            assertThat(IntStream.range(0, dump.size()).filter(i -> !dump.get(i).equals(brokenStorage.get(i))))
                    .as("the MiBs a stand-alone dump holds other than storage had (store status, crash time)")
                    .hasSizeBetween(1, 4);
        }
        delete(taped.getParent());

        spare = shared.resolve("spare.3390");
        Files.copy(blank.resolve("devices").resolve(DASD + ".3390"), spare);
        spareDigest = sha256(spare);
        Path mounted = copy(loaded, "mounted");
        timed(Killed.MOUNT, "hmc", mounted.toString(), "mount", "190", spare.toString());
        delete(mounted.getParent());

        elf = shared.resolve("dump.elf");
        timed(Killed.ZGETDUMP_OUTPUT, "zgetdump", dumpedDasd.toString(), "-f", "elf", "-o", elf.toString());
        elfDigest = sha256(elf);
        timed(Killed.ARCHIVE_CREATE, "archive", "create", elf.toString(), "-o", shared.resolve("dump.tar.zst").toString());
    }

    static String[] createArgs(Path dir) {
        return new String[] {"machine", "create", dir.toString(), "--storage", STORAGE_MIB + "M", "--dasd",
            DASD + ":" + DASD_CYLINDERS, "--tape", TAPE};
    }

    static Stream<Long> kills() {
        return Stream.iterate(SEED, s -> s + 1).limit(KILLS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("kills")
    void theNextCommandFindsTheWorkCompleteAbsentUndoneOrIncomplete(long seed) throws Exception {
        Killed killed = Killed.ofSeed(seed);
        Path work = shared.resolve("kill-" + seed);
        Files.createDirectories(work);
        Path dir = work.resolve(MACHINE);
        Path output = null;
        String[] args;
        switch (killed) {
            case MACHINE_CREATE -> args = createArgs(dir);
            case KEXEC_LOAD -> args = new String[] {"kexec", "load", copyTo(prepared, dir)};
            case PREPARE_DASD -> args = new String[] {"dumpdev", "prepare", copyTo(blank, dir), DASD};
            case PREPARE_TAPE -> args = new String[] {"dumpdev", "prepare", copyTo(blank, dir), TAPE};
            case LOAD_KDUMP -> args = new String[] {"hmc", copyTo(loaded, dir), "load", "190", "--store-status"};
            case LOAD_DASD -> args = new String[] {"hmc", copyTo(broken, dir), "load", "190", "--store-status"};
            case LOAD_TAPE -> args = new String[] {"hmc", copyTo(broken, dir), "load", "181", "--store-status"};
            case MOUNT -> args = new String[] {"hmc", copyTo(loaded, dir), "mount", "190", spare.toString()};
            case ARCHIVE_CREATE -> {
                output = olderOutput(work.resolve("dump.tar.zst"), seed);
                args = new String[] {"archive", "create", elf.toString(), "-o", output.toString()};
            }
            case ZGETDUMP_OUTPUT -> {
                output = olderOutput(work.resolve("dump.elf"), seed);
                args = new String[] {"zgetdump", dumpedDasd.toString(), "-f", "elf", "-o", output.toString()};
            }
            default -> throw new IllegalStateException(killed.name());
        }
        Before before = Before.of(dir, output);
        long full = millis.get(killed);
        long delay = new SplittableRandom(seed).nextLong(full + 1);
        String where = "seed " + seed + ": SIGKILL " + delay + " ms into '" + killed.label + "' of about " + full + " ms";

        kill(args, delay, where);
        Found found;
        int images;
        try {
            found = judge(killed, work, dir, output, before, where);
            images = Files.isDirectory(dir) ? assertHerculesAcceptsDevices(dir, work) : 0;
        } catch (Exception | AssertionError e) {
            log(killed.label + "\t" + seed + "\t" + delay + "\tfailed\t-");
            throw e;
        }
        log(killed.label + "\t" + seed + "\t" + delay + "\t" + found.word() + "\t" + images);
        delete(work);
    }

    private static Found judge(Killed killed, Path work, Path dir, Path output, Before before, String where)
            throws Exception {
        return switch (killed) {
            case MACHINE_CREATE -> afterCreate(work, dir, where);
            case KEXEC_LOAD -> afterKexecLoad(dir, before, where);
            case PREPARE_DASD -> afterPrepare(dir, DASD, ".3390", preparedDasd, "Single-volume DASD dump tool", before, where);
            case PREPARE_TAPE -> afterPrepare(dir, TAPE, ".aws", preparedTape, "Tape dump tool", before, where);
            case LOAD_KDUMP -> afterKdumpLoad(dir, before, where);
            case LOAD_DASD -> afterStandAloneLoad(dir, DASD + ".3390", dasdDumpMemory, before, where);
            case LOAD_TAPE -> afterStandAloneLoad(dir, TAPE + ".aws", tapeDumpMemory, before, where);
            case MOUNT -> afterMount(dir, before, where);
            case ARCHIVE_CREATE -> afterOutput(work, output, before, where,
                    () -> assertThat(run("archive", "verify", work.resolve("dump.tar.zst").toString()).exit())
                            .as(where + ": archive verify of the archive under its name").isZero());
            case ZGETDUMP_OUTPUT -> afterOutput(work, output, before, where,
                    () -> assertThat(sha256(work.resolve("dump.elf"))).as(where + ": the ELF under its name")
                            .isEqualTo(elfDigest));
            default -> throw new IllegalStateException(killed.name());
        };
    }

    /** Either a usable machine equal to an uninterrupted creation, or no machine and a clear message. */
    private static Found afterCreate(Path work, Path dir, String where) throws Exception {
        SadumpJarIT.Result next = run("machine", "show", dir.toString());
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(MACHINE)))
                    .as(where + ": only a hidden creation directory beside the machine")
                    .allMatch(n -> n.startsWith("." + MACHINE + ".creating-"));
        }
        if (Files.exists(dir)) {
            assertThat(next.exit()).as(where + ": " + next.err()).isZero();
            assertThat(digests(dir)).as(where + ": storage of the created machine").isEqualTo(createdStorage);
            assertThat(dir.resolve("devices").resolve(DASD + ".3390")).as(where).isRegularFile();
            assertThat(dir.resolve("devices").resolve(TAPE + ".aws")).as(where).isRegularFile();
            return Found.COMPLETE;
        }
        assertThat(next.exit()).as(where).isEqualTo(1);
        assertThat(next.err()).as(where).isEqualTo("sadump machine show: " + dir + " is not a directory: it does not exist\n");
        // nothing half-made stands in the way of creating it again
        SadumpJarIT.Result again = run(createArgs(dir));
        assertThat(again.exit()).as(where + ": " + again.err()).isZero();
        assertThat(digests(dir)).as(where + ": storage of the machine created again").isEqualTo(createdStorage);
        return Found.ABSENT;
    }

    private static Found afterKexecLoad(Path dir, Before before, String where) throws Exception {
        SadumpJarIT.Result next = run("machine", "show", dir.toString());
        assertThat(next.exit()).as(where + ": " + next.err()).isZero();
        assertThat(dir.resolve("change.journal")).as(where).doesNotExist();
        List<String> now = digests(dir);
        if (next.err().contains("recovered an interrupted ")) {
            assertThat(now).as(where + ": storage as before the kexec load").isEqualTo(before.storage);
            assertThat(next.out()).as(where).contains("kdump kernel none loaded");
            return Found.UNDONE;
        }
        if (next.out().contains("kdump kernel none loaded")) {
            assertThat(now).as(where + ": not begun, storage as before").isEqualTo(before.storage);
            return Found.ABSENT;
        }
        assertThat(now).as(where + ": storage as an uninterrupted kexec load leaves it").isEqualTo(kexecStorage);
        assertThat(next.out()).as(where).contains("verdict      PASS");
        return Found.COMPLETE;
    }

    private static Found afterPrepare(Path dir, String devno, String suffix, String complete, String tool,
            Before before, String where) throws Exception {
        String name = devno + suffix;
        Path image = dir.resolve("devices").resolve(name);
        boolean pending = Files.exists(image.resolveSibling("." + name + ".undo"));
        SadumpJarIT.Result next = run("dumpdev", "show", dir.toString(), devno);
        assertThat(next.exit()).as(where + ": " + next.out() + next.err()).isZero();
        assertThat(image.resolveSibling("." + name + ".undo")).as(where + ": the undo record is applied").doesNotExist();
        String now = sha256(image);
        if (now.equals(complete)) {
            assertThat(next.out()).as(where).contains("Dump tool:          " + tool);
            return Found.COMPLETE;
        }
        assertThat(now).as(where + ": the volume as before the preparation").isEqualTo(before.files.get(image));
        assertThat(next.out()).as(where).contains("Dump tool:          none");
        return pending ? Found.UNDONE : Found.ABSENT;
    }

    /** The kdump path: the swap undone, or the load ended; a vmcore under its name is complete. */
    private static Found afterKdumpLoad(Path dir, Before before, String where) throws Exception {
        Found found = afterLoad(dir, before, where);
        try (Stream<Path> s = Files.walk(dir.resolve("vmcore"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("vmcore")) {
                    SadumpJarIT.Result info = run("zgetdump", "-i", f.toString());
                    assertThat(info.exit()).as(where + ": " + info.out() + info.err()).isZero();
                } else {
                    assertThat(f.getFileName().toString()).as(where).startsWith(".vmcore.new-");
                }
            }
        }
        // and the machine takes the next load
        SadumpJarIT.Result again = run("hmc", dir.toString(), "load", "190", "--clear");
        assertThat(again.exit()).as(where + ": " + again.out() + again.err()).isZero();
        return found;
    }

    /**
     * The stand-alone path: the machine change undone or ended; the dump on the device is read back as
     * complete and then holds what the uninterrupted dump held, or is reported incomplete, or is not there.
     */
    private static Found afterStandAloneLoad(Path dir, String name, List<String> dumped, Before before, String where)
            throws Exception {
        Found change = afterLoad(dir, before, where);
        Path image = dir.resolve("devices").resolve(name);
        // the next command on the device itself (it cuts off a tape block whose write the kill cut short)
        SadumpJarIT.Result show = run("dumpdev", "show", dir.toString(), name.substring(0, name.lastIndexOf('.')));
        assertThat(show.exit()).as(where + ": " + show.out() + show.err()).isZero();
        SadumpJarIT.Result info = run("zgetdump", "-i", image.toString());
        if (info.exit() == 0) {
            List<String> got = dumpMemory(image).orElseThrow(() -> new AssertionError(where
                    + ": zgetdump -i reads the dump as good, the reader does not"));
            assertThat(got).as(where + ": MiBs in the dump").hasSameSizeAs(dumped);
            for (int i = 0; i < got.size(); i++) {
                // the MiBs the load itself writes (store status, crash time) differ from run to run
                if (dumped.get(i).equals(brokenStorage.get(i))) {
                    assertThat(got.get(i)).as(where + ": MiB " + i + " of a dump read back as good").isEqualTo(dumped.get(i));
                }
            }
            return Found.COMPLETE;
        }
        assertThat(info.exit()).as(where + ": " + info.err()).isEqualTo(1);
        if (info.err().contains("(is not complete)")) {
            assertThat(dumpMemory(image)).as(where + ": the reader calls it incomplete as well").isEmpty();
            return Found.INCOMPLETE;
        }
        assertThat(info.err()).as(where).contains("no valid dump found");
        return change == Found.UNDONE ? Found.UNDONE : Found.ABSENT;
    }

    /** What the next command on the machine finds of an interrupted load (its journal). */
    private static Found afterLoad(Path dir, Before before, String where) throws Exception {
        boolean interrupted = Files.exists(dir.resolve("change.journal"));
        SadumpJarIT.Result next = run("hmc", dir.toString(), "display", "psw");
        assertThat(next.exit()).as(where + ": " + next.err()).isZero();
        assertThat(dir.resolve("change.journal")).as(where).doesNotExist();
        List<String> log = Files.exists(dir.resolve("console.log")) ? Files.readAllLines(dir.resolve("console.log"))
                : List.of();
        boolean recovered = next.err().contains("recovered an interrupted ");
        if (interrupted) {
            // (a journal cut short in its header announced nothing: removed without a word)
            if (recovered) {
                assertThat(log).as(where).anyMatch(l -> l.contains("recovered an interrupted "));
            }
            assertThat(digests(dir)).as(where + ": storage as before the load").isEqualTo(before.storage);
            return recovered ? Found.UNDONE : Found.ABSENT;
        }
        assertThat(recovered).as(where + ": " + next.err()).isFalse();
        if (log.stream().anyMatch(l -> l.contains("The production system is running again"))) {
            return Found.COMPLETE;
        }
        assertThat(digests(dir)).as(where + ": not begun, storage as before").isEqualTo(before.storage);
        return Found.ABSENT;
    }

    private static Found afterMount(Path dir, Before before, String where) throws Exception {
        Path image = dir.resolve("devices").resolve(DASD + ".3390");
        SadumpJarIT.Result next = run("hmc", dir.toString(), "display", "psw");
        assertThat(next.exit()).as(where + ": " + next.err()).isZero();
        assertThat(dir.resolve("change.journal")).as(where).doesNotExist();
        assertThat(digests(dir)).as(where + ": storage untouched by a mount").isEqualTo(before.storage);
        String now = sha256(image);
        if (now.equals(spareDigest)) {
            try (Stream<Path> s = Files.list(dir.resolve("devices").resolve("unmounted"))) {
                List<String> kept = new ArrayList<>();
                for (Path p : s.toList()) {
                    kept.add(sha256(p));
                }
                assertThat(kept).as(where + ": the volume that was mounted is kept").contains(before.files.get(image));
            }
            return Found.COMPLETE;
        }
        assertThat(now).as(where + ": the volume as before the mount").isEqualTo(before.files.get(image));
        return next.err().contains("recovered an interrupted ") ? Found.UNDONE : Found.ABSENT;
    }

    /** A named output: the old one byte-identical, or the complete new one; beside it only hidden files. */
    private static Found afterOutput(Path work, Path output, Before before, String where, Check complete)
            throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            String name = output.getFileName().toString();
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(name)))
                    .as(where + ": only hidden files beside the output").allMatch(n -> n.startsWith("." + name + ".new-"));
        }
        if (sha256(output).equals(before.files.get(output))) {
            return Found.ABSENT;
        }
        complete.run();
        return Found.COMPLETE;
    }

    interface Check {
        void run() throws Exception;
    }

    /** Every CKD and AWSTAPE image of the machine (mounted and kept) passes Hercules' checks. */
    private static int assertHerculesAcceptsDevices(Path dir, Path work) throws IOException {
        List<Path> images;
        try (Stream<Path> s = Files.walk(dir.resolve("devices"))) {
            images = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        int n = 0;
        for (Path image : images) {
            if (image.toString().endsWith(".3390")) {
                List<String> problems = HerculesChecks.ckdProblems(image, work);
                if (!problems.isEmpty() && problems.stream().allMatch(m -> m.contains("OPENED bit is on"))) {
                    // that bit is in the CCKD copy dasdcopy makes, left set now and then on a loaded
                    // machine even for an image other kills passed unchanged: the check is run again
                    problems = HerculesChecks.ckdProblems(image, work);
                }
                assertThat(problems).as("Hercules checks of %s", image).isEmpty();
                n++;
            } else if (image.toString().endsWith(".aws")) {
                HerculesChecks.assertHerculesAcceptsAws(image, work);
                n++;
            }
        }
        return n;
    }

    /** What existed before the command: storage MiB digests, digests of the images and the output. */
    record Before(List<String> storage, Map<Path, String> files) {
        static Before of(Path dir, Path output) throws IOException {
            Map<Path, String> files = new HashMap<>();
            List<String> storage = List.of();
            if (Files.isDirectory(dir)) {
                storage = digests(dir);
                try (Stream<Path> s = Files.list(dir.resolve("devices"))) {
                    for (Path p : s.filter(Files::isRegularFile).toList()) {
                        files.put(p, sha256(p));
                    }
                }
            }
            if (output != null) {
                files.put(output, sha256(output));
            }
            return new Before(storage, files);
        }
    }

    /** An older output under the name the command writes: 1 MiB of seeded random bytes. */
    private static Path olderOutput(Path path, long seed) throws IOException {
        byte[] old = new byte[1 << 20];
        new SplittableRandom(~seed).nextBytes(old);
        Files.write(path, old);
        return path;
    }

    private static void kill(String[] args, long delay, String where) throws Exception {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-jar", SadumpJarIT.jar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread drain = new Thread(() -> discard(p.getInputStream()));
        drain.start();
        Thread.sleep(delay);
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(where).isTrue();
        drain.join(5000);
    }

    /** One TSV line: command, seed, delay ms, what the next command found (or failed), images checked. */
    private static void log(String line) throws IOException {
        if (LOG.isEmpty()) {
            return;
        }
        synchronized (KillJarIT.class) {
            Files.writeString(Path.of(LOG), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static void timed(Killed killed, String... args) throws Exception {
        long t0 = System.nanoTime();
        succeed(args);
        millis.put(killed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Runs the jar; the caller judges what it found. */
    private static SadumpJarIT.Result run(String... args) throws Exception {
        return SadumpJarIT.run(java, args);
    }

    /** Runs the jar; the command must succeed. */
    private static void succeed(String... args) throws Exception {
        SadumpJarIT.Result r = SadumpJarIT.run(java, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.out() + r.err()).isZero();
    }

    private static Path copy(Path from, String name) {
        Path to = shared.resolve(name).resolve(MACHINE);
        MachineTemplate.copy(from, to);
        return to;
    }

    private static String copyTo(Path from, Path to) {
        MachineTemplate.copy(from, to);
        return to.toString();
    }

    /** SHA-256 of every MiB of the memory a dump holds (absent memory as zeros), or empty if incomplete. */
    static Optional<List<String>> dumpMemory(Path image) throws IOException {
        try (OpenedDump opened = DumpOpener.open(List.of(image))) {
            if (!opened.dump().complete()) {
                return Optional.empty();
            }
            MemorySource memory = opened.dump().memory();
            List<String> out = new ArrayList<>();
            byte[] mib = new byte[1 << 20];
            MessageDigest sha = sha();
            for (long a = 0; a < memory.memorySize(); a += mib.length) {
                int n = (int) Math.min(mib.length, memory.memorySize() - a);
                memory.readFilled(a, mib, 0, n);
                sha.update(mib, 0, n);
                out.add(HexFormat.of().formatHex(sha.digest()));
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of every MiB of the machine's storage.img (holes read as zeros). */
    static List<String> digests(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(dir.resolve("storage.img"), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            MessageDigest sha = sha();
            for (long pos = 0; pos < ch.size(); pos += 1 << 20) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) >= 0) {
                    // fill
                }
                sha.update(buf.array(), 0, buf.position());
                out.add(HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void discard(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // the output of a process about to be killed says nothing the test checks
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
