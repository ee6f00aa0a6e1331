package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.MemoryVolume;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TestMemory;
import io.sadump.dump.TestMemory.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S390MultiVolumeTest {
    static final long MIB = TestMemory.MIB;
    static final long TOD = 0xD5A0_1234_0000_0000L;
    static final long ZIPL_TIME = (1_700_000_000L << 20) + 123;

    static S390DumpSettings settings() {
        return S390DumpSettings.defaults().withCompression(false).withFixedTod(TOD);
    }

    static List<MemoryVolume> volumes(int count, long capacityBlocks) {
        List<MemoryVolume> v = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            v.add(new MemoryVolume(capacityBlocks));
        }
        return v;
    }

    static List<DumpBlockSource> sources(List<MemoryVolume> v) {
        return v.stream().map(MemoryVolume::source).toList();
    }

    static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("0.0.019" + i);
        }
        return names;
    }

    /** Random memory (every frame data): a volume of 256*k + 3 blocks holds exactly k MiB. */
    @ParameterizedTest(name = "{0} volumes of {1} MiB")
    @CsvSource({"2, 12", "3, 10", "3, 9"})
    void randomMemorySplitsExactlyByTheDumpersFreeSpaceRule(int count, int mibPerVolume) throws IOException {
        long size = 24 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, size, 40 + count);
        List<CpuState> cpus = TestMemory.cpus(storage, 2, 40);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        List<MemoryVolume> vols = volumes(count, 256L * mibPerVolume + 3);
        List<Integer> started = new ArrayList<>();
        DumpProgressListener l = new DumpProgressListener() {
            @Override
            public void volumeStarted(int volumeNumber, int volumeCount) {
                started.add(volumeNumber);
            }
        };
        S390DumpResult r = new S390ExtDumpWriter(settings().withListener(l))
                .writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME);

        assertThat(r.volumesUsed()).isEqualTo(count);
        assertThat(started).hasSize(count);
        for (int i = 0; i < count; i++) {
            S390DumpHeader h = S390DumpHeader.read(ByteBuffer.wrap(vols.get(i).bytes()));
            assertThat(h.volumeNumber()).isEqualTo(i);
            assertThat(h.multiVolume()).isEqualTo(1);
            assertThat(h.multiVolumeSignature()).isEqualTo(S390DumpHeader.MAGIC_EXT);
            assertThat(h.multiVolumeZiplTime()).isEqualTo(ZIPL_TIME);
            assertThat(h.memSize()).isEqualTo(size);
            assertThat(h.isCompressed()).isFalse();
            // the end marker only on the last volume
            byte[] b = vols.get(i).bytes();
            long em = ByteBuffer.wrap(b).getLong(b.length - 4096);
            assertThat(em == S390EndMarker.MAGIC).as("end marker on volume %d", i).isEqualTo(i == count - 1);
        }
        try (ReadBackDump dump = S390ExtDumpReader.openMultiVolume(sources(vols), names(count))) {
            assertThat(dump.format()).isEqualTo(DumpFormat.S390_MV_EXT);
            assertThat(TestMemory.digests(dump.memory(), size)).isEqualTo(TestMemory.digests(storage, size));
            assertThat(dump.metadata().cpus()).isEqualTo(cpus);
        }
    }

    @ParameterizedTest(name = "{0} volumes")
    @CsvSource({"2", "3"})
    void mixedMemoryOverSeveralVolumes(int count) throws IOException {
        long size = 64 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, size, 77 + count);
        long dataMib = storage.writtenFrames().writtenCount();
        // room for the data plus segment headers and slack, spread over count volumes but not fewer
        long perVolume = (dataMib + count * 3L) / count + 2;
        List<MemoryVolume> vols = volumes(count, perVolume * 256);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        S390DumpResult r = new S390ExtDumpWriter(settings()).writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME);
        assertThat(r.volumesUsed()).isBetween(2, count);
        ReadBackDump dump = S390ExtDumpReader.inspectMultiVolume(sources(vols), names(count));
        assertThat(dump.problem()).isEmpty();
        assertThat(TestMemory.digests(dump.memory(), size)).isEqualTo(TestMemory.digests(storage, size));
    }

    @Test
    void runningOutOfVolumesIsDeviceTooSmallAndIncomplete() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 24 * MIB, 5);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> vols = volumes(2, 256L * 10 + 3);
        assertThatThrownBy(() -> new S390ExtDumpWriter(settings()).writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME))
                .isInstanceOf(DumpDeviceFullException.class)
                .hasMessageContaining("all 2 volumes are full")
                .satisfies(e -> assertThat(((DumpDeviceFullException) e).addressReached()).isEqualTo(20 * MIB));
        ReadBackDump dump = S390ExtDumpReader.inspectMultiVolume(sources(vols), names(2));
        assertThat(dump.complete()).isFalse();
        assertThat(dump.problem().orElseThrow()).contains("stop marker");
        assertThatThrownBy(() -> S390ExtDumpReader.openMultiVolume(sources(vols), names(2)))
                .isInstanceOf(IncompleteDumpException.class);
    }

    @Test
    void volumeWithoutSignatureMakesTheDumpIncomplete() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 24 * MIB, 6);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> vols = volumes(3, 256L * 10 + 3);
        new S390ExtDumpWriter(settings()).writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME);
        byte[] v1 = vols.get(1).bytes();
        ByteBuffer.wrap(v1).putLong(S390DumpHeader.OFF_MVDUMP_SIGN, 0);
        List<DumpBlockSource> src2 = List.of(vols.get(0).source(), DumpBlockSource.ofBytes(v1), vols.get(2).source());
        ReadBackDump dump = S390ExtDumpReader.inspectMultiVolume(src2, names(3));
        assertThat(dump.complete()).isFalse();
        assertThat(dump.problem().orElseThrow()).contains("signature");
    }

    @Test
    void volumeFromAnotherDumpDoesNotTakePart() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 24 * MIB, 9);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> older = volumes(3, 256L * 10 + 3);
        new S390ExtDumpWriter(settings().withFixedTod(TOD - (1L << 40))).writeMultiVolume(src, srcMeta, List.copyOf(older),
                ZIPL_TIME);
        List<MemoryVolume> newer = volumes(3, 256L * 10 + 3);
        new S390ExtDumpWriter(settings()).writeMultiVolume(src, srcMeta, List.copyOf(newer), ZIPL_TIME);
        // volume 2 still holds the older dump's data: its header TOD differs, so it is not read
        List<DumpBlockSource> mixed = List.of(newer.get(0).source(), newer.get(1).source(), older.get(2).source());
        ReadBackDump dump = S390ExtDumpReader.inspectMultiVolume(mixed, names(3));
        assertThat(dump.complete()).isFalse();
    }

    @Test
    void compressionIsNotUsedForMultiVolumeDumps() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 16 * MIB, 10);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> vols = volumes(2, 100_000);
        S390DumpResult r = new S390ExtDumpWriter(settings().withCompression(true))
                .writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME);
        assertThat(r.header().isCompressed()).isFalse();
        assertThat(r.volumesUsed()).isEqualTo(1);
        assertThat(S390ExtDumpReader.openMultiVolume(sources(vols), names(2)).complete()).isTrue();
    }

    @Test
    void volumesAreOpenedOnlyWhenTheDumpReachesThemAndAFailedCheckStopsIt() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 24 * MIB, 14);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> vols = volumes(3, 256L * 10 + 3);
        List<Integer> opened = new ArrayList<>();
        io.sadump.dump.DumpVolumes checked = new io.sadump.dump.DumpVolumes() {
            @Override
            public int count() {
                return 3;
            }

            @Override
            public io.sadump.machine.channel.DumpBlockSink open(int index) throws IOException {
                opened.add(index);
                if (index == 1) {
                    throw new IOException("volume 1: Inconsistent time stamps (0x4605)");
                }
                return vols.get(index);
            }
        };
        assertThatThrownBy(() -> new S390ExtDumpWriter(settings()).writeMultiVolume(src, srcMeta, checked, ZIPL_TIME))
                .hasMessageContaining("0x4605");
        assertThat(opened).containsExactly(0, 1);
        assertThat(vols.get(2).bytesWritten()).isZero();
        assertThat(S390ExtDumpReader.inspectMultiVolume(sources(vols), names(3)).complete()).isFalse();

        // a small dump only opens the first volume
        opened.clear();
        AbsoluteStorage small = TestMemory.storage(Workload.RANDOM, 4 * MIB, 15);
        new S390ExtDumpWriter(settings()).writeMultiVolume(new StorageMemorySource(small), DumpMetadata.none(),
                checked, ZIPL_TIME);
        assertThat(opened).containsExactly(0);
    }

    @Test
    void sizeLimitOverVolumes() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 32 * MIB, 16);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<MemoryVolume> vols = volumes(2, 256L * 10 + 3);
        S390DumpResult r = new S390ExtDumpWriter(settings().withMemoryLimit(18 * MIB))
                .writeMultiVolume(src, srcMeta, List.copyOf(vols), ZIPL_TIME);
        assertThat(r.header().memSize()).isEqualTo(18 * MIB);
        assertThat(r.header().memSizeReal()).isEqualTo(32 * MIB);
        assertThat(r.volumesUsed()).isEqualTo(2);
        try (ReadBackDump dump = S390ExtDumpReader.openMultiVolume(sources(vols), names(2))) {
            assertThat(TestMemory.digests(dump.memory(), 18 * MIB)).isEqualTo(TestMemory.digests(storage, 18 * MIB));
        }
    }
}
