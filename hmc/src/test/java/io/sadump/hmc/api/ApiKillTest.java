package io.sadump.hmc.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.dump.DumpFormatException;
import io.sadump.fixtures.Corruption;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import io.sadump.ipl.LoadRequest;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGKILL of a server ({@link ApiServerMain}, a JVM of its own) during a Load that the API started, at
 * a seeded random moment in [0, the duration of an uninterrupted API load]: the next command on the
 * machine (here the library call {@code sadump hmc DIR display psw} makes: {@link HmcMachine#open} and its
 * status) finds the machine as a CLI load killed at the same moment leaves it (sadump-cli's KillJarIT
 * judges those): the journaled change undone (storage MiB by MiB as before the load), or the load ended
 * (storage as an uninterrupted load leaves it, but for the few MiBs each load writes afresh: store status,
 * crash time), or not begun; a vmcore under its name is complete; and the machine takes the next load.
 * Odd seeds kill a kdump load, even seeds a load whose kdump kernel is damaged (0x4533), so the dumper
 * writes the stand-alone dump to the DASD: that dump is read back as complete (and holds what the
 * uninterrupted dump held), or reported incomplete, or is not there.
 */
class ApiKillTest {
    static final String PASSWORD = "operator-password";
    static final Map<String, Object> LOAD = Map.of("load-address", "00190", "clear-indicator", false,
            "store-status-indicator", true, "force", true);

    @TempDir
    Path tmp;

    /** The seeds: {@code -Dsadump.apikill.seed=S -Dsadump.apikill.count=N} kill N times from seed S. */
    static Stream<Long> kills() {
        long first = Long.getLong("sadump.apikill.seed", 1);
        return Stream.iterate(first, s -> s + 1).limit(Long.getLong("sadump.apikill.count", 3));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("kills")
    void aServerKilledDuringAnApiLoadLeavesTheMachineAsACliLoadKilledThere(long seed) throws Exception {
        Path machines = tmp.resolve("machines");
        Files.createDirectories(machines);
        Path warm = ApiMachines.copy(machines, "warm");
        Path timed = ApiMachines.copy(machines, "timed");
        Path dir = ApiMachines.copy(machines, "sys1");
        // odd seeds: the verdict passes and kdump writes a vmcore; even seeds: the kdump kernel is damaged,
        // so the dumper writes the stand-alone dump to the DASD it was loaded from
        boolean standAlone = seed % 2 == 0;
        if (standAlone) {
            for (Path m : List.of(warm, timed, dir)) {
                ApiMachines.inject(m, Corruption.SEGMENT_BITFLIP_KERNEL, 3);
            }
        }
        String path = standAlone ? "stand-alone dump to DASD" : "kdump";
        HmcState state = HmcState.at(tmp.resolve("state"));
        new UserStore(state, RoleCatalog.load(state.dir())).add("olga", "operator", PASSWORD.toCharArray());
        List<String> before = digests(dir);

        Process server = start(state.dir(), machines, tmp.resolve("port"));
        String where;
        try {
            WsapiClient c = new WsapiClient(port(tmp.resolve("port"), server));
            assertThat(c.logon("olga", PASSWORD).status()).isEqualTo(200);
            // an uninterrupted API load of the same machine: how long one takes (the second, once the server's
            // code is warm, as it is for the load that is killed), what it leaves
            c.waitForCompletion(c.post(lpar(c, "warm") + "/operations/load", LOAD).body().get("job-uri").asText());
            WsapiClient.Answer first = c.post(lpar(c, "timed") + "/operations/load", LOAD);
            long t0 = System.nanoTime(); // the kill below sleeps from the 202 on, so the window starts here
            JsonNode full = c.waitForCompletion(first.body().get("job-uri").asText());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(full.get("job-status-code").asInt()).isEqualTo(200);

            long delay = new SplittableRandom(seed).nextLong(millis + 1);
            where = "seed " + seed + ": SIGKILL " + delay + " ms into an API load (" + path + ") of about " + millis
                    + " ms";
            WsapiClient.Answer a = c.post(lpar(c, "sys1") + "/operations/load", LOAD);
            assertThat(a.status()).as(where + ": " + a.body()).isEqualTo(202);
            Thread.sleep(delay);
        } finally {
            server.destroyForcibly(); // SIGKILL on Linux
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        List<String> after = digests(timed);

        // the next command on the machine
        boolean interrupted = Files.exists(dir.resolve("change.journal"));
        List<String> recovered = new ArrayList<>();
        MachineDirectory.onRecovery(recovered::add);
        HmcMachine m;
        try {
            m = HmcMachine.open(dir);
            assertThat(m.status().psws()).as(where).hasSize(2);
        } finally {
            MachineDirectory.onRecovery(x -> { });
        }
        assertThat(dir.resolve("change.journal")).as(where + ": the journal is applied").doesNotExist();
        List<String> log = Files.readAllLines(dir.resolve(MachineDirectory.CONSOLE_LOG));
        List<String> now = digests(dir);
        String found;
        if (interrupted) {
            found = recovered.isEmpty() ? "absent" : "undone";
            assertThat(now).as(where + ": storage as before the load").isEqualTo(before);
            if (!recovered.isEmpty()) {
                assertThat(log).as(where).anyMatch(l -> l.contains("recovered an interrupted "));
            }
        } else if (log.stream().anyMatch(l -> l.contains("The production system is running again"))) {
            found = "complete";
            List<Integer> differ = IntStream.range(0, now.size()).filter(i -> !now.get(i).equals(after.get(i)))
                    .boxed().toList();
            assertThat(differ).as(where + ": MiBs other than an uninterrupted load leaves (store status, crash "
                    + "time)").hasSizeLessThanOrEqualTo(4);
        } else {
            found = "absent";
            assertThat(recovered).as(where).isEmpty();
            assertThat(now).as(where + ": not begun, storage as before").isEqualTo(before);
        }
        // a vmcore under its name is complete; a cut-short one only under its hidden temporary name
        try (Stream<Path> s = Files.walk(dir.resolve(MachineDirectory.VMCORE))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("vmcore")) {
                    try (OpenedDump d = DumpOpener.open(List.of(f))) {
                        assertThat(d.dump().complete()).as(where + ": " + f).isTrue();
                    }
                } else {
                    assertThat(f.getFileName().toString()).as(where).startsWith(".vmcore.new-");
                }
            }
        }
        if (standAlone) {
            found += ", " + afterStandAloneDump(dir, timed, where);
        }
        System.out.println(where + ": the next command found the load " + found);
        // and the machine takes the next task: no stale lock or holder note from the killed server
        m.load(new LoadRequest(DeviceNumber.parse("190"), true, false, ""), new TaskContext("olga", "local",
                TaskObserver.NONE));
        assertThat(HmcMachine.open(dir).runState().isOperating()).as(where).isFalse();
    }

    /**
     * The DASD after a stand-alone dump the kill may have cut: read back as complete, holding what the
     * uninterrupted dump held (but for the MiBs each load writes afresh), or reported incomplete, or no dump
     * there at all; never a cut dump read back as good.
     */
    static String afterStandAloneDump(Path dir, Path timed, String where) throws Exception {
        Path image = dir.resolve(MachineDirectory.DEVICES).resolve(ApiMachines.DASD + ".3390");
        Optional<List<String>> uninterrupted = dumpMemory(timed.resolve(MachineDirectory.DEVICES)
                .resolve(ApiMachines.DASD + ".3390"));
        assertThat(uninterrupted).as(where + ": the uninterrupted dump reads back as complete").isPresent();
        try (OpenedDump d = DumpOpener.open(List.of(image))) {
            if (!d.dump().complete()) {
                assertThat(dumpMemory(image)).as(where).isEmpty();
                return "the dump reported incomplete";
            }
        } catch (DumpFormatException e) {
            assertThat(e.getMessage()).as(where).contains("no valid dump found");
            return "no dump on the DASD";
        }
        List<String> got = dumpMemory(image).orElseThrow();
        List<String> full = uninterrupted.get();
        assertThat(got).as(where + ": MiBs in the dump").hasSameSizeAs(full);
        assertThat(IntStream.range(0, got.size()).filter(i -> !got.get(i).equals(full.get(i))))
                .as(where + ": MiBs of a dump read back as good other than the uninterrupted dump's (store status, "
                        + "crash time)").hasSizeLessThanOrEqualTo(4);
        return "the dump complete";
    }

    /** SHA-256 of every MiB of the memory a dump holds (absent memory as zeros), or empty if incomplete. */
    static Optional<List<String>> dumpMemory(Path image) throws Exception {
        try (OpenedDump opened = DumpOpener.open(List.of(image))) {
            if (!opened.dump().complete()) {
                return Optional.empty();
            }
            MemorySource memory = opened.dump().memory();
            List<String> out = new ArrayList<>();
            byte[] mib = new byte[1 << 20];
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
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

    static String lpar(WsapiClient c, String name) throws Exception {
        String cpc = c.get("/api/cpcs").body().get("cpcs").get(0).get("object-uri").asText();
        return c.get(cpc + "/logical-partitions?name=" + name).body().get("logical-partitions").get(0)
                .get("object-uri").asText();
    }

    static Process start(Path state, Path machines, Path portFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ApiServerMain.class.getName(), state.toString(), machines.toString(), portFile.toString())
                .redirectErrorStream(true).redirectOutput(portFile.resolveSibling("server.log").toFile()).start();
    }

    static int port(Path portFile, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the API server did not start: "
                        + Files.readString(portFile.resolveSibling("server.log")));
            }
            Thread.sleep(20);
        }
        return Integer.parseInt(Files.readString(portFile).strip());
    }

    /** SHA-256 of every MiB of the machine's storage.img (holes read as zeros). */
    static List<String> digests(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(dir.resolve(MachineDirectory.STORAGE), StandardOpenOption.READ)) {
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
        }
        return out;
    }
}
