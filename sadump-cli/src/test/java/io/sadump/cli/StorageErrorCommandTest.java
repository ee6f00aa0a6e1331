package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.UnreadablePages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sadump inject --storage-error} and what {@code hmc load} then says: the pages on the console,
 * the "Storage:" line and {@code unreadable_pages} in the JSON, for the vmcore and the stand-alone dump;
 * {@code zgetdump -i} shows the vmcore's holes in its memory map.
 */
class StorageErrorCommandTest {
    @TempDir
    Path tmp;

    String dir;

    @BeforeEach
    void machine() throws Exception {
        Path d = tmp.resolve("sys1");
        dir = d.toString();
        assertThat(CliRun.of("machine", "create", dir, "--storage", "128M", "--workload", "zero").exit()).isZero();
        MachineDirectory m = MachineDirectory.open(d);
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0190:300"));
        }
        assertThat(CliRun.of("dumpdev", "prepare", dir, "0.0.0190").exit()).isZero();
        assertThat(CliRun.of("kexec", "load", dir).exit()).isZero();
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
    }

    @Test
    void injectAddsPagesToTheMachineAndClearRemovesThem() {
        CliRun r = CliRun.of("inject", dir, "--storage-error", "0x6001234", "--storage-error", "117440512");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("injected an uncorrectable storage error into " + dir
                + ": page 0x6001000-0x6001FFF cannot be read")
                .contains("page 0x7000000-0x7000FFF cannot be read")
                .contains("unreadable storage pages: 0x6001000 0x7000000");
        assertThat(MachineDirectory.open(Path.of(dir)).unreadablePages().pages()).containsExactly(0x6001000L,
                0x7000000L);
        CliRun j = CliRun.of("inject", dir, "--storage-error", "0x1000", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out()));
        assertThat(o.get("kind")).isEqualTo("storage-error");
        assertThat(MiniJson.array(o.get("unreadable_pages"))).containsExactly("0x1000", "0x6001000", "0x7000000");
        assertThat(CliRun.of("hmc", dir, "messages").out()).contains("inject: 3 storage pages unreadable");

        CliRun c = CliRun.of("inject", dir, "--clear-storage-errors");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("cleared 3 unreadable storage pages").contains("unreadable storage pages: none");
        assertThat(Files.exists(Path.of(dir, MachineDirectory.STORAGE_ERRORS))).isFalse();
    }

    @Test
    void wrongStorageErrorsAreOneLineUsageErrors() {
        ProductionCommandsTest.assertOneLineError(CliRun.of("inject", dir, "--storage-error", "0x8000000"), 2,
                "outside the storage");
        ProductionCommandsTest.assertOneLineError(CliRun.of("inject", dir, "--storage-error", "page"), 2,
                "--storage-error", "not a number");
        ProductionCommandsTest.assertOneLineError(CliRun.of("inject", dir, "meminfo-magic", "--storage-error", "0"),
                2, "no KIND");
        ProductionCommandsTest.assertOneLineError(CliRun.of("inject", "--storage-error", "0"), 2, "DIR");
    }

    @Test
    void aBrokenStorageErrorsFileIsOneLineNamingIt() throws Exception {
        Files.writeString(Path.of(dir, MachineDirectory.STORAGE_ERRORS), "pages = 0x1000 oops\n");
        ProductionCommandsTest.assertOneLineError(CliRun.of("hmc", dir, "load", "190", "--store-status"), 1,
                MachineDirectory.STORAGE_ERRORS, "line 1", "'oops'");
    }

    @Test
    void theVmcoreLeavesThePagesOutAndTheStandAloneDumpMarksThem() {
        assertThat(CliRun.of("inject", dir, "--storage-error", "0x6001000", "--storage-error", "0x7000000").exit())
                .isZero();
        CliRun r = CliRun.of("hmc", dir, "load", "190", "--store-status");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("kdump: Storage read error at 0x0000000006001000: page not dumped (left out of the vmcore)")
                .contains("kdump: Storage read error at 0x0000000007000000: page not dumped (left out of the vmcore)")
                .contains("kdump: 2 pages (8 KiB) could not be read: uncorrectable storage errors")
                .contains("Storage:  2 pages could not be read: 0x6001000, 0x7000000 (left out of the vmcore)");
        String vmcore = r.out().lines().filter(l -> l.startsWith("Dump:     vmcore ")).findFirst().orElseThrow()
                .replaceAll("^Dump:     vmcore (\\S+) .*$", "$1");
        CliRun info = CliRun.of("zgetdump", "-i", vmcore);
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("  0000000004000000 - 0000000006000fff")
                .contains("  0000000006002000 - 0000000006ffffff").contains("  0000000007001000 - 0000000007ffffff");
        CliRun infoJson = CliRun.of("zgetdump", "-i", "--json", vmcore);
        assertThat(infoJson.exit()).as(infoJson.err()).isZero();
        List<Object> map = MiniJson.array(MiniJson.object(MiniJson.parse(infoJson.out())).get("memoryMap"));
        assertThat(map).anySatisfy(e -> assertThat(MiniJson.object(e).get("lastHex")).isEqualTo("0000000006000fff"));

        // the re-IPLed system keeps its damaged pages; a broken kernel segment sends the next load to the DASD
        assertThat(CliRun.of("inject", dir, "segment-bitflip-kernel", "--seed", "3").exit()).isZero();
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        CliRun j = CliRun.of("hmc", dir, "load", "0.0.0190", "--store-status", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out()));
        Map<String, Object> dump = MiniJson.object(o.get("dump"));
        assertThat(dump.get("kind")).isEqualTo("s390_ext");
        assertThat(dump.get("complete")).isEqualTo(true);
        assertThat(MiniJson.array(dump.get("unreadable_pages"))).containsExactly("0x6001000", "0x7000000");
        List<Object> messages = MiniJson.array(o.get("messages"));
        assertThat(messages).contains(
                "Storage read error at 0x0000000006001000: page not dumped (written as the fill pattern)",
                "Storage read error at 0x0000000007000000: page not dumped (written as the fill pattern)",
                "Dump successful");
        assertThat(messages.indexOf("Dump successful")).isGreaterThan(messages.indexOf(
                "Storage read error at 0x0000000007000000: page not dumped (written as the fill pattern)"));
        assertThat(UnreadablePages.parse("pages = 0x6001000 0x7000000").count()).isEqualTo(2);
    }
}
