package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The multi-volume dumper checks a volume when the dump reaches it, as zipl's {@code eckd2dump_mv.c}
 * {@code dt_dump_mem} calls {@code check_volume} before each {@code write_volume}: the volumes before a
 * bad one are written when the dump stops with the bad volume's code, and a bad volume the dump never
 * reaches does not stop it.
 */
class MultiVolumeReachTest {
    static final DeviceNumber V0 = DeviceNumber.parse("0.0.0200");
    static final DeviceNumber V1 = DeviceNumber.parse("0.0.0201");
    static final DeviceNumber V2 = DeviceNumber.parse("0.0.0202");
    /** Cylinders that hold about 7 MiB of dump: the 128 MiB machine's data needs more than two of them. */
    static final int SMALL = 10;
    /** Cylinders that hold all of the 128 MiB machine. */
    static final int LARGE = 200;

    @TempDir
    Path tmp;

    /** What is wrong with the third volume. */
    enum BadVolume {
        /** Not defined to the machine: 0x4603. */
        UNDEFINED(DumpFailedException.DEVICE_UNDEFINED),
        /** Prepared again alone: its table has another time stamp, 0x4605. */
        OTHER_TIME_STAMP(DumpFailedException.INCONSISTENT_TIME),
        /** Its partition lost the signature zipl -M wrote: 0x4604. */
        NO_SIGNATURE(DumpFailedException.WRONG_SIGNATURE);

        final int code;

        BadVolume(int code) {
            this.code = code;
        }
    }

    @ParameterizedTest
    @EnumSource(BadVolume.class)
    void aBadThirdVolumeStopsTheDumpAfterTheFirstTwoAreWritten(BadVolume bad) throws IOException {
        TestMachine m = threeVolumes(SMALL, SMALL, bad);
        LoadOutcome o = loadV0(m);
        String why = why(bad, o);
        assertThat(o.dumpComplete()).as(why).isFalse();
        assertThat(o.dumpCode()).as(why).isEqualTo(bad.code);
        assertThat(o.messages()).as(why).anyMatch(s -> s.startsWith(String.format("Dump failed: 0x%04X", bad.code)))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));

        S390DumpHeader h0 = header(m, V0);
        S390DumpHeader h1 = header(m, V1);
        assertThat(h0.magic()).as(why).isEqualTo(S390DumpHeader.MAGIC_EXT);
        assertThat(h1.magic()).as(why).isEqualTo(S390DumpHeader.MAGIC_EXT);
        assertThat(h0.multiVolume()).as(why).isEqualTo(1);
        assertThat(h0.volumeNumber()).as(why).isZero();
        assertThat(h1.volumeNumber()).as(why).isEqualTo(1);
        assertThat(h1.tod()).as(why).isEqualTo(h0.tod());
        assertThat(h0.memSize()).as(why).isEqualTo(128 * Sizes.MIB);
        // the two written volumes hold a dump without an end: read back, it is incomplete
        try (ReadBackDump dump = inspect(m, List.of(V0, V1))) {
            assertThat(dump.complete()).as(why).isFalse();
            assertThat(dump.s390EndMarker()).as(why).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(BadVolume.class)
    void aBadVolumeTheDumpDoesNotReachDoesNotMatter(BadVolume bad) throws IOException {
        TestMachine m = threeVolumes(SMALL, LARGE, bad);
        LoadOutcome o = loadV0(m);
        assertThat(o.dumpComplete()).as(why(bad, o)).isTrue();
        assertThat(o.messages()).contains(IplLoader.DUMP_SUCCESSFUL);
        assertThat(o.paths()).containsExactly(V0.toString(), V1.toString());
        try (ReadBackDump dump = inspect(m, List.of(V0, V1))) {
            assertThat(dump.complete()).isTrue();
            MebibyteDigests.Comparison c = m.atDump.compare(dump.memory());
            assertThat(c.different()).isEmpty();
            assertThat(c.absent()).isEmpty();
        }
    }

    private static String why(BadVolume bad, LoadOutcome o) {
        return bad + "\n" + String.join("\n", o.messages());
    }

    /**
     * A 128 MiB machine (meminfo broken, so the load dumps) with 3390s 0200, 0201 and 0202 prepared as
     * one set, then 0202 made bad.
     */
    private TestMachine threeVolumes(int cyl0, int cyl1, BadVolume bad) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"), 128 * Sizes.MIB);
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V0, AttachedDevice.DeviceType.DASD_3390, cyl0));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V1, AttachedDevice.DeviceType.DASD_3390, cyl1));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V2, AttachedDevice.DeviceType.DASD_3390, LARGE));
            try (EckdDasd d0 = AttachedDevices.openDasd(m.machine, lock, V0);
                    EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1);
                    EckdDasd d2 = AttachedDevices.openDasd(m.machine, lock, V2)) {
                DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V0, d0),
                        new DumpDevicePreparer.Volume(V1, d1), new DumpDevicePreparer.Volume(V2, d2)),
                        DumpToolOptions.defaults(), Instant.parse("2026-11-25T10:00:00Z"));
                switch (bad) {
                    case OTHER_TIME_STAMP -> DumpDevicePreparer.prepareMultiVolume(
                            List.of(new DumpDevicePreparer.Volume(V2, d2)), DumpToolOptions.defaults(),
                            Instant.parse("2026-11-25T11:00:00Z"));
                    case NO_SIGNATURE -> {
                        byte[] block = d2.dumpPartition().readBlock(0);
                        ByteBuffer.wrap(block).putLong(DumpDevicePreparer.MV_SIGNATURE_OFFSET, 0);
                        d2.dumpPartition().writeBlocks(0, ByteBuffer.wrap(block));
                        d2.flush();
                        assertThat(DumpDevicePreparer.hasSignature(d2)).isFalse();
                    }
                    case UNDEFINED -> { }
                }
            }
            if (bad == BadVolume.UNDEFINED) {
                MachineConfig cfg = m.machine.config();
                m.machine.saveConfig(lock, cfg.withDevices(cfg.devices().stream()
                        .filter(d -> !d.number().equals(V2)).toList()));
            }
            try (FileStorage s = m.machine.openStorage(lock)) {
                s.putU64(Lowcore.MEMINFO_POINTER, 0);
            }
        }
        return m;
    }

    private static LoadOutcome loadV0(TestMachine m) throws IOException {
        return m.run((l, c) -> l.load(new LoadRequest(V0, false, true, ""), c),
                new ElfVmcoreWriter(DumpProgressListener.NONE));
    }

    private static S390DumpHeader header(TestMachine m, DeviceNumber v) throws IOException {
        try (EckdDasd d = AttachedDevices.openDasd(m.machine, v)) {
            return S390DumpHeader.read(ByteBuffer.wrap(d.dumpPartition().readBlock(0)));
        }
    }

    private static ReadBackDump inspect(TestMachine m, List<DeviceNumber> volumes) throws IOException {
        List<DumpBlockSource> sources = new ArrayList<>();
        for (DeviceNumber v : volumes) {
            sources.add(AttachedDevices.openDasd(m.machine, v).dumpPartition().closingDasd());
        }
        return S390ExtDumpReader.inspectMultiVolume(sources, volumes.stream().map(DeviceNumber::toString).toList());
    }
}
