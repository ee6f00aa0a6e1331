package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AttachedDevice;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** info.json's "machine": the machine directory's configuration, else the dump's own facts. */
class MachineFactsTest {
    static final long SIZE = 16 * TestDumps.MIB;
    static TestDumps.System system;

    @TempDir
    Path dir;

    @BeforeAll
    static void boot() {
        system = TestDumps.boot(SIZE, 2, 5);
    }

    @Test
    void aDumpInAMachineDirectoryGetsTheMachinesConfiguration() throws IOException {
        Path m = dir.resolve("sys1");
        MachineConfig cfg = MachineConfig.of(SIZE, 2, Optional.of(new CrashkernelRange(4 * TestDumps.MIB,
                4 * TestDumps.MIB))).withDevices(List.of(new AttachedDevice(DeviceNumber.parse("0.0.0190"),
                AttachedDevice.DeviceType.DASD_3390, 100)));
        MachineDirectory.create(m, cfg, system.cpus());
        Path dump = Files.createDirectories(m.resolve(MachineDirectory.VMCORE)).resolve("dump.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), dump);
        try (OpenedDump d = DumpOpener.open(List.of(dump))) {
            MachineFacts f = MachineFacts.of(d, DumpInfo.of(d));
            assertThat(f.origin()).isEqualTo("machine directory");
            assertThat(f.directory()).contains(m.toAbsolutePath().normalize());
            assertThat(f.storageSize()).isEqualTo(SIZE);
            assertThat(f.cpuCount()).isEqualTo(2);
            assertThat(f.crashkernel()).contains(new CrashkernelRange(4 * TestDumps.MIB, 4 * TestDumps.MIB));
            assertThat(f.devices()).containsExactly(new MachineFacts.Device("0.0.0190", "3390", 100));
            assertThat(f.dumpconf()).isPresent();
            assertThat(f.toJson()).contains("\"origin\": \"machine directory\"").contains("\"storage\": \"16M\"")
                    .contains("\"device\": \"0.0.0190\"");
        }
    }

    @Test
    void elsewhereTheDumpsOwnFactsAreUsed() throws IOException {
        Path dump = dir.resolve("dump.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), dump);
        try (OpenedDump d = DumpOpener.open(List.of(dump))) {
            MachineFacts f = MachineFacts.of(d, DumpInfo.of(d));
            assertThat(f.origin()).isEqualTo("dump");
            assertThat(f.directory()).isEmpty();
            assertThat(f.storageSize()).isEqualTo(SIZE);
            assertThat(f.cpuCount()).isEqualTo(2);
            // TestDumps.boot reserves max(8 MiB, a quarter of storage) at the same address; os_info says so
            assertThat(f.crashkernel()).contains(new CrashkernelRange(8 * TestDumps.MIB, 8 * TestDumps.MIB));
            assertThat(f.crashkernelTrusted()).isTrue();
            assertThat(f.toJson()).contains("\"origin\": \"dump\"").contains("\"dumpconf\": null")
                    .contains("\"trusted\": true");
        }
    }

    /** A crashkernel range from a meminfo page that fails its checksum is shown, and marked. */
    @Test
    void aDamagedMeminfoPageGivesAnUntrustedCrashkernel() throws IOException {
        TestDumps.System damaged = TestDumps.boot(SIZE, 2, 5);
        long body = FirstKernelLayout.MEMINFO_PAGE + 0x200;
        damaged.storage().putU8(body, damaged.storage().u8(body) ^ 0x04);
        Path dump = dir.resolve("damaged.s390");
        TestDumps.classicFile(damaged.memory(), damaged.metadata(), dump);
        try (OpenedDump d = DumpOpener.open(List.of(dump))) {
            DumpInfo info = DumpInfo.of(d);
            MachineFacts f = MachineFacts.of(d, info);
            assertThat(f.crashkernel()).contains(new CrashkernelRange(8 * TestDumps.MIB, 8 * TestDumps.MIB));
            assertThat(f.crashkernelTrusted()).isFalse();
            assertThat(f.toJson()).contains("\"trusted\": false");
            assertThat(info.uts().unverified()).contains("meminfo checksum failed");
            assertThat(DumpInfoJson.of(info)).contains("\"utsTrusted\": false")
                    .contains("\"utsUnverified\": \"meminfo checksum failed\"");
        }
    }

    @Test
    void infoJsonHoldsTheMachine() throws IOException {
        Path dump = dir.resolve("dump.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), dump);
        Path a = dir.resolve("a.tar");
        try (OpenedDump d = DumpOpener.open(List.of(dump))) {
            DumpArchiveWriter.create(d, d.dump().memory(), d.dump().metadata(), DumpInfo.of(d), a, new DumpArchiveWriter.Options(
                    ArchiveCompression.NONE, 0, Optional.empty(), Optional.empty(), 1,
                    io.sadump.dump.DumpProgressListener.NONE, Optional.empty()));
        }
        String tar = new String(Files.readAllBytes(a), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(tar).contains("\"machine\": {\"origin\": \"dump\"");
    }
}
