package io.sadump.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.tape.TapeDrive;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuState;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachedDevicesTest {
    @TempDir
    Path dir;

    @Test
    void parsesDeviceSpecsWithDefaults() {
        assertThat(AttachedDevices.parseDasd("0.0.0190")).isEqualTo(new AttachedDevice(DeviceNumber.parse("190"),
                AttachedDevice.DeviceType.DASD_3390, 3339));
        assertThat(AttachedDevices.parseDasd("191:100").capacity()).isEqualTo(100);
        assertThat(AttachedDevices.parseTape("181")).isEqualTo(new AttachedDevice(DeviceNumber.parse("181"),
                AttachedDevice.DeviceType.TAPE_3490, 800L << 20));
        assertThat(AttachedDevices.parseTape("0.0.0182:2G").capacity()).isEqualTo(2L << 30);
        assertThatThrownBy(() -> AttachedDevices.parseDasd("190:0")).hasMessageContaining("1..65520");
        assertThatThrownBy(() -> AttachedDevices.parseDasd("190:x")).hasMessageContaining("not a cylinder count");
        assertThatThrownBy(() -> AttachedDevices.parseDasd("190:1:2")).hasMessageContaining("DEVNO:CYLINDERS");
        assertThatThrownBy(() -> AttachedDevices.parseTape("zz")).hasMessageContaining("not a device number");
        assertThatThrownBy(() -> AttachedDevices.parseTape("181:1K")).hasMessageContaining("at least 64K");
    }

    @Test
    void attachCreatesImagesAndOpenFindsThemByNumber() throws Exception {
        MachineDirectory m = MachineDirectory.create(dir.resolve("m"), MachineConfig.of(16 << 20, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        try (MachineLock lock = m.lock()) {
            Path d = AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("190:2"));
            Path t = AttachedDevices.attach(m, lock, AttachedDevices.parseTape("181:1M"));
            assertThat(d).isEqualTo(m.devicesDir().resolve("0.0.0190.3390"));
            assertThat(t).isEqualTo(m.devicesDir().resolve("0.0.0181.aws"));
            assertThat(Files.size(t)).isZero();
            assertThatThrownBy(() -> AttachedDevices.attach(m, lock, AttachedDevices.parseTape("190")))
                    .isInstanceOf(MachineException.class).hasMessageContaining("already attached");
            try (EckdDasd dasd = AttachedDevices.openDasd(m, lock, DeviceNumber.parse("190"))) {
                assertThat(dasd.name()).isEqualTo("0.0.0190");
                assertThat(dasd.volser()).isEqualTo("SD0190");
                assertThat(dasd.geometry().cylinders()).isEqualTo(2);
            }
            try (TapeDrive tape = AttachedDevices.openTape(m, lock, DeviceNumber.parse("181"))) {
                assertThat(tape.capacity()).isEqualTo(1 << 20);
                tape.writeBlock(new byte[10]);
            }
        }
        MachineDirectory again = MachineDirectory.open(dir.resolve("m"));
        assertThat(again.config().devices()).hasSize(2);
        try (TapeDrive tape = AttachedDevices.openTape(again, DeviceNumber.parse("181"))) {
            assertThat(tape.readBlock().length()).isEqualTo(10);
            assertThatThrownBy(() -> tape.writeTapemark()).isInstanceOf(WriteProtectedException.class);
        }
        try (EckdDasd dasd = AttachedDevices.openDasd(again, DeviceNumber.parse("190"))) {
            assertThat(dasd.readIplRecord()).hasSize(24);
        }
        try (TapeDrive tape = AttachedDevices.openTape(again, DeviceNumber.parse("181"))) {
            assertThat(tape.readIplRecord()).hasSize(10);
        }
        assertThatThrownBy(() -> AttachedDevices.openDasd(again, DeviceNumber.parse("181")))
                .isInstanceOf(MachineException.class).hasMessageContaining("is a 3490 tape, not a 3390 DASD");
        assertThatThrownBy(() -> AttachedDevices.openTape(again, DeviceNumber.parse("1a0")))
                .hasMessageContaining("not attached").hasMessageContaining("0.0.0181 3490");
    }

    /** A kill during {@code dumpdev prepare} leaves the undo record; the next writable open puts the tracks back. */
    @Test
    void aPreparationCutShortIsUndoneByTheNextWritableOpen() throws Exception {
        MachineDirectory m = MachineDirectory.create(dir.resolve("k"), MachineConfig.of(16 << 20, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        DeviceNumber n = DeviceNumber.parse("190");
        try (MachineLock lock = m.lock()) {
            Path image = AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("190:2"));
            byte[] before = Files.readAllBytes(image);
            long end;
            try (EckdDasd dasd = AttachedDevices.openDasd(m, lock, n)) {
                end = io.sadump.device.dumptool.DumpDevicePreparer.rewrittenBytes(dasd);
            }
            io.sadump.machine.output.RangeUndoRecord.save(image, 0, Math.toIntExact(end));
            // the preparation's first writes, then the kill: track 0 and part of track 1 changed
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[70000]).put(0, (byte) 0x5A), 1000);
            }
            assertThat(Files.readAllBytes(image)).isNotEqualTo(before);

            try (EckdDasd dasd = AttachedDevices.openDasd(m, lock, n)) {
                assertThat(dasd.volser()).isEqualTo("SD0190");
            }
            assertThat(Files.readAllBytes(image)).isEqualTo(before);
            assertThat(io.sadump.machine.output.RangeUndoRecord.recordOf(image)).doesNotExist();
        }
    }

    @Test
    void createImageForAConfiguredDevice() throws Exception {
        AttachedDevice dasd = AttachedDevices.parseDasd("0.1.0200:1");
        MachineConfig cfg = MachineConfig.of(16 << 20, 1, Optional.empty()).withDevices(List.of(dasd));
        MachineDirectory m = MachineDirectory.create(dir.resolve("m2"), cfg, List.of(CpuState.reset(0)));
        Path img = AttachedDevices.createImage(m, dasd);
        assertThat(img.getFileName().toString()).isEqualTo("0.1.0200.3390");
        assertThatThrownBy(() -> AttachedDevices.createImage(m, dasd)).isInstanceOf(DeviceException.class)
                .hasMessageContaining("exists");
    }
}
