package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.MachineTemplate;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The machine, kexec and inject commands, end to end through the CLI. */
class ProductionCommandsTest {
    @TempDir
    static Path shared;
    /** A 64M machine (zero workload, to keep the copies cheap), created by the CLI, without a kdump kernel. */
    static Path bare;
    /** The same with the synthetic kdump kernel loaded. */
    static Path loaded;

    @TempDir
    Path tmp;

    @BeforeAll
    static void templates() {
        bare = shared.resolve("bare");
        CliRun c = CliRun.of("machine", "create", bare.toString(), "--storage", "64M", "--seed", "5",
                "--workload", "zero");
        assertThat(c.exit()).as(c.err()).isZero();
        loaded = shared.resolve("loaded");
        MachineTemplate.copy(bare, loaded);
        CliRun k = CliRun.of("kexec", "load", loaded.toString());
        assertThat(k.exit()).as(k.err()).isZero();
    }

    Path copy(Path template) {
        Path dir = tmp.resolve("m");
        MachineTemplate.copy(template, dir);
        return dir;
    }

    static void assertOneLineError(CliRun r, int exit, String... parts) {
        assertThat(r.exit()).as("exit of %s / %s", r.out(), r.err()).isEqualTo(exit);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("sadump ").doesNotContain("\tat ", "Exception");
        for (String p : parts) {
            assertThat(r.err()).contains(p);
        }
    }

    // -- machine create ---------------------------------------------------------------------------

    @Test
    void createPrintsOneSummaryLine() {
        Path dir = tmp.resolve("sys");
        CliRun r = CliRun.of("machine", "create", dir.toString(), "--storage", "32M", "--cpus", "3", "--workload",
                "zero");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(2); // the line and the final empty string after its newline
        assertThat(r.out()).startsWith("created " + dir + ": 32M storage, 3 CPUs, crashkernel 8M@8M, workload zero");
        assertThat(MachineDirectory.open(dir).config().cpuCount()).isEqualTo(3);
    }

    @Test
    void createJsonParses() {
        Path dir = tmp.resolve("sys");
        CliRun r = CliRun.of("machine", "create", dir.toString(), "--storage", "1G", "--workload", "zero",
                "--crashkernel", "none", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o).containsEntry("storage", 1L << 30).containsEntry("cpus", 2L).containsEntry("workload", "zero")
                .containsEntry("crashkernel", null).containsEntry("nodename", "sys");
    }

    @Test
    void createRefusesBadInputWithOneLineAndMakesNothing() {
        Path dir = tmp.resolve("never");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--storage", "2X"), 2, "--storage");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--storage", "8M"), 2, "at least 16M");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--cpus", "many"), 2, "--cpus");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--cpus", "65"), 2, "cpus");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--crashkernel", "1M@1M"), 2,
                "overlaps the first kernel");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--crashkernel", "256M"), 2, "SIZE@BASE");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--workload", "busy"), 2, "unknown workload");
        assertOneLineError(CliRun.of("machine", "create", dir.toString(), "--seed", "x"), 2, "--seed");
        assertThat(dir).doesNotExist();
        assertOneLineError(CliRun.of("machine", "create", bare.toString()), 1, "not empty");
        assertThat(bare.resolve("machine.conf")).exists();
    }

    @Test
    void sameSeedSameStorage() throws IOException {
        // The same directory name too: it becomes the nodename in init_uts_ns.
        Path a = tmp.resolve("a").resolve("sys");
        Path b = tmp.resolve("b").resolve("sys");
        assertThat(CliRun.of("machine", "create", a.toString(), "--storage", "32M", "--seed", "9").exit()).isZero();
        assertThat(CliRun.of("machine", "create", b.toString(), "--storage", "32M", "--seed", "9").exit()).isZero();
        assertThat(sha256(a.resolve("storage.img"))).isEqualTo(sha256(b.resolve("storage.img")));
    }

    // -- machine show -----------------------------------------------------------------------------

    @Test
    void showTellsStateAndVerdict() {
        CliRun r = CliRun.of("machine", "show", bare.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("storage      64M", "CPUs         2", "crashkernel  16M@16M",
                "workload zero, seed 5", "meminfo      at 0x203000, version 1.1, header checksum ok",
                "kdump kernel none loaded", "devices      none",
                "verdict      FAIL 0x4530: no kdump kernel loaded");
        CliRun l = CliRun.of("machine", "show", loaded.toString());
        assertThat(l.out()).contains("version 1.2", "13 KDUMP_SEGMENTS", "segments     4, entry point 0x10010",
                "kernel synthetic", "verdict      PASS: kdump can start");
    }

    @Test
    void showMapDrawsBarsOfSixtyFourMarks() {
        CliRun r = CliRun.of("machine", "show", loaded.toString(), "--map");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> bars = r.out().lines().filter(l -> l.startsWith("    |")).toList();
        assertThat(bars).hasSize(3);
        for (String b : bars) {
            assertThat(b.strip()).hasSize(66);
        }
        assertThat(bars.get(0)).startsWith("    |K").contains("p", "C");
        assertThat(bars.get(1)).startsWith("    |L").contains("M", "P");
        assertThat(bars.get(2)).startsWith("    |p").contains("k", "i", "C");
        assertThat(r.out()).contains("crashkernel [16M, 32M), one mark = 256K", "segment 0 (kernel)",
                "meminfo (os_info) page");
    }

    @Test
    void showJsonParses() {
        CliRun r = CliRun.of("machine", "show", loaded.toString(), "--json", "--map");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(MiniJson.object(o.get("storage"))).containsEntry("size", 64L << 20);
        assertThat(MiniJson.array(o.get("cpus"))).hasSize(2);
        assertThat(MiniJson.object(o.get("crashkernel"))).containsEntry("base", 16L << 20);
        assertThat(MiniJson.array(o.get("segments"))).hasSize(4);
        assertThat(o).containsEntry("entry_point", 0x10010L);
        assertThat(MiniJson.object(o.get("verdict"))).containsEntry("passed", true).containsEntry("code", 0L);
        assertThat(MiniJson.array(o.get("regions"))).isNotEmpty();
        assertThat(MiniJson.object(o.get("production"))).containsEntry("seed", 5L);
    }

    @Test
    void showOfSomethingElseIsOneLine() {
        assertOneLineError(CliRun.of("machine", "show", tmp.toString()), 1, "not a sadump machine");
    }

    // -- kexec ------------------------------------------------------------------------------------

    @Test
    void kexecLoadAndUnload() {
        Path dir = copy(bare);
        CliRun r = CliRun.of("kexec", "load", dir.toString(), "--cmdline", "root=/dev/dasda1 nr_cpus=1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 segments, entry point 0x10010", "kernel", "initrd", "cmdline", "purgatory",
                "\"root=/dev/dasda1 nr_cpus=1\"", "verdict: PASS: kdump can start");
        CliRun u = CliRun.of("kexec", "unload", dir.toString());
        assertThat(u.exit()).isZero();
        assertThat(u.out()).contains("unloaded");
        assertThat(CliRun.of("kexec", "unload", dir.toString()).out()).contains("had no kdump kernel loaded");
        assertThat(CliRun.of("machine", "show", dir.toString()).out()).contains("FAIL 0x4530");
    }

    @Test
    void kexecLoadJsonParses() {
        Path dir = copy(bare);
        CliRun r = CliRun.of("kexec", "load", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o).containsEntry("entry_point", 0x10010L).containsEntry("kernel", "synthetic");
        List<Object> segs = MiniJson.array(o.get("segments"));
        assertThat(segs).extracting(s -> MiniJson.object(s).get("kind")).containsExactly("kernel", "initrd", "cmdline",
                "purgatory");
        assertThat(MiniJson.object(o.get("verdict"))).containsEntry("passed", true);
    }

    @Test
    void kexecRefusalsAreOneLineAndChangeNothing() throws IOException {
        Path dir = copy(loaded);
        String before = sha256(dir.resolve("storage.img"));
        assertOneLineError(CliRun.of("kexec", "load", dir.toString(), "--kernel", tmp.resolve("nope").toString()), 1,
                "does not exist");
        Path big = tmp.resolve("big-kernel");
        try (OutputStream o = Files.newOutputStream(big)) {
            o.write(new byte[20 << 20]);
        }
        assertOneLineError(CliRun.of("kexec", "load", dir.toString(), "--kernel", big.toString()), 1,
                "does not fit in crashkernel 16M@16M", "nothing was changed");
        assertOneLineError(CliRun.of("kexec", "load", dir.toString(), "--cmdline", "x".repeat(1000)), 1,
                "command line");
        assertThat(sha256(dir.resolve("storage.img"))).isEqualTo(before);
        assertThat(CliRun.of("machine", "show", dir.toString()).out()).contains("PASS");
        Path none = tmp.resolve("nock");
        assertThat(CliRun.of("machine", "create", none.toString(), "--storage", "32M", "--crashkernel", "none",
                "--workload", "zero").exit()).isZero();
        assertOneLineError(CliRun.of("kexec", "load", none.toString()), 1, "no crashkernel");
    }

    @Test
    void lockedMachineIsOneLineExitOne() {
        Path dir = copy(loaded);
        try (MachineLock lock = MachineDirectory.open(dir).lock()) {
            assertOneLineError(CliRun.of("kexec", "load", dir.toString()), 1, "locked");
            assertOneLineError(CliRun.of("kexec", "unload", dir.toString()), 1, "locked");
            assertOneLineError(CliRun.of("inject", dir.toString(), "meminfo-magic"), 1, "locked");
            assertThat(lock.isValid()).isTrue();
        }
    }

    // -- inject -----------------------------------------------------------------------------------

    @Test
    void listShowsEveryKindWithItsVerdict() {
        CliRun r = CliRun.of("inject", "--list");
        assertThat(r.exit()).isZero();
        for (Corruption c : Corruption.values()) {
            assertThat(r.out()).containsPattern("(?m)^" + c.kindName() + " +" + java.util.regex.Pattern.quote(
                    c.expectedText()));
        }
        CliRun j = CliRun.of("inject", "--list", "--json");
        List<Object> kinds = MiniJson.array(MiniJson.parse(j.out()));
        assertThat(kinds).hasSize(Corruption.values().length);
        assertThat(MiniJson.object(kinds.get(0))).containsEntry("kind", "meminfo-pointer-zero")
                .containsEntry("code", 0x4520L);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Corruption.class, names = {"MEMINFO_CHECKSUM_FIELD", "SEGMENT_TABLE_COUNT_17",
        "SEGMENT_BITFLIP_KERNEL", "CONTROL_USER_PAGE"})
    void injectPrintsChangesAndTheVerdict(Corruption kind) {
        Path dir = copy(loaded);
        CliRun r = CliRun.of("inject", dir.toString(), kind.kindName(), "--seed", "4", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o).containsEntry("kind", kind.kindName()).containsEntry("seed", 4L).containsEntry("as_expected", true);
        assertThat(MiniJson.array(o.get("changes"))).isNotEmpty();
        assertThat(MiniJson.object(o.get("verdict"))).containsEntry("passed", kind.isControl());
        CliRun show = CliRun.of("machine", "show", dir.toString());
        assertThat(show.out()).contains("verdict      " + (kind.isControl() ? "PASS"
                : String.format("FAIL 0x%04X", kind.expected().orElseThrow().code())));
    }

    @Test
    void injectTextNamesAddressesAndExpectation() {
        Path dir = copy(loaded);
        CliRun r = CliRun.of("inject", dir.toString(), "segment-bitflip-initrd", "--seed", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("injected segment-bitflip-initrd into " + dir + " (seed 2): flipped bit")
                .containsPattern("(?m)^  0x[0-9A-F]{8}: [0-9a-f]{2} -> [0-9a-f]{2}$")
                .contains("expected: FAIL 0x4533 (segment corrupted)", "verdict:  FAIL 0x4533: segment 1 (initrd)");
    }

    @Test
    void injectRefusals() {
        Path dir = copy(bare);
        assertOneLineError(CliRun.of("inject", dir.toString(), "cosmic-ray"), 2, "unknown injection kind");
        assertOneLineError(CliRun.of("inject", dir.toString(), "segment-bitflip-kernel"), 1, "no kdump kernel");
        assertOneLineError(CliRun.of("inject", dir.toString()), 2, "KIND");
        assertOneLineError(CliRun.of("inject", dir.toString(), "meminfo-magic", "--seed", "z"), 2, "--seed");
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 20];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
