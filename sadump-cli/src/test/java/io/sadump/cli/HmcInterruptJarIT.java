package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) sent to a one-shot {@code sadump hmc DIR load} as soon as the load has begun: the
 * process says so and exits only after the task ended, so the vmcore is complete and the machine is
 * consistent (the re-IPLed system's meminfo passes the verdict again).
 *
 * <p>The signal goes as soon as the load prints its first line, not later: the task must still be
 * running when a {@code kill} process started on a loaded machine delivers it (sent during the vmcore,
 * it arrived after a fast write had ended and the test failed for want of the message).
 */
class HmcInterruptJarIT {
    @TempDir
    Path tmp;

    @Test
    void anInterruptDuringALoadWaitsForTheDumpToEnd() throws Exception {
        String java = SadumpJarIT.javas().findFirst().orElseThrow();
        Path dir = tmp.resolve("sys1");
        for (String[] step : new String[][] {
                {"machine", "create", dir.toString(), "--storage", "1G", "--dasd", "0.0.0190:50"},
                {"dumpdev", "prepare", dir.toString(), "0.0.0190"},
                {"kexec", "load", dir.toString()},
                {"hmc", dir.toString(), "stop"}}) {
            SadumpJarIT.Result r = SadumpJarIT.run(java, step);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        Process p = new ProcessBuilder(java, "-Xmx128m", "-jar", SadumpJarIT.jar().toString(), "hmc", dir.toString(),
                "load", "190", "--store-status").start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = new Thread(() -> copy(p.getInputStream(), out));
        Thread e = new Thread(() -> copy(p.getErrorStream(), err));
        o.start();
        e.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!out.toString(StandardCharsets.UTF_8).contains("HMC: load ")) {
            assertThat(System.nanoTime()).as("the load started within 120 s: %s %s", out, err).isLessThan(deadline);
            assertThat(p.isAlive()).as("still loading: %s %s", out, err).isTrue();
            Thread.sleep(20);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("ended: %s %s", out, err).isTrue();
        o.join(5000);
        e.join(5000);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("sadump hmc: interrupted: the running task ends first");

        Path vmcore;
        try (Stream<Path> s = Files.list(dir.resolve("vmcore"))) {
            List<Path> found = s.map(d -> d.resolve("vmcore")).filter(Files::isRegularFile).toList();
            assertThat(found).hasSize(1);
            vmcore = found.get(0);
        }
        SadumpJarIT.Result info = SadumpJarIT.run(java, "zgetdump", "-i", vmcore.toString());
        assertThat(info.exit()).as(info.out() + info.err()).isZero();
        assertThat(info.out()).contains("Dump format........: elf");
        SadumpJarIT.Result log = SadumpJarIT.run(java, "hmc", dir.toString(), "messages");
        assertThat(log.out()).contains("kdump: saved vmcore").contains("The production system is running again");
        SadumpJarIT.Result meminfo = SadumpJarIT.run(java, "meminfo", dir.toString());
        assertThat(meminfo.exit()).as(meminfo.out() + meminfo.err()).isZero();
        assertThat(meminfo.out()).contains("PASS");
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                synchronized (to) {
                    to.write(buf, 0, n);
                }
            }
        } catch (java.io.IOException ex) {
            // the process ended
        }
    }
}
