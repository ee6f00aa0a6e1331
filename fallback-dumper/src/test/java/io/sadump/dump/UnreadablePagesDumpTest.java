package io.sadump.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.TestMemory.Workload;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpResult;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.UnreadablePages;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Storage pages that cannot be read, met by every dump writer: the s390 formats go on and hold the
 * fill pattern there, the ELF core (from the readable part, as the kdump kernel writes it) leaves them
 * out; every other byte equals storage.
 */
class UnreadablePagesDumpTest {
    static final long MIB = TestMemory.MIB;
    static final long SIZE = 32 * MIB;
    static final int PAGE = UnreadablePages.PAGE_SIZE;
    static final long TOD = 0xD5A0_1234_0000_0000L;

    enum Path390 { EXT_PLAIN, EXT_ZLIB, MULTI_VOLUME, TAPE }

    @TempDir
    Path tmp;

    /** Seeds per path: 3 by default; robustness/badpage.sh sets {@code sadump.badpage.seeds} and {@code .seed}. */
    static Stream<Long> seeds() {
        long first = Long.getLong("sadump.badpage.seed", 1);
        return Stream.iterate(first, s -> s + 1).limit(Integer.getInteger("sadump.badpage.seeds", 3));
    }

    static Stream<Arguments> runs() {
        List<Arguments> list = new ArrayList<>();
        for (Path390 p : Path390.values()) {
            seeds().forEach(seed -> list.add(Arguments.of(p, seed)));
        }
        return list.stream();
    }

    /** 1-3 pages, drawn from the seed: anywhere in storage, written or not, sometimes two in one MiB. */
    static List<Long> badPages(SplittableRandom r) {
        TreeSet<Long> pages = new TreeSet<>();
        int n = 1 + r.nextInt(3);
        while (pages.size() < n) {
            long p = r.nextLong(SIZE / PAGE) * PAGE;
            pages.add(p);
            if (r.nextInt(4) == 0 && pages.size() < n) {
                pages.add(((p / MIB) * MIB) + r.nextLong(MIB / PAGE) * PAGE);
            }
        }
        return List.copyOf(pages);
    }

    static S390DumpSettings settings(boolean compress) {
        return S390DumpSettings.defaults().withCompression(compress).withFixedTod(TOD).withThreads(2);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void theS390DumpGoesOnAndHoldsTheFillPatternOnEachUnreadablePage(Path390 path, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 7919 + path.ordinal());
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, SIZE, seed);
        List<Long> bad = badPages(r);
        storage.setUnreadablePages(UnreadablePages.of(bad));
        DumpMetadata meta = DumpMetadata.of(TestMemory.cpus(storage, 2, seed), java.util.Optional.empty());
        StorageMemorySource src = new StorageMemorySource(storage);
        String what = path + " seed " + seed + " pages " + hex(bad);

        S390DumpResult result;
        ReadBackDump dump;
        switch (path) {
            case EXT_PLAIN, EXT_ZLIB -> {
                MemoryVolume vol = new MemoryVolume(100_000);
                result = new S390ExtDumpWriter(settings(path == Path390.EXT_ZLIB)).write(src, meta, vol);
                dump = S390ExtDumpReader.open(vol.source(), "v");
            }
            case MULTI_VOLUME -> {
                List<MemoryVolume> vols = List.of(new MemoryVolume(256 * 12 + 3), new MemoryVolume(100_000));
                result = new S390ExtDumpWriter(settings(false)).writeMultiVolume(src, meta, List.copyOf(vols),
                        (1_700_000_000L << 20) + 1);
                dump = S390ExtDumpReader.openMultiVolume(vols.stream().map(MemoryVolume::source).toList(),
                        List.of("0.0.0190", "0.0.0191"));
            }
            default -> {
                MemoryTape tape = new MemoryTape(1L << 40);
                tape.writeBlock(new byte[24], 0, 24);
                result = new ClassicS390DumpWriter(settings(false)).writeTape(src, meta, tape);
                dump = ClassicS390DumpReader.openTape(tape.file(1), "tape");
            }
        }
        try (dump) {
            assertThat(result.unreadablePages()).as(what).isEqualTo(bad);
            assertThat(dump.complete()).as(what).isTrue();
            assertEqualsStorageMarked(dump.memory(), storage, bad, what);
        }
    }

    /** Every MiB of the dump equals storage, except that each bad page holds the fill pattern. */
    static void assertEqualsStorageMarked(MemorySource dumped, AbsoluteStorage storage, List<Long> bad, String what)
            throws IOException {
        byte[] got = new byte[(int) MIB];
        for (long a = 0; a < SIZE; a += MIB) {
            dumped.readFilled(a, got, 0, got.length);
            byte[] want = storage.bytes(a, (int) MIB);
            for (long p : bad) {
                if (p >= a && p < a + MIB) {
                    MemoryFrames.fillUnreadable(p, want, (int) (p - a), PAGE);
                }
            }
            if (!Arrays.equals(got, want)) {
                int i = Arrays.mismatch(got, want);
                throw new AssertionError(String.format("%s: byte 0x%X differs", what, a + i));
            }
        }
    }

    @Test
    void theFillPatternNamesThePageEverySixteenBytes() {
        byte[] b = new byte[PAGE];
        MemoryFrames.fillUnreadable(0x1234_5000L, b, 0, PAGE);
        for (int i = 0; i < PAGE; i += 16) {
            assertThat(new String(b, i, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAGEERR!");
            assertThat(ByteBuffer.wrap(b, i + 8, 8).getLong()).isEqualTo(0x1234_5000L);
        }
        // a part of a page gets the same bytes at the same offsets
        byte[] part = new byte[100];
        MemoryFrames.fillUnreadable(0x1234_5000L + 20, part, 0, 100);
        assertThat(part).isEqualTo(Arrays.copyOfRange(b, 20, 120));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theElfCoreOfTheReadablePartLeavesEachUnreadablePageOut(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 31);
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, SIZE, seed);
        List<Long> bad = badPages(r);
        storage.setUnreadablePages(UnreadablePages.of(bad));
        DumpMetadata meta = DumpMetadata.of(TestMemory.cpus(storage, 2, seed), java.util.Optional.empty());
        MemorySource readable = new StorageMemorySource(storage).readablePart();
        Path file = tmp.resolve("core-" + seed);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(readable, meta, out);
        }
        String what = "seed " + seed + " pages " + hex(bad);
        try (ReadBackDump dump = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), "core")) {
            MemorySource m = dump.memory();
            byte[] got = new byte[PAGE];
            for (long a = 0; a < SIZE; a += PAGE) {
                long page = a;
                if (bad.contains(page)) {
                    assertThatThrownBy(() -> m.read(page, got, 0, 1)).as(what).isInstanceOf(MemoryAbsentException.class);
                    continue;
                }
                m.read(a, got, 0, PAGE);
                assertThat(got).as("%s: page 0x%X", what, a).isEqualTo(storage.bytes(a, PAGE));
            }
        }
    }

    static String hex(List<Long> pages) {
        return pages.stream().map(p -> String.format("0x%X", p)).toList().toString();
    }
}
