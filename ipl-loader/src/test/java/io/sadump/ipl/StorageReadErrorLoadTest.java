package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.MemoryFrames;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.MemorySource;
import io.sadump.machine.Sizes;
import io.sadump.machine.UnreadablePages;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Storage pages that cannot be read, through the full HMC load on every dump path: the dump goes on,
 * each page is named on the console and in the outcome, "Dump successful" still ends a complete
 * stand-alone dump, the s390 dumps hold the fill pattern there and the vmcore leaves the pages out;
 * every other byte equals storage at dump time.
 */
class StorageReadErrorLoadTest {
    static final long MIB = Sizes.MIB;
    static final int PAGE = UnreadablePages.PAGE_SIZE;
    static final DeviceNumber V0 = DeviceNumber.parse("0.0.0200");
    static final DeviceNumber V1 = DeviceNumber.parse("0.0.0201");

    @TempDir
    Path tmp;

    /**
     * Seeds per dump path: one by default; robustness/badpage.sh sets {@code sadump.badpage.loads} and
     * the first seed {@code sadump.badpage.seed}.
     */
    static java.util.stream.Stream<Long> seeds() {
        long first = Long.getLong("sadump.badpage.seed", 1);
        return java.util.stream.Stream.iterate(first, s -> s + 1).limit(Integer.getInteger("sadump.badpage.loads", 1));
    }

    /** 1-3 pages in {@code [from, to)}, drawn from the seed. */
    static List<Long> pages(long seed, long from, long to) {
        SplittableRandom r = new SplittableRandom(seed);
        TreeSet<Long> set = new TreeSet<>();
        int n = 1 + r.nextInt(3);
        while (set.size() < n) {
            set.add(from + r.nextLong((to - from) / PAGE) * PAGE);
        }
        return List.copyOf(set);
    }

    static void inject(TestMachine m, List<Long> pages, boolean breakMeminfo) {
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveUnreadablePages(lock, UnreadablePages.of(pages));
            if (breakMeminfo) {
                try (FileStorage s = m.machine.openStorage(lock)) {
                    s.putU64(Lowcore.MEMINFO_POINTER, 0);
                }
            }
        }
        for (long p : pages) {
            long mib = p & -MIB;
            if (!m.mibProbes.contains(mib)) {
                m.mibProbes.add(mib);
            }
        }
    }

    static List<String> errorLines(List<Long> pages, String prefix, String how) {
        return pages.stream().map(p -> String.format("%sStorage read error at 0x%016X: page not dumped (%s)", prefix, p,
                how)).toList();
    }

    /** The dump equals storage at dump time in every MiB but those of bad pages, and there byte for byte but the pages. */
    static void assertMarkedDump(TestMachine m, MemorySource dump, List<Long> pages, String what) throws IOException {
        MebibyteDigests.Comparison c = m.atDump.compare(dump);
        assertThat(c.absent()).as(what).isEmpty();
        assertThat(c.different()).as(what).containsExactlyElementsOf(
                pages.stream().map(p -> p / MIB).distinct().toList());
        byte[] got = new byte[(int) MIB];
        for (long mib : m.mibProbes) {
            dump.read(mib, got, 0, got.length);
            byte[] want = m.mibBytes.get(mib).clone();
            for (long p : pages) {
                if ((p & -MIB) == mib) {
                    MemoryFrames.fillUnreadable(p, want, (int) (p - mib), PAGE);
                }
            }
            assertThat(Arrays.mismatch(got, want)).as("%s: first differing byte in the MiB at 0x%X", what, mib)
                    .isEqualTo(-1);
        }
    }

    static void assertSaysSo(LoadOutcome o, List<Long> pages, String what) {
        assertThat(o.dumpComplete()).as(what).isTrue();
        assertThat(o.unreadablePages()).as(what).isEqualTo(pages);
        List<String> lines = errorLines(pages, "", "written as the fill pattern");
        assertThat(o.messages()).as(what).containsAll(lines);
        assertThat(o.messages()).as(what).contains(String.format("%d page%s (%d KiB) could not be read: uncorrectable "
                + "storage errors", pages.size(), pages.size() == 1 ? "" : "s", pages.size() * 4L));
        // the dump is complete, its holes marked: the dumper's last word is still success
        int success = o.messages().indexOf(IplLoader.DUMP_SUCCESSFUL);
        assertThat(success).as(what).isGreaterThan(o.messages().indexOf(lines.get(lines.size() - 1)));
    }

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void theSingleVolumeDasdDumpGoesOnAndMarksEachPage(long seed) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        List<Long> pages = pages(seed * 8 + 1, MIB, TestMachine.STORAGE);
        String what = "seed " + seed + " pages " + pages;
        inject(m, pages, true);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                IplLoaderTest.elf());
        assertThat(o.dumpFormat()).as(what).contains(DumpFormat.S390_EXT);
        assertSaysSo(o, pages, what);
        try (EckdDasd dasd = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                ReadBackDump dump = S390ExtDumpReader.open(dasd.dumpPartition(), "0.0.0190")) {
            assertThat(dump.complete()).isTrue();
            assertMarkedDump(m, dump.memory(), pages, what);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void theTapeDumpGoesOnAndMarksEachPage(long seed) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        List<Long> pages = pages(seed * 8 + 3, MIB, TestMachine.STORAGE);
        String what = "seed " + seed + " pages " + pages;
        inject(m, pages, true);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.TAPE, false, true, ""), c),
                IplLoaderTest.elf());
        assertThat(o.dumpFormat()).as(what).contains(DumpFormat.S390_TAPE);
        assertSaysSo(o, pages, what);
        try (TapeDrive tape = AttachedDevices.openTape(m.machine, TestMachine.TAPE);
                ReadBackDump dump = ClassicS390DumpReader.inspectTape(tape.dumpFile(S390DumpHeader::isDumpHeader),
                        "0.0.0181")) {
            assertThat(dump.complete()).isTrue();
            assertMarkedDump(m, dump.memory(), pages, what);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void theMultiVolumeDumpGoesOnAndMarksEachPage(long seed) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"), 128 * MIB);
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V0, AttachedDevice.DeviceType.DASD_3390, 60));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V1, AttachedDevice.DeviceType.DASD_3390, 200));
            try (EckdDasd d0 = AttachedDevices.openDasd(m.machine, lock, V0);
                    EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1)) {
                DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V0, d0),
                        new DumpDevicePreparer.Volume(V1, d1)), DumpToolOptions.defaults(),
                        Instant.parse("2026-11-25T10:00:00Z"));
            }
        }
        List<Long> pages = pages(seed * 8 + 4, MIB, 128 * MIB);
        String what = "seed " + seed + " pages " + pages;
        inject(m, pages, true);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(V0, false, true, ""), c), IplLoaderTest.elf());
        assertThat(o.dumpFormat()).as(what).contains(DumpFormat.S390_MV_EXT);
        assertThat(o.paths()).as(what).hasSize(2);
        assertSaysSo(o, pages, what);
        List<DumpBlockSource> sources = new ArrayList<>();
        for (DeviceNumber v : List.of(V0, V1)) {
            sources.add(AttachedDevices.openDasd(m.machine, v).dumpPartition().closingDasd());
        }
        try (ReadBackDump dump = S390ExtDumpReader.openMultiVolume(sources, List.of(V0.toString(), V1.toString()))) {
            assertMarkedDump(m, dump.memory(), pages, what);
        }
    }

    @org.junit.jupiter.api.Test
    void aDamagedPageIsWhereOldMemoryIsAfterTheSwap() {
        io.sadump.machine.AbsoluteStorage s = io.sadump.machine.AbsoluteStorage.inMemory(256 * MIB);
        CrashkernelRange ck = CrashkernelRange.parse("64M@96M");
        // in [0, size): the kdump kernel now, no part of old memory; in the crashkernel: old P - base;
        // between and above: the same address
        s.setUnreadablePages(UnreadablePages.of(List.of(0x10_0000L, 96 * MIB + 0x5000, 70 * MIB, 200 * MIB)));
        assertThat(KdumpKernel.unreadableOldPages(s, ck)).containsExactly(0x5000L, 70 * MIB, 200 * MIB);
        MemorySource old = KdumpKernel.oldMemory(s, ck);
        for (long p : List.of(0x5000L, 70 * MIB, 200 * MIB)) {
            assertThatThrownBy(() -> old.read(p, new byte[1], 0, 1)).isInstanceOf(MemoryAbsentException.class);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void theKdumpKernelLeavesEachPageOutOfTheVmcore(long seed) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        CrashkernelRange ck = m.machine.config().crashkernel().orElseThrow();
        // above the crashkernel, old memory is storage at the same addresses
        List<Long> pages = pages(seed * 8 + 5, ck.end(), TestMachine.STORAGE);
        String what = "seed " + seed + " pages " + pages;
        inject(m, pages, false);
        for (long p : pages) {
            m.probes.add(p - 16);
            m.probes.add(p + PAGE);
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                IplLoaderTest.elf());
        assertThat(o.dumpFormat()).as(what).contains(DumpFormat.ELF);
        assertThat(o.dumpComplete()).as(what).isTrue();
        assertThat(o.unreadablePages()).as(what).isEqualTo(pages);
        assertThat(o.messages()).as(what).containsAll(errorLines(pages, "kdump: ", "left out of the vmcore"));
        Path vmcore = Path.of(o.paths().get(0));
        try (ReadBackDump core = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(vmcore)), vmcore.toString())) {
            MemorySource mem = core.memory();
            MebibyteDigests.Comparison c = m.atDump.compare(mem);
            assertThat(c.different()).as(what).isEmpty();
            List<Long> absent = new ArrayList<>();
            for (long f = ck.base() / MIB; f < ck.end() / MIB; f++) {
                absent.add(f);
            }
            pages.stream().map(p -> p / MIB).distinct().forEach(absent::add);
            assertThat(c.absent()).as(what).containsExactlyElementsOf(absent);
            byte[] b = new byte[16];
            for (long p : pages) {
                assertThatThrownBy(() -> mem.read(p, b, 0, 1)).as(what).isInstanceOf(MemoryAbsentException.class);
                assertThatThrownBy(() -> mem.read(p + PAGE - 1, b, 0, 1)).as(what)
                        .isInstanceOf(MemoryAbsentException.class);
                for (long a : List.of(p - 16, p + PAGE)) {
                    if (pages.contains(a & -PAGE) || a >= TestMachine.STORAGE) {
                        continue;
                    }
                    mem.read(a, b, 0, 16);
                    assertThat(b).as("%s: 0x%X", what, a).isEqualTo(m.probeBytes.get(a));
                }
            }
        }
    }
}
