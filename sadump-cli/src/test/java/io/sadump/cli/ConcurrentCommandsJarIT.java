package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.MachineTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code sadump} processes on one machine: while a stand-alone dump of a 128 MiB machine runs
 * ({@code hmc DIR load}), every other command on the machine is refused with the lock's one line and
 * exit 1, and changes nothing. That includes the commands that only read ({@code machine show},
 * {@code hmc display}, {@code meminfo}): while the load's journaled change is in progress, storage is
 * half way (a re-IPL rewrites it before the CPUs and run state are saved), so what they would print
 * would be no state the machine was ever in. The load ends as an undisturbed load of a copy of the
 * machine does: the same storage, CPUs, run state and console log, and a complete dump holding storage
 * as it was. The same with the HMC console ({@code sadump hmc DIR}, tasks on standard input; it takes
 * the lock per task, never for its whole life): a one-shot command against the console's load, and a
 * console task against a one-shot load, after which the console goes on and its next task works.
 *
 * <p>So that the overlap never depends on how fast this machine is, the process running the load is
 * paused with SIGSTOP once it prints that it dumps, for as long as the other commands run, then
 * continued with SIGCONT: a load that slow is what a large machine is.
 */
class ConcurrentCommandsJarIT {
    /** Who the HMC tasks of the commands run as: the login user, as the CLI takes it. */
    static final String USER = io.sadump.hmc.TaskContext.localUser();
    /** When the holder's task began, as the busy line says it. */
    static final String SINCE = "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z";

    /** What the dumper prints when it starts writing the dump: from here the load holds the machine. */
    private static final String DUMPING = "Dumping 64 bit OS";
    private static final String DEVICE_IMAGE = "devices/0.0.0190.3390";

    @TempDir
    static Path shared;
    static String java;
    /** A stopped 128 MiB machine with a prepared DASD dump device and no kdump kernel (so: stand-alone dump). */
    static Path template;
    /** An image to offer {@code hmc DIR mount}: a valid 3390 volume. */
    static Path spareVolume;
    /** MiB digests of storage before the load. */
    static List<String> before;
    /** What an undisturbed load leaves: the machine's files, and the MiB digests of the dump it wrote. */
    static Map<String, String> undisturbed;
    static List<String> undisturbedDump;

    @BeforeAll
    static void machine() throws Exception {
        java = SadumpJarIT.javas().findFirst().orElseThrow();
        template = shared.resolve("template").resolve("sys");
        for (String[] step : new String[][] {
                {"machine", "create", template.toString(), "--storage", "128M", "--dasd", "0.0.0190:100"},
                {"dumpdev", "prepare", template.toString(), "0.0.0190"},
                {"hmc", template.toString(), "stop"}}) {
            ok(SadumpJarIT.run(java, step));
        }
        spareVolume = Files.copy(template.resolve(DEVICE_IMAGE), shared.resolve("spare.3390"));
        before = KillJarIT.digests(template);
        // the same directory name, so the node name and every path in the files are the same
        Path quiet = copy("undisturbed");
        SadumpJarIT.Result load = SadumpJarIT.run(java, "hmc", quiet.toString(), "load", "190");
        assertThat(load.exit()).as(load.out() + load.err()).isZero();
        assertThat(load.out()).contains("Dump successful");
        undisturbed = state(quiet);
        undisturbedDump = dumpDigests(quiet, "undisturbed");
    }

    /** Every process a test started: none outlives its test, paused or not. */
    private static final List<Process> STARTED = new ArrayList<>();

    @AfterEach
    void endStarted() throws InterruptedException {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        STARTED.clear();
    }

    private static Path copy(String name) {
        Path dir = shared.resolve(name).resolve("sys");
        MachineTemplate.copy(template, dir);
        return dir;
    }

    private static SadumpJarIT.Result ok(SadumpJarIT.Result r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        return r;
    }

    @Test
    void everyChangingCommandIsRefusedWhileALoadRunsAndTheLoadEndsAsAnUndisturbedOne() throws Exception {
        Path dir = copy("one-shots");
        Running load = Running.start(shared.resolve("one-shots"), "hmc", dir.toString(), "load", "190");
        load.awaitOut(DUMPING);
        load.pause();

        List<List<String>> changing = List.of(
                List.of("kexec", "load", dir.toString()),
                List.of("kexec", "unload", dir.toString()),
                List.of("inject", dir.toString(), "meminfo-magic"),
                List.of("dumpdev", "prepare", dir.toString(), "0.0.0190"),
                List.of("hmc", dir.toString(), "load", "190"),
                List.of("hmc", dir.toString(), "stop"),
                List.of("hmc", dir.toString(), "mount", "0.0.0190", spareVolume.toString()),
                // readers: refused too, see the class comment
                List.of("machine", "show", dir.toString()),
                List.of("hmc", dir.toString(), "display", "psw"),
                List.of("meminfo", dir.toString()));
        // all at once, so they all meet the running load
        List<CompletableFuture<SadumpJarIT.Result>> runs = new ArrayList<>();
        for (List<String> c : changing) {
            runs.add(CompletableFuture.supplyAsync(() -> run(c)));
        }
        for (int i = 0; i < changing.size(); i++) {
            List<String> c = changing.get(i);
            String name = "sadump " + c.get(0) + " " + (c.get(0).equals("hmc") ? c.get(2)
                    : c.get(0).equals("inject") || c.get(0).equals("meminfo") ? "" : c.get(1));
            assertRefused(runs.get(i).get(120, TimeUnit.SECONDS), name.strip(), dir, load.pid());
        }
        load.resume();
        assertThat(load.await()).as(load.out()).isZero();
        assertThat(load.out()).contains("Dump successful").contains("(complete, ");
        assertLikeAnUndisturbedLoad(dir, "one-shots");
    }

    @Test
    void aOneShotCommandIsRefusedWhileTheConsoleRunsALoad() throws Exception {
        Path dir = copy("console-load");
        Running console = Running.start(shared.resolve("console-load"), "hmc", dir.toString());
        console.type("load 190\n");
        console.awaitOut(DUMPING);
        console.pause();

        assertRefused(SadumpJarIT.run(java, "kexec", "load", dir.toString()), "sadump kexec load", dir, console.pid());
        assertRefused(SadumpJarIT.run(java, "hmc", dir.toString(), "stop"), "sadump hmc stop", dir, console.pid());
        assertRefused(SadumpJarIT.run(java, "machine", "show", dir.toString()), "sadump machine show", dir,
                console.pid());
        console.resume();

        console.endInput();
        assertThat(console.await()).as(console.out() + console.err()).isZero();
        assertThat(console.out()).contains("Dump successful").contains("(complete, ");
        assertThat(console.err()).isEmpty();
        assertLikeAnUndisturbedLoad(dir, "console-load");
    }

    @Test
    void aConsoleTaskIsRefusedWhileAOneShotLoadRunsAndTheConsoleGoesOn() throws Exception {
        Path dir = copy("console-refused");
        Running console = Running.start(shared.resolve("console-refused").resolve("console"), "hmc", dir.toString());
        console.type("display psw\n");
        console.awaitOut("CPU 0  PSW "); // the console is up, and reads the machine
        Running load = Running.start(shared.resolve("console-refused"), "hmc", dir.toString(), "load", "190");
        load.awaitOut(DUMPING);
        load.pause();

        console.type("load 190\n");
        // the HMC's refusal names the task that holds the machine (the one-shot load's holder note)
        console.awaitErr("sadump hmc load: busy: load by " + USER + " since ");
        assertThat(console.isAlive()).as("the console stays after a refused task").isTrue();
        load.resume();

        assertThat(load.await()).as(load.out()).isZero();
        assertThat(load.out()).contains("Dump successful").contains("(complete, ");
        assertLikeAnUndisturbedLoad(dir, "console-refused");

        // the machine is free again: the console's next task takes it (the load left the system running)
        console.type("stop\n");
        console.awaitOut("HMC: stop: 2 CPUs stopped (operating before)");
        console.type("exit\n");
        assertThat(console.await()).as("the worst status of the console's tasks: the refused one").isEqualTo(1);
        assertThat(console.err().strip()).as("the refusal is the console's only error line")
                .matches(Pattern.quote("sadump hmc load: busy: load by " + USER + " since ") + SINCE);
        assertThat(Files.readString(dir.resolve("run.state"))).contains("state = stopped");
    }

    private static SadumpJarIT.Result run(List<String> command) {
        try {
            return SadumpJarIT.run(java, command.toArray(String[]::new));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exit 1 and exactly the lock's line, naming the process that holds the machine. */
    private static void assertRefused(SadumpJarIT.Result r, String command, Path dir, long holder) {
        assertThat(r.exit()).as(command + ": " + r.out() + r.err()).isEqualTo(1);
        if (command.startsWith("sadump hmc ")) {
            // an HMC task or display names the HMC task that holds the machine, from its holder note
            assertThat(r.err()).as(command).matches(Pattern.quote(command + ": busy: load by " + USER + " since ")
                    + SINCE + "\n");
        } else {
            assertThat(r.err()).as(command).isEqualTo(command + ": machine " + dir
                    + " is in use by another sadump command (pid " + holder + "); wait for it to finish\n");
        }
        assertThat(r.out()).as(command).isEmpty();
    }

    /**
     * The machine's files as an undisturbed load of a copy left them (so the refused commands changed
     * nothing), and the dump complete, holding storage as it was before the load: every MiB the
     * undisturbed load's dump holds unchanged is unchanged here too (the load itself writes a few
     * clock-dependent bytes, in MiBs this check leaves to the undisturbed comparison of the files).
     */
    private static void assertLikeAnUndisturbedLoad(Path dir, String name) throws Exception {
        assertThat(state(dir)).isEqualTo(undisturbed);
        SadumpJarIT.Result info = SadumpJarIT.run(java, "zgetdump", "-i", dir.resolve(DEVICE_IMAGE).toString());
        assertThat(info.exit()).as("the dump reads back complete: " + info.out() + info.err()).isZero();
        List<String> dump = dumpDigests(dir, name);
        assertThat(dump).hasSameSizeAs(before);
        int same = 0;
        for (int mib = 0; mib < before.size(); mib++) {
            if (undisturbedDump.get(mib).equals(before.get(mib))) {
                same++;
                assertThat(dump.get(mib)).as("MiB %d of the dump", mib).isEqualTo(before.get(mib));
            }
        }
        assertThat(same).as("MiBs the dump holds as they were").isGreaterThan(before.size() - 4);
    }

    /**
     * What a machine's files hold, by name: storage by MiB digests, the small files whole, the console
     * log without its time stamps and progress lines, the names of the device images and vmcores (the dump device's image
     * holds time stamps: it is compared through its dump's memory instead).
     */
    static Map<String, String> state(Path dir) throws IOException {
        Map<String, String> s = new TreeMap<>();
        s.put("storage.img", String.join(",", KillJarIT.digests(dir)));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(f).toString();
                if (rel.equals("storage.img") || rel.equals(".lock")) {
                    continue; // .lock holds the pid of the last holder
                }
                if (rel.startsWith("devices/") || rel.startsWith("vmcore/")) {
                    s.put(rel, "present");
                } else if (rel.equals("console.log")) {
                    // progress lines come with time (a paused dump prints one more), not with what is dumped
                    s.put(rel, Files.readString(f).replaceAll("(?m)^\\S+Z ", "")
                            .replaceAll("(?m)^\\d{8} / \\d{8} MB.*\n", ""));
                } else {
                    s.put(rel, Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return s;
    }

    /** SHA-256 of every MiB of the memory the dump on the machine's DASD holds (through its ELF form). */
    static List<String> dumpDigests(Path dir, String name) throws Exception {
        Path elf = shared.resolve(name + ".elf");
        SadumpJarIT.Result r = SadumpJarIT.run(java, "zgetdump", dir.resolve(DEVICE_IMAGE).toString(), "-f", "elf",
                "-o", elf.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        try {
            return elfMemoryDigests(elf, before.size());
        } finally {
            Files.delete(elf);
        }
    }

    /** MiB digests of the memory an ELF core's PT_LOADs hold (what no PT_LOAD covers reads as zeros). */
    static List<String> elfMemoryDigests(Path elf, int mibs) throws IOException {
        final int mib = 1 << 20;
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(64);
            ch.read(header, 0);
            long phoff = header.getLong(32);
            int phentsize = Short.toUnsignedInt(header.getShort(54));
            int phnum = Short.toUnsignedInt(header.getShort(56));
            List<long[]> loads = new ArrayList<>(); // paddr, offset, filesz
            for (int i = 0; i < phnum; i++) {
                ByteBuffer ph = ByteBuffer.allocate(phentsize);
                ch.read(ph, phoff + (long) i * phentsize);
                if (ph.getInt(0) == 1) { // PT_LOAD
                    loads.add(new long[] {ph.getLong(24), ph.getLong(8), ph.getLong(32)});
                }
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> out = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(mib);
            for (long m = 0; m < mibs; m++) {
                long start = m * mib;
                Arrays.fill(buf.array(), (byte) 0);
                for (long[] l : loads) {
                    long from = Math.max(start, l[0]);
                    long to = Math.min(start + mib, l[0] + l[2]);
                    if (from < to) {
                        ByteBuffer part = ByteBuffer.wrap(buf.array(), (int) (from - start), (int) (to - from));
                        while (part.hasRemaining() && ch.read(part, l[1] + (from - l[0]) + part.position()
                                - (from - start)) >= 0) {
                            // fill
                        }
                    }
                }
                sha.update(buf.array());
                out.add(HexFormat.of().formatHex(sha.digest()));
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code sadump} process running in the background: its output in files, its input a pipe. */
    private record Running(Process process, Path outFile, Path errFile) {
        static Running start(Path where, String... args) throws IOException {
            Files.createDirectories(where);
            Path out = Files.createTempFile(where, "sadump-", ".out");
            Path err = Files.createTempFile(where, "sadump-", ".err");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-jar", SadumpJarIT.jar().toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            STARTED.add(p);
            return new Running(p, out, err);
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** SIGSTOP: the process keeps what it holds (the machine's lock) and does nothing until {@link #resume}. */
        void pause() throws Exception {
            signal("-STOP");
        }

        void resume() throws Exception {
            signal("-CONT");
        }

        private void signal(String which) throws Exception {
            Process kill = new ProcessBuilder("kill", which, Long.toString(pid())).inheritIO().start();
            assertThat(kill.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill %s %d", which, pid()).isZero();
        }

        void type(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(line.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void endInput() throws IOException {
            process.getOutputStream().close();
        }

        String out() throws IOException {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        void awaitOut(String text) throws Exception {
            await(outFile, text);
        }

        void awaitErr(String text) throws Exception {
            await(errFile, text);
        }

        private void await(Path file, String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                assertThat(System.nanoTime()).as("'%s' printed within 120 s; stdout: %s; stderr: %s", text, out(), err())
                        .isLessThan(deadline);
                assertThat(process.isAlive() || Files.readString(file, StandardCharsets.UTF_8).contains(text))
                        .as("the process ended before printing '%s'; stdout: %s; stderr: %s", text, out(), err())
                        .isTrue();
                Thread.sleep(20);
            }
        }

        int await() throws Exception {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ended; stdout: %s", out()).isTrue();
            return process.exitValue();
        }
    }
}
