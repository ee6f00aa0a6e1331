package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.AttachedDevices;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuState;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link VolumeMount}: the copy keeps holes, the old volume is kept, a bad volume changes nothing. */
class VolumeMountTest {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    static final DeviceNumber TAPE = DeviceNumber.parse("0.0.0181");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    MachineDirectory machine;

    @BeforeEach
    void machine() throws Exception {
        machine = MachineDirectory.create(tmp.resolve("m"), MachineConfig.of(16 * Sizes.MIB, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390, 3));
            AttachedDevices.attach(machine, lock, new AttachedDevice(TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    Sizes.MIB));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theCopyHasTheSameBytesAndKeepsAllZeroBlocksAsHoles(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Path from = tmp.resolve("from");
        long size = VolumeMount.COPY_BLOCK * (8L + r.nextInt(8)) + r.nextInt(VolumeMount.COPY_BLOCK);
        try (FileChannel ch = FileChannel.open(from, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] data = new byte[1000];
            for (int i = 0; i < 3; i++) {
                r.nextBytes(data);
                ch.write(ByteBuffer.wrap(data), r.nextLong(size - data.length));
            }
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
        Path to = tmp.resolve("to");
        VolumeMount.copySparse(from, to);
        assertThat(Files.size(to)).as("seed %d", seed).isEqualTo(Files.size(from));
        assertThat(Files.readAllBytes(to)).as("seed %d", seed).isEqualTo(Files.readAllBytes(from));
        long allocated = allocatedBlocks(to) * 512;
        assertThat(allocated).as("seed %d: at most the 3 written blocks (each may span 2) and the last", seed)
                .isLessThanOrEqualTo(7L * VolumeMount.COPY_BLOCK);
    }

    /** Blocks (512 bytes each, as {@code stat %b} counts them) the file system allocated for a file. */
    static long allocatedBlocks(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out);
    }

    @Test
    void aDasdOfAnotherSizeReplacesTheImageKeepsTheOldOneAndChangesTheCylinders() throws Exception {
        Path other = tmp.resolve("other.3390");
        io.sadump.device.ckd.EckdDasd.create(other, 5, "SPARE1").close();
        Path image = machine.deviceImage(machine.config().device(DASD).orElseThrow());
        byte[] old = Files.readAllBytes(image);
        VolumeMount.Result r;
        try (MachineLock lock = machine.lock()) {
            r = VolumeMount.mount(machine, lock, DASD, other, CLOCK);
        }
        assertThat(r.volume()).isEqualTo("3390 volume SPARE1, 5 cylinders");
        assertThat(r.previous()).contains(machine.devicesDir().resolve("unmounted")
                .resolve("0.0.0190-20261125-120000.3390"));
        assertThat(Files.readAllBytes(r.previous().orElseThrow())).isEqualTo(old);
        assertThat(Files.readAllBytes(image)).isEqualTo(Files.readAllBytes(other));
        MachineDirectory reopened = MachineDirectory.open(machine.path());
        assertThat(reopened.config().device(DASD).orElseThrow().capacity()).isEqualTo(5);
        assertThat(reopened.console()).last().asString().endsWith("HMC: mount 0.0.0190: other.3390 (3390 volume "
                + "SPARE1, 5 cylinders); the previous volume is kept as devices/unmounted/0.0.0190-20261125-120000.3390");
        try (var l = Files.list(machine.devicesDir())) {
            assertThat(l.map(p -> p.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("0.0.0190.3390", "0.0.0181.aws", "unmounted");
        }
    }

    @Test
    void aBadVolumeOrAnUnknownDeviceChangesNothing() throws Exception {
        Path truncated = tmp.resolve("t.aws");
        Files.write(truncated, new byte[] {10, 0, 0, 0, (byte) 0xA0, 0, 1, 2}); // says 10 bytes, has 2
        byte[] conf = Files.readAllBytes(machine.path().resolve(MachineDirectory.CONFIG));
        try (MachineLock lock = machine.lock()) {
            assertThatThrownBy(() -> VolumeMount.mount(machine, lock, TAPE, truncated, CLOCK))
                    .isInstanceOf(VolumeMount.VolumeFormatException.class)
                    .hasMessageStartingWith("cannot mount " + truncated + " on 0.0.0181 (3490 tape): ")
                    .hasMessageContaining("truncated");
            assertThatThrownBy(() -> VolumeMount.mount(machine, lock, DeviceNumber.parse("0.0.0200"), truncated,
                    CLOCK)).isInstanceOf(MachineException.class).hasMessageStartingWith("no device at 0.0.0200");
        }
        assertThat(Files.readAllBytes(machine.path().resolve(MachineDirectory.CONFIG))).isEqualTo(conf);
        assertThat(machine.devicesDir().resolve("unmounted")).doesNotExist();
        assertThat(machine.console()).isEmpty();
    }
}
