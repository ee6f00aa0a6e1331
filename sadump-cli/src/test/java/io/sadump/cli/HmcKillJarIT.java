package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.MachineTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGKILL (what {@link Process#destroyForcibly} sends on Linux) at a seeded random moment of a real
 * {@code sadump hmc DIR load --store-status}: the next command on the machine ({@code hmc DIR display
 * psw}) undoes the interrupted load first, says so on stderr and in the console log, and storage equals
 * what it was before the load, MiB by MiB. A load the kill did not reach, or that had ended, leaves no
 * journal. A vmcore is either complete under its name or left as the hidden {@code .vmcore.new-*} it was written to.
 *
 * <p>The build kills a few times ({@code -Dsadump.kill.count}, default 3); robustness/kill.sh many.
 */
class HmcKillJarIT {
    static final long KILLS = Long.getLong("sadump.kill.count", 3);
    static final long SEED = Long.getLong("sadump.kill.seed", 13);

    @TempDir
    static Path shared;
    static Path template;
    static String java;
    /** How long an uninterrupted load takes, in ms. */
    static long loadMillis;
    static List<String> before;

    @BeforeAll
    static void machine() throws Exception {
        java = SadumpJarIT.javas().findFirst().orElseThrow();
        template = shared.resolve("sys1");
        for (String[] step : new String[][] {
                {"machine", "create", template.toString(), "--storage", "256M", "--dasd", "0.0.0190:50"},
                {"dumpdev", "prepare", template.toString(), "0.0.0190"},
                {"kexec", "load", template.toString()},
                {"hmc", template.toString(), "stop"}}) {
            SadumpJarIT.Result r = SadumpJarIT.run(java, step);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        before = digests(template);
        Path timed = shared.resolve("timed");
        MachineTemplate.copy(template, timed);
        long t0 = System.nanoTime();
        SadumpJarIT.Result r = SadumpJarIT.run(java, "hmc", timed.toString(), "load", "190", "--store-status");
        loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("The production system is running again");
    }

    static Stream<Long> kills() {
        return Stream.iterate(SEED, s -> s + 1).limit(KILLS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("kills")
    void theCommandAfterAKillUndoesTheLoad(long seed) throws Exception {
        Path dir = shared.resolve("kill-" + seed);
        MachineTemplate.copy(template, dir);
        long delay = new SplittableRandom(seed).nextLong(loadMillis + 1);
        String where = "seed " + seed + ": SIGKILL " + delay + " ms into a load of about " + loadMillis + " ms";
        Process p = new ProcessBuilder(java, "-Xmx128m", "-jar", SadumpJarIT.jar().toString(), "hmc", dir.toString(),
                "load", "190", "--store-status").redirectErrorStream(true).start();
        Thread drain = new Thread(() -> discard(p.getInputStream()));
        drain.start();
        Thread.sleep(delay);
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(where).isTrue();
        drain.join(5000);

        boolean interrupted = Files.exists(dir.resolve("change.journal"));
        SadumpJarIT.Result next = SadumpJarIT.run(java, "hmc", dir.toString(), "display", "psw");
        assertThat(next.exit()).as(where + ": " + next.err()).isZero();
        assertThat(Files.exists(dir.resolve("change.journal"))).as(where).isFalse();
        List<String> log = Files.exists(dir.resolve("console.log")) ? Files.readAllLines(dir.resolve("console.log"))
                : List.of();
        if (interrupted) {
            // (a journal cut short in its header announced nothing: removed without a word)
            if (next.err().contains("recovered an interrupted ")) {
                assertThat(log).as(where).anyMatch(l -> l.contains("recovered an interrupted "));
            }
            assertThat(digests(dir)).as(where + ": storage as before the load").isEqualTo(before);
        } else {
            assertThat(next.err()).as(where).doesNotContain("recovered");
            boolean ended = log.stream().anyMatch(l -> l.contains("The production system is running again"));
            if (!ended) {
                assertThat(digests(dir)).as(where + ": not begun, storage as before").isEqualTo(before);
            }
        }
        // a vmcore under its own name is complete: zgetdump reads it as a good ELF dump
        try (Stream<Path> s = Files.walk(dir.resolve("vmcore"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("vmcore")) {
                    SadumpJarIT.Result info = SadumpJarIT.run(java, "zgetdump", "-i", f.toString());
                    assertThat(info.exit()).as(where + ": " + info.out() + info.err()).isZero();
                } else {
                    assertThat(f.getFileName().toString()).as(where).startsWith(".vmcore.new-");
                }
            }
        }
        // and the machine takes the next load
        SadumpJarIT.Result again = SadumpJarIT.run(java, "hmc", dir.toString(), "load", "190", "--clear");
        assertThat(again.exit()).as(where + ": " + again.out() + again.err()).isZero();
    }

    /** SHA-256 of every MiB of the machine's storage.img (holes read as zeros). */
    static List<String> digests(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(dir.resolve("storage.img"), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long pos = 0; pos < ch.size(); pos += 1 << 20) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) >= 0) {
                    // fill
                }
                sha.update(buf.array(), 0, buf.position());
                out.add(HexFormat.of().formatHex(sha.digest()));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
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
