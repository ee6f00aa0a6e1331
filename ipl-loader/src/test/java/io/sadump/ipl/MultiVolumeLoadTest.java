package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.DumpFormat;
import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fallback dump of an XMULT64 tool spreads over the volumes of its table and reads back equal. */
class MultiVolumeLoadTest {
    static final DeviceNumber V0 = DeviceNumber.parse("0.0.0200");
    static final DeviceNumber V1 = DeviceNumber.parse("0.0.0201");

    @TempDir
    Path tmp;

    @Test
    void theDumpSpansTwoVolumesAndReadsBackEqual() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"), 128 * Sizes.MIB);
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V0, AttachedDevice.DeviceType.DASD_3390, 60));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V1, AttachedDevice.DeviceType.DASD_3390, 200));
            try (EckdDasd d0 = AttachedDevices.openDasd(m.machine, lock, V0);
                    EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1)) {
                DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V0, d0),
                        new DumpDevicePreparer.Volume(V1, d1)), DumpToolOptions.defaults(), Instant.now());
            }
            try (FileStorage s = m.machine.openStorage(lock)) {
                s.putU64(Lowcore.MEMINFO_POINTER, 0);
            }
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(V0, false, true, ""), c),
                new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE));
        assertThat(o.messages()).anyMatch(s -> s.contains("dump tool XMULT64 v2 (multi-volume DASD, 2 volumes"));
        assertThat(o.dumpFormat()).contains(DumpFormat.S390_MV_EXT);
        assertThat(o.dumpWord()).isEqualTo("s390_ext");
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        assertThat(o.paths()).containsExactly("0.0.0200", "0.0.0201");

        List<DumpBlockSource> sources = new ArrayList<>();
        for (DeviceNumber v : List.of(V0, V1)) {
            EckdDasd d = AttachedDevices.openDasd(m.machine, v);
            sources.add(d.dumpPartition().closingDasd());
        }
        try (ReadBackDump dump = S390ExtDumpReader.openMultiVolume(sources, List.of("0.0.0200", "0.0.0201"))) {
            MebibyteDigests.Comparison c = m.atDump.compare(dump.memory());
            assertThat(c.different()).isEmpty();
            assertThat(c.absent()).isEmpty();
        }
    }
}
