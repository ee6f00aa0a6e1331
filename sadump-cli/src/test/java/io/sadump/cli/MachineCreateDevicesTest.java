package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code machine create --dasd/--tape}: devices attached with their images, or nothing created. */
class MachineCreateDevicesTest {
    @TempDir
    Path tmp;

    @Test
    void attachesDasdAndTapeWithTheirImages() throws Exception {
        Path dir = tmp.resolve("sys");
        CliRun r = CliRun.of("machine", "create", dir.toString(), "--storage", "64M", "--workload", "zero",
                "--dasd", "190:20", "--dasd", "0.0.0191", "--tape", "181:64M");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("attached 3390 DASD at 0.0.0190 (20 cylinders)")
                .contains("attached 3390 DASD at 0.0.0191 (3339 cylinders)").contains("attached 3490 tape at 0.0.0181 (64M)");
        MachineDirectory m = MachineDirectory.open(dir);
        assertThat(m.config().devices()).extracting(AttachedDevice::number).containsExactly(
                DeviceNumber.parse("181"), DeviceNumber.parse("190"), DeviceNumber.parse("191"));
        assertThat(dir.resolve("devices/0.0.0190.3390")).isRegularFile();
        assertThat(dir.resolve("devices/0.0.0191.3390")).isRegularFile();
        assertThat(dir.resolve("devices/0.0.0181.aws")).isRegularFile();
        // the DASD really is a prepared-able 3390 of that size
        CliRun prep = CliRun.of("dumpdev", "prepare", dir.toString(), "190");
        assertThat(prep.exit()).as(prep.err()).isZero();
    }

    @Test
    void aDeviceNumberGivenTwiceCreatesNothing() {
        Path dir = tmp.resolve("twice");
        CliRun r = CliRun.of("machine", "create", dir.toString(), "--storage", "64M", "--dasd", "190",
                "--tape", "0.0.0190");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("sadump machine create: device 0.0.0190 is attached twice\n");
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void aBadDeviceSpecIsOneLine() {
        CliRun r = CliRun.of("machine", "create", tmp.resolve("bad").toString(), "--dasd", "xyz:9");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("sadump machine create: ").doesNotContain("\n");
    }
}
