package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.MemoryVolume;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TestMemory;
import io.sadump.dump.TestMemory.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class S390ExtRoundTripTest {
    static final long MIB = TestMemory.MIB;
    static final long TOD = 0xD5A0_0000_0000_0000L;

    static Stream<Arguments> workloads() {
        List<Arguments> list = new ArrayList<>();
        long seed = 0x1234;
        for (Workload w : Workload.values()) {
            for (boolean compress : new boolean[] {false, true}) {
                list.add(Arguments.of(w, compress, seed++));
            }
        }
        return list.stream();
    }

    static S390DumpSettings settings(boolean compress) {
        return S390DumpSettings.defaults().withCompression(compress).withFixedTod(TOD).withThreads(2);
    }

    /**
     * On a sink written in units of 12 blocks (a 3390 track), an uncompressed dump's writes end on a
     * unit except where a segment ends (then the next write starts inside that unit), and the volume
     * holds the same bytes as one written block by block.
     */
    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("plainWorkloads")
    void plainWritesEndOnTheSinksUnit(Workload w, long seed) throws IOException {
        long size = 40 * MIB;
        AbsoluteStorage storage = TestMemory.storage(w, size, seed);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata meta = DumpMetadata.of(TestMemory.cpus(storage, 2, seed), Optional.empty());
        MemoryVolume plain = new MemoryVolume(100_000);
        List<long[]> writes = new ArrayList<>();
        MemoryVolume tracks = new MemoryVolume(100_000);
        DumpBlockSink tracked = new DumpBlockSink() {
            @Override
            public void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException {
                writes.add(new long[] {firstBlock, blockCount});
                tracks.writeBlocks(firstBlock, buf, off, blockCount);
            }

            @Override
            public long capacityBlocks() {
                return tracks.capacityBlocks();
            }

            @Override
            public int writeUnitBlocks() {
                return 12;
            }
        };
        new S390ExtDumpWriter(settings(false)).write(src, meta, plain);
        new S390ExtDumpWriter(settings(false)).write(src, meta, tracked);

        assertThat(tracks.bytes()).as("seed %d", seed).isEqualTo(plain.bytes());
        int segmentEnds = 0;
        for (int i = 0; i + 1 < writes.size(); i++) {
            long end = writes.get(i)[0] + writes.get(i)[1];
            assertThat(writes.get(i + 1)[0]).as("seed %d: writes are sequential", seed).isEqualTo(end);
            if (end % 12 != 0) {
                segmentEnds++;
            }
        }
        long segments = src.chunks().stream().filter(c -> c.kind() == MemoryChunk.Kind.DATA).count();
        assertThat(segmentEnds).as("seed %d: writes ending inside a track", seed).isLessThanOrEqualTo((int) segments + 2);
    }

    static Stream<Arguments> plainWorkloads() {
        return Stream.of(Workload.values()).map(w -> Arguments.of(w, 0x5150L + w.ordinal()));
    }

    @ParameterizedTest(name = "{0} compress={1} seed={2}")
    @MethodSource("workloads")
    void singleVolumeRoundTrip(Workload w, boolean compress, long seed) throws IOException {
        long size = 48 * MIB;
        AbsoluteStorage storage = TestMemory.storage(w, size, seed);
        List<CpuState> cpus = TestMemory.cpus(storage, 3, seed);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        MemoryVolume vol = new MemoryVolume(100_000);

        S390DumpResult result = new S390ExtDumpWriter(settings(compress)).write(src, srcMeta, vol);

        assertThat(result.header().memSize()).isEqualTo(size);
        assertThat(result.header().isCompressed()).isEqualTo(compress);
        assertThat(result.header().prefixes()).containsExactly(0x20000, 0x22000, 0x24000);
        try (ReadBackDump dump = S390ExtDumpReader.open(vol.source(), "vol0")) {
            assertThat(dump.complete()).isTrue();
            assertThat(TestMemory.digests(dump.memory(), size)).as("seed %d", seed).isEqualTo(TestMemory.digests(storage, size));
            assertThat(dump.metadata().cpus()).isEqualTo(cpus);
            assertThat(dump.s390Header()).contains(result.header());
            assertThat(dump.s390EndMarker()).contains(result.endMarker());
            long zeroFrames = (size / MIB) - storage.writtenFrames().writtenCount();
            long zeroInDump = dump.memory().chunks().stream().filter(c -> c.kind() == MemoryChunk.Kind.ZERO)
                    .mapToLong(MemoryChunk::size).sum();
            // every never-written frame beyond the first MiB is skipped (the first MiB is always written when compressed)
            assertThat(zeroInDump).isGreaterThanOrEqualTo((zeroFrames - 1) * MIB);
        }
        if (w == Workload.RANDOM && compress) {
            assertThat(result.storedEntries()).as("random data is stored, not compressed").isEqualTo(size / MIB - 1);
        }
        if (w == Workload.MIXED && compress) {
            assertThat(result.compressedEntries()).isPositive();
            assertThat(result.dumpFileBytes()).isLessThan(storage.writtenFrames().writtenCount() * MIB);
        }
    }

    @Test
    void sameInputGivesByteIdenticalOutputWhateverTheThreads() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 64 * MIB, 99);
        List<CpuState> cpus = TestMemory.cpus(storage, 2, 99);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        byte[] first = null;
        for (int threads : new int[] {1, 2, 4, 2}) {
            MemoryVolume vol = new MemoryVolume(100_000);
            new S390ExtDumpWriter(settings(true).withThreads(threads)).write(src, srcMeta, vol);
            if (first == null) {
                first = vol.bytes();
            } else {
                assertThat(TestMemory.sha(vol.bytes())).as("threads=%d", threads).isEqualTo(TestMemory.sha(first));
            }
        }
    }

    @Test
    void compressionThreadsReadingTheirOwnFramesGiveTheSameBytes() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 64 * MIB, 98);
        StorageMemorySource src = new StorageMemorySource(storage);
        MemoryVolume serial = new MemoryVolume(100_000);
        new S390ExtDumpWriter(settings(true)).write(src, DumpMetadata.none(), serial);
        for (int threads : new int[] {1, 2, 3}) {
            MemoryVolume parallel = new MemoryVolume(100_000);
            new S390ExtDumpWriter(settings(true).withThreads(threads).withParallelReads(true))
                    .write(src, DumpMetadata.none(), parallel);
            assertThat(TestMemory.sha(parallel.bytes())).as("threads=%d", threads).isEqualTo(TestMemory.sha(serial.bytes()));
        }
    }

    @Test
    void aFailedReadOnACompressionThreadReachesTheCallerAsItWasThrown() {
        IOException broken = new IOException("storage file went away");
        io.sadump.machine.MemorySource src = io.sadump.machine.MemorySource.of(List.of(
                MemoryChunk.data(0, 8 * MIB, (offset, dst, off, len) -> {
                    if (offset >= 5 * MIB) {
                        throw broken;
                    }
                    java.util.Arrays.fill(dst, off, off + len, (byte) 'x');
                })), 8 * MIB);
        assertThatThrownBy(() -> new S390ExtDumpWriter(settings(true).withParallelReads(true))
                .write(src, DumpMetadata.none(), new MemoryVolume(10_000))).isSameAs(broken);
    }

    @Test
    void uncompressedLayoutIsTheDumpersLayout() throws IOException {
        // frames 0, 1, 5 written: segment [0, 2 MiB) then segment [5 MiB, 6 MiB) with the stop marker
        AbsoluteStorage storage = AbsoluteStorage.inMemory(8 * MIB);
        storage.putU64(0x100, 0x1111);
        storage.putU64(MIB + 8, 0x2222);
        storage.putU64(5 * MIB + 16, 0x3333);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryVolume vol = new MemoryVolume(10_000);
        S390DumpResult r = new S390ExtDumpWriter(settings(false)).write(src, srcMeta, vol);
        byte[] b = vol.bytes();
        assertThat(b.length).isEqualTo(4096 + 4096 + 2 * (int) MIB + 4096 + (int) MIB + 4096);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        bb.position(4096);
        S390SegmentHeader s1 = S390SegmentHeader.read(bb);
        assertThat(s1).isEqualTo(S390SegmentHeader.plain(0, 2 * MIB, false));
        bb.position(4096 + 4096 + 2 * (int) MIB);
        S390SegmentHeader s2 = S390SegmentHeader.read(bb);
        assertThat(s2).isEqualTo(S390SegmentHeader.plain(5 * MIB, MIB, true));
        bb.position(b.length - 4096);
        assertThat(S390EndMarker.read(bb)).isEqualTo(r.endMarker());
        assertThat(r.endMarker().isValidFor(r.header())).isTrue();
        assertThat(r.blocksPerVolume()).containsExactly((long) b.length / 4096);
        assertThat(r.dumpFileBytes()).isEqualTo(3 * MIB);
    }

    @Test
    void compressedLayoutStoresTheFirstMibUncompressedAndMarksStoredEntries() throws IOException {
        AbsoluteStorage storage = AbsoluteStorage.inMemory(8 * MIB);
        byte[] random = new byte[(int) MIB];
        new java.util.SplittableRandom(7).nextBytes(random);
        storage.write(2 * MIB, random); // incompressible: stored
        storage.write(3 * MIB, new byte[(int) MIB]); // written zeros: compressed
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryVolume vol = new MemoryVolume(10_000);
        S390DumpResult r = new S390ExtDumpWriter(settings(true)).write(src, srcMeta, vol);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(vol.bytes());
        S390DumpHeader h = S390DumpHeader.read(bb);
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.zlibVersion()).isEqualTo(1);
        assertThat(h.zlibEntrySize()).isEqualTo(1 << 20);
        S390SegmentHeader first = S390SegmentHeader.read(bb);
        assertThat(first).isEqualTo(S390SegmentHeader.plain(0, MIB, false));
        bb.position(bb.position() + (int) MIB);
        S390SegmentHeader second = S390SegmentHeader.read(bb);
        assertThat(second.start()).isEqualTo(2 * MIB);
        assertThat(second.length()).isEqualTo(2 * MIB);
        assertThat(second.isLast()).isTrue();
        int[] e = second.entryOffsets();
        assertThat(e).hasSize(2);
        assertThat(e[0]).isEqualTo(0 | S390SegmentHeader.ENTRY_UNCOMPRESSED);
        assertThat(e[1]).isEqualTo(256);
        assertThat(second.sizeOnDisk()).isGreaterThan(256).isLessThan(260);
        assertThat(r.storedEntries()).isEqualTo(1);
        assertThat(r.compressedEntries()).isEqualTo(1);
        // the compressed entry is one zlib stream: header byte 0x78 (deflate, 32K window)
        byte[] b = vol.bytes();
        int entry1 = 4096 + 4096 + (int) MIB + 4096 + 256 * 4096;
        assertThat(b[entry1] & 0xFF).isEqualTo(0x78);
        try (ReadBackDump dump = S390ExtDumpReader.open(vol.source(), "v")) {
            assertThat(TestMemory.digests(dump.memory(), 8 * MIB)).isEqualTo(TestMemory.digests(storage, 8 * MIB));
        }
    }

    @Test
    void sizeLimitDumpsOnlyTheLimitAndSaysBothSizes() throws IOException {
        long size = 32 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, size, 5);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        for (boolean compress : new boolean[] {false, true}) {
            MemoryVolume vol = new MemoryVolume(100_000);
            S390DumpResult r = new S390ExtDumpWriter(settings(compress).withMemoryLimit(20 * MIB)).write(src, srcMeta, vol);
            assertThat(r.header().memSize()).isEqualTo(20 * MIB);
            assertThat(r.header().memSizeReal()).isEqualTo(size);
            assertThat(r.header().numPages()).isEqualTo((int) (20 * MIB / 4096));
            try (ReadBackDump dump = S390ExtDumpReader.open(vol.source(), "v")) {
                assertThat(dump.memory().memorySize()).isEqualTo(size);
                assertThat(TestMemory.digests(dump.memory(), 20 * MIB)).isEqualTo(TestMemory.digests(storage, 20 * MIB));
                assertThat(dump.memory().chunks().get(dump.memory().chunks().size() - 1).end()).isEqualTo(20 * MIB);
                assertThatThrownBy(() -> dump.memory().read(20 * MIB, new byte[1], 0, 1))
                        .isInstanceOf(io.sadump.machine.MemoryAbsentException.class);
            }
        }
    }

    @Test
    void allZeroMemoryGivesOneEmptyStopSegment() throws IOException {
        AbsoluteStorage storage = AbsoluteStorage.inMemory(16 * MIB);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryVolume vol = new MemoryVolume(100);
        new S390ExtDumpWriter(settings(false)).write(src, srcMeta, vol);
        assertThat(vol.bytesWritten()).isEqualTo(3 * 4096);
        try (ReadBackDump dump = S390ExtDumpReader.open(vol.source(), "v")) {
            assertThat(dump.memory().chunks()).hasSize(1);
            assertThat(dump.memory().chunks().get(0).kind()).isEqualTo(MemoryChunk.Kind.ZERO);
            assertThat(dump.memory().chunks().get(0).size()).isEqualTo(16 * MIB);
        }
    }

    @Test
    void fullDeviceThrowsAndLeavesAnIncompleteDump() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 16 * MIB, 11);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        for (boolean compress : new boolean[] {false, true}) {
            MemoryVolume vol = new MemoryVolume(8 * 256);
            assertThatThrownBy(() -> new S390ExtDumpWriter(settings(compress)).write(src, srcMeta, vol))
                    .isInstanceOf(DumpDeviceFullException.class)
                    .hasMessageContaining("too small");
            ReadBackDump dump = S390ExtDumpReader.inspect(vol.source(), "v");
            assertThat(dump.complete()).isFalse();
            assertThat(dump.problem()).isPresent();
            assertThatThrownBy(() -> S390ExtDumpReader.open(vol.source(), "v")).isInstanceOf(IncompleteDumpException.class);
        }
    }

    @Test
    void truncatedFileIsIncompleteAtEveryCut() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 24 * MIB, 21);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        for (boolean compress : new boolean[] {false, true}) {
            MemoryVolume vol = new MemoryVolume(100_000);
            new S390ExtDumpWriter(settings(compress)).write(src, srcMeta, vol);
            long full = vol.bytesWritten();
            assertThat(S390ExtDumpReader.inspect(vol.fileSource(), "f").complete()).isTrue();
            java.util.SplittableRandom r = new java.util.SplittableRandom(21);
            for (int i = 0; i < 20; i++) {
                long cut = 4096 + r.nextLong(full - 2 * 4096 + 16);
                ReadBackDump dump = S390ExtDumpReader.inspect(vol.truncatedSource(cut), "f");
                assertThat(dump.complete()).as("cut at %d of %d, compress=%s", cut, full, compress).isFalse();
            }
            // the marker is the first 16 bytes of the last block: cutting inside it is incomplete,
            // cutting only the block's padding is not (zgetdump reads 16 bytes too)
            assertThat(S390ExtDumpReader.inspect(vol.truncatedSource(full - 4096 + 15), "f").complete()).isFalse();
            assertThat(S390ExtDumpReader.inspect(vol.truncatedSource(full - 4096 + 16), "f").complete()).isTrue();
        }
    }

    @Test
    void endMarkerOlderThanTheHeaderIsRejected() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 8 * MIB, 3);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryVolume vol = new MemoryVolume(100_000);
        long[] clock = {TOD, TOD - 1};
        int[] reads = {0};
        new S390ExtDumpWriter(settings(false).withTodClock(() -> clock[Math.min(reads[0]++, 1)])).write(src, srcMeta, vol);
        // the writer never goes backwards: the end TOD is clamped to the start TOD
        ReadBackDump good = S390ExtDumpReader.inspect(vol.source(), "v");
        assertThat(good.complete()).isTrue();
        assertThat(good.s390EndMarker().orElseThrow().tod()).isEqualTo(TOD);
        byte[] b = vol.bytes();
        java.nio.ByteBuffer.wrap(b).putLong(b.length - 4096 + 8, TOD - 1);
        ReadBackDump bad = S390ExtDumpReader.inspect(io.sadump.machine.channel.DumpBlockSource.ofBytes(b), "v");
        assertThat(bad.complete()).isFalse();
        assertThat(bad.problem().orElseThrow()).contains("end marker");
    }

    @Test
    void progressEventsReachTheEnd() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 16 * MIB, 8);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        List<long[]> events = new ArrayList<>();
        DumpProgressListener l = new DumpProgressListener() {
            @Override
            public void progress(long done, long total, long file) {
                events.add(new long[] {done, total, file});
            }
        };
        S390DumpResult r = new S390ExtDumpWriter(settings(true).withListener(l)).write(src, srcMeta, new MemoryVolume(100_000));
        assertThat(events).isNotEmpty();
        long[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo(16 * MIB);
        assertThat(last[1]).isEqualTo(16 * MIB);
        assertThat(last[2]).isEqualTo(r.dumpFileBytes());
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i)[0]).isGreaterThanOrEqualTo(events.get(i - 1)[0]);
        }
    }

    @Test
    void deviceIoErrorStopsTheDumpAndTheReaderSaysIncomplete() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 16 * MIB, 12);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        java.util.SplittableRandom r = new java.util.SplittableRandom(12);
        for (boolean compress : new boolean[] {false, true}) {
            for (int i = 0; i < 5; i++) {
                long block = 1 + r.nextLong(16 * 256);
                MemoryVolume vol = new MemoryVolume(100_000).failingAt(block);
                assertThatThrownBy(() -> new S390ExtDumpWriter(settings(compress)).write(src, srcMeta, vol))
                        .as("error at block %d compress=%s", block, compress)
                        .isInstanceOf(IOException.class).hasMessageContaining("injected");
                assertThat(S390ExtDumpReader.inspect(vol.source(), "v").complete()).isFalse();
            }
        }
    }

    @Test
    void elfCoreConvertsToS390ExtAndBack() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 32 * MIB, 13);
        List<CpuState> cpus = TestMemory.cpus(storage, 2, 13);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.of("OSRELEASE=x\n"));
        java.io.ByteArrayOutputStream elf = new java.io.ByteArrayOutputStream();
        new io.sadump.dump.elf.ElfCoreWriter(io.sadump.dump.elf.ElfCoreWriter.Options.defaults())
                .write(src, srcMeta, java.nio.channels.Channels.newChannel(elf));
        try (ReadBackDump core = io.sadump.dump.elf.ElfCoreReader.open(
                io.sadump.machine.channel.DumpBlockSource.ofBytes(elf.toByteArray()), "vmcore")) {
            MemoryVolume vol = new MemoryVolume(100_000);
            new S390ExtDumpWriter(settings(true)).write(core.memory(), core.metadata(), vol);
            try (ReadBackDump dump = S390ExtDumpReader.open(vol.source(), "converted")) {
                assertThat(TestMemory.digests(dump.memory(), 32 * MIB)).isEqualTo(TestMemory.digests(storage, 32 * MIB));
                assertThat(dump.metadata().cpus()).isEqualTo(cpus);
            }
        }
    }
}
