package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Write a kdump-compressed file, read it back: kept pages equal to the source, filtered pages absent,
 * zero pages zeros; the layout follows reference kdump-compressed.md §1.
 */
class KdumpCompressedRoundTripTest {
    static final long MIB = KdumpTestSystem.MIB;
    static final int PAGE = KdumpTestSystem.PAGE;

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        SplittableRandom seeds = new SplittableRandom(0x6b64756d70L);
        return Stream.of(PageCompression.values()).flatMap(c -> Stream.of(0, 1, 31)
                .map(level -> Arguments.of(c, level, seeds.nextLong())));
    }

    @ParameterizedTest(name = "{0} level {1} seed {2}")
    @MethodSource("cases")
    void keptPagesReadBackFilteredPagesAreAbsent(PageCompression c, int level, long seed) throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(24 * MIB, seed, 9 * MIB, 10 * MIB + 3 * PAGE);
        PageSelection sel = level <= 1 ? PresentPageSelection.of(s.memory, level, PAGE)
                : KdumpTestSystem.randomSelection(s.memory, level, 0.6, seed);
        Path file = dir.resolve("dump.kdump");
        KdumpCompressedWriter.Result r = s.writeFile(file, sel, KdumpCompressedWriter.Options.of(c).withThreads(2));
        String why = "seed " + seed + ", " + c + ", level " + level;
        assertThat(r.complete()).as(why).isTrue();
        assertThat(Files.size(file)).as(why).isEqualTo(r.fileSize());
        try (ReadBackDump d = KdumpCompressedReader.open(DumpBlockSource.of(FileChannel.open(file)), "dump")) {
            assertThat(d.format()).isEqualTo(DumpFormat.KDUMP);
            assertThat(d.metadata().vmcoreinfo()).contains(s.vmcoreinfo);
            assertThat(d.metadata().cpus()).as(why).isEqualTo(s.cpus);
            byte[] want = new byte[PAGE];
            byte[] got = new byte[PAGE];
            long kept = 0;
            for (long pfn = 0; pfn < sel.maxMapnr(); pfn++) {
                boolean present = pfn < 9 * MIB / PAGE || pfn >= (10 * MIB + 3 * PAGE) / PAGE;
                if (present && sel.kept(pfn)) {
                    kept++;
                    d.memory().read(pfn * PAGE, got, 0, PAGE);
                    s.storage.read(pfn * PAGE, want, 0, PAGE);
                    if (!Arrays.equals(want, got)) {
                        throw new AssertionError(why + ": pfn 0x" + Long.toHexString(pfn) + " differs");
                    }
                } else {
                    long a = pfn * PAGE;
                    assertThatThrownBy(() -> d.memory().read(a, got, 0, 1)).as("%s: pfn 0x%x", why, pfn)
                            .isInstanceOf(MemoryAbsentException.class);
                }
            }
            assertThat(r.dumpablePages()).as(why).isEqualTo(kept);
        }
        KdumpCompressedReader.Summary sum = KdumpCompressedReader.summary(DumpBlockSource.of(FileChannel.open(file)),
                "dump");
        assertThat(sum.dumpLevel()).isEqualTo(level);
        assertThat(sum.compression()).isEqualTo(c.word());
        assertThat(sum.presentPages()).isEqualTo(24 * MIB / PAGE - (MIB + 3 * PAGE) / PAGE);
        assertThat(sum.filteredPages()).isEqualTo(r.filteredPages());
        assertThat(sum.dumpablePages()).isEqualTo(r.dumpablePages());
    }

    /** §1.3's observed example: 2 092 bytes of notes (CORE 356 + VMCOREINFO 1 736). */
    @Test
    void subHeaderOffsetsMatchTheObservedMakedumpfileRun() throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(4 * MIB, 7, 0, 0);
        ByteBuffer notes = ByteBuffer.allocate(2092);
        new io.sadump.dump.elf.ElfNote("CORE", 1, new byte[336]).write(notes);
        String filler = "NUMBER(filler)=" + "7".repeat(1712 - s.vmcoreinfo.length() - 16) + "\n";
        byte[] text = (s.vmcoreinfo + filler).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(text).hasSize(1712);
        new io.sadump.dump.elf.ElfNote("VMCOREINFO", 0, text).write(notes);
        assertThat(notes.position()).isEqualTo(2092);
        Path file = dir.resolve("golden.kdump");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new KdumpCompressedWriter(KdumpCompressedWriter.Options.of(PageCompression.ZLIB)).write(s.memory,
                    s.metadata, KdumpNotes.copied(notes.array()), PresentPageSelection.of(s.memory, 1, PAGE),
                    new KdumpFileOutput(ch));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(new String(b.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("KDUMP   ");
        assertThat(b.getInt(8)).as("header_version").isEqualTo(6);
        assertThat(Arrays.copyOfRange(b.array(), 12, 12 + 390)).as("utsname from init_uts_ns")
                .isEqualTo(s.storage.bytes(KdumpTestSystem.UTS, 390));
        assertThat(new String(b.array(), 12 + 4 * 65, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("s390x");
        assertThat(b.getLong(408)).as("tv_sec = CRASHTIME").isEqualTo(1700000123L);
        assertThat(b.getLong(416)).as("tv_usec").isZero();
        assertThat(b.getInt(424)).as("status zlib").isEqualTo(1);
        assertThat(b.getInt(428)).as("block_size").isEqualTo(4096);
        assertThat(b.getInt(432)).as("sub_hdr_size").isEqualTo(1);
        long maxMapnr = 4 * MIB / PAGE;
        long m = 4096; // ceil(ceil(1024 / 8) / 4096) blocks of 4096
        assertThat(b.getInt(436)).as("bitmap_blocks").isEqualTo(2);
        assertThat(b.getInt(440)).as("max_mapnr").isEqualTo((int) maxMapnr);
        assertThat(b.getInt(460)).as("nr_cpus").isEqualTo(1);
        for (int i = 444; i < 460; i++) {
            assertThat(b.get(i)).isZero();
        }
        assertThat(b.getLong(4096 + 8) >>> 32).as("dump_level").isEqualTo(1);
        assertThat(b.getLong(4096 + 48)).as("offset_note").isEqualTo(0x1068);
        assertThat(b.getLong(4096 + 32)).as("offset_vmcoreinfo").isEqualTo(0x11e4);
        assertThat(b.getLong(4096 + 40)).as("size_vmcoreinfo").isEqualTo(1712);
        assertThat(b.getLong(4096 + 56)).as("size_note").isEqualTo(2092);
        assertThat(b.getLong(4096 + 96)).as("max_mapnr_64").isEqualTo(maxMapnr);
        assertThat(Arrays.copyOfRange(b.array(), 0x1068, 0x1068 + 2092)).isEqualTo(notes.array());
        // both bitmaps all ones for the 1024 present pages, then zeros
        long first = 2 * 4096;
        for (int i = 0; i < m; i++) {
            int want = i < maxMapnr / 8 ? 0xFF : 0;
            assertThat(b.get((int) (first + i)) & 0xFF).as("1st bitmap byte %d", i).isEqualTo(want);
            assertThat(b.get((int) (first + m + i)) & 0xFF).as("2nd bitmap byte %d", i).isEqualTo(want);
        }
        long descBase = first + 2 * m;
        long dataOff = descBase + 24 * maxMapnr;
        // the zero page first (§1.6), then the pages in pfn order; every zero page points at it
        byte[] page = new byte[PAGE];
        byte[] want = new byte[PAGE];
        long expectNext = dataOff + PAGE;
        Deflater z = new Deflater(1);
        byte[] out = new byte[2 * PAGE];
        for (long pfn = 0; pfn < maxMapnr; pfn++) {
            b.position((int) (descBase + 24 * pfn));
            PageDescriptor d = PageDescriptor.read(b);
            s.storage.read(pfn * PAGE, want, 0, PAGE);
            if (Arrays.equals(want, new byte[PAGE])) {
                assertThat(d).isEqualTo(new PageDescriptor(dataOff, PAGE, 0, 0));
                continue;
            }
            assertThat(d.offset()).as("pfn %d", pfn).isEqualTo(expectNext);
            z.reset();
            z.setInput(want);
            z.finish();
            int n = z.deflate(out);
            if (n < PAGE) {
                assertThat(d.flags()).isEqualTo(1);
                assertThat(Arrays.copyOfRange(b.array(), (int) d.offset(), (int) d.offset() + d.size()))
                        .isEqualTo(Arrays.copyOf(out, n));
            } else {
                assertThat(d.flags()).isZero();
                assertThat(d.size()).isEqualTo(PAGE);
                System.arraycopy(b.array(), (int) d.offset(), page, 0, PAGE);
                assertThat(page).isEqualTo(want);
            }
            expectNext += d.size();
        }
        z.end();
        assertThat(Files.size(file)).as("the file ends at the last data byte").isEqualTo(expectNext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void moreThreadsWriteTheSameBytes(PageCompression c, int level, long seed) throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(8 * MIB, seed, 0, 0);
        PageSelection sel = level <= 1 ? PresentPageSelection.of(s.memory, level, PAGE)
                : KdumpTestSystem.randomSelection(s.memory, level, 0.5, seed);
        s.writeFile(dir.resolve("one"), sel, KdumpCompressedWriter.Options.of(c).withThreads(1));
        s.writeFile(dir.resolve("three"), sel, KdumpCompressedWriter.Options.of(c).withThreads(3));
        s.writeFile(dir.resolve("parallel"), sel,
                KdumpCompressedWriter.Options.of(c).withThreads(3).withParallelReads(true));
        byte[] one = Files.readAllBytes(dir.resolve("one"));
        assertThat(Files.readAllBytes(dir.resolve("three"))).as("seed %d", seed).isEqualTo(one);
        assertThat(Files.readAllBytes(dir.resolve("parallel"))).as("seed %d, parallel reads", seed).isEqualTo(one);
    }

    /**
     * Without parallel reads the page threads read one batch at a time and in pfn order, as a streaming
     * source (a tape) needs; with them, the reads may overlap. Either way the file is the same.
     */
    @ParameterizedTest(name = "parallel reads {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void pageThreadsReadInOrderUnlessTheSourceAllowsParallelReads(boolean parallel) throws IOException {
        long seed = 0x5eed15L;
        KdumpTestSystem s = new KdumpTestSystem(16 * MIB, seed, 0, 0);
        java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostReaders = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong lastAddress = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicInteger backwards = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<io.sadump.machine.MemoryChunk> watched = new java.util.ArrayList<>();
        for (io.sadump.machine.MemoryChunk c : s.memory.chunks()) {
            long base = c.start();
            io.sadump.machine.MemoryChunk.Data d = c.data();
            watched.add(c.kind() == io.sadump.machine.MemoryChunk.Kind.ZERO ? c
                    : io.sadump.machine.MemoryChunk.data(c.start(), c.size(), (offset, dst, off, len) -> {
                        if (!Thread.currentThread().getName().equals("kdump-page-compression")) {
                            d.read(offset, dst, off, len); // the header's utsname, read before the pages
                            return;
                        }
                        mostReaders.accumulateAndGet(readers.incrementAndGet(), Math::max);
                        try {
                            if (lastAddress.getAndSet(base + offset) > base + offset) {
                                backwards.incrementAndGet();
                            }
                            Thread.sleep(1); // long enough for two threads to meet here
                            d.read(offset, dst, off, len);
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        } finally {
                            readers.decrementAndGet();
                        }
                    }));
        }
        io.sadump.machine.MemorySource memory = io.sadump.machine.MemorySource.of(watched, s.memory.memorySize());
        PageSelection sel = KdumpTestSystem.randomSelection(memory, 31, 0.5, seed);
        KdumpCompressedWriter.Options o = KdumpCompressedWriter.Options.of(PageCompression.ZSTD).withThreads(4)
                .withParallelReads(parallel);
        Path file = dir.resolve("watched.kdump");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new KdumpCompressedWriter(o).write(memory, s.metadata, KdumpNotes.built(s.metadata), sel,
                    new KdumpFileOutput(ch));
        }
        s.writeFile(dir.resolve("plain.kdump"), sel, KdumpCompressedWriter.Options.of(PageCompression.ZSTD).withThreads(1));
        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(dir.resolve("plain.kdump")));
        if (parallel) {
            assertThat(mostReaders.get()).as("readers at once").isGreaterThan(1);
        } else {
            assertThat(mostReaders.get()).as("readers at once").isEqualTo(1);
            assertThat(backwards.get()).as("reads that went back").isZero();
        }
    }

    @Test
    void aReadFailureOnAPageThreadKeepsItsTypeAndMessage() {
        KdumpTestSystem s = new KdumpTestSystem(8 * MIB, 21, 0, 0);
        long bad = 5 * MIB + 7 * PAGE;
        java.util.List<io.sadump.machine.MemoryChunk> failing = new java.util.ArrayList<>();
        for (io.sadump.machine.MemoryChunk c : s.memory.chunks()) {
            long base = c.start();
            io.sadump.machine.MemoryChunk.Data d = c.data();
            failing.add(io.sadump.machine.MemoryChunk.data(c.start(), c.size(), (offset, dst, off, len) -> {
                if (base + offset <= bad && bad < base + offset + len) {
                    throw new io.sadump.machine.StorageReadErrorException(bad);
                }
                d.read(offset, dst, off, len);
            }));
        }
        io.sadump.machine.MemorySource memory = io.sadump.machine.MemorySource.of(failing, s.memory.memorySize());
        PageSelection sel = PresentPageSelection.of(memory, 1, PAGE);
        Path file = dir.resolve("failed.kdump");
        assertThatThrownBy(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new KdumpCompressedWriter(KdumpCompressedWriter.Options.of(PageCompression.ZLIB).withThreads(2)
                        .withParallelReads(true)).write(memory, s.metadata, KdumpNotes.built(s.metadata), sel,
                                new KdumpFileOutput(ch));
            }
        }).isInstanceOf(io.sadump.machine.StorageReadErrorException.class)
                .hasMessage(new io.sadump.machine.StorageReadErrorException(bad).getMessage());
    }

    @Test
    void aFullOutputLeavesAnIncompleteDumpThatSaysSo() throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(16 * MIB, 11, 0, 0);
        PageSelection sel = PresentPageSelection.of(s.memory, 1, PAGE);
        Path file = dir.resolve("cut.kdump");
        KdumpCompressedWriter.Result r;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            r = new KdumpCompressedWriter(KdumpCompressedWriter.Options.of(PageCompression.ZLIB)).write(s.memory,
                    s.metadata, KdumpNotes.built(s.metadata), sel, new KdumpFileOutput(ch, 2 * MIB));
        }
        assertThat(r.complete()).isFalse();
        assertThat(r.status()).isEqualTo(0x9);
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).getInt(424)).isEqualTo(0x9);
        assertThatThrownBy(() -> KdumpCompressedReader.open(DumpBlockSource.of(FileChannel.open(file)), "cut"))
                .isInstanceOf(IncompleteDumpException.class).hasMessageContaining("incomplete");
        try (ReadBackDump d = KdumpCompressedReader.inspect(DumpBlockSource.of(FileChannel.open(file)), "cut")) {
            assertThat(d.complete()).isFalse();
            assertThat(d.problem().orElseThrow()).contains("never written");
            // what is there is right; what is not is absent
            long pages = 0;
            byte[] got = new byte[PAGE];
            byte[] want = new byte[PAGE];
            for (var c : d.memory().chunks()) {
                for (long a = c.start(); a < c.end(); a += PAGE) {
                    d.memory().read(a, got, 0, PAGE);
                    s.storage.read(a, want, 0, PAGE);
                    assertThat(got).as("0x%x", a).isEqualTo(want);
                    pages++;
                }
            }
            assertThat(pages).isPositive().isLessThan(16 * MIB / PAGE);
        }
        assertThat(KdumpCompressedReader.summary(DumpBlockSource.of(FileChannel.open(file)), "cut").unwrittenPages())
                .isPositive();
        // descriptors and data go out in pairs: every descriptor is either zero or points at data in the file
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(file));
        long descBase = (1 + f.getInt(432) + f.getInt(436)) * (long) PAGE;
        long zeroed = 0;
        for (long i = 0; i < r.dumpablePages(); i++) {
            f.position((int) (descBase + 24 * i));
            PageDescriptor d = PageDescriptor.read(f);
            if (d.unwritten()) {
                zeroed++;
            } else {
                assertThat(d.offset() + d.size()).as("descriptor %d", i).isLessThanOrEqualTo(f.capacity());
            }
        }
        assertThat(zeroed).isPositive();
    }

    @Test
    void aZeroedDescriptorInADumpThatClaimsToBeWholeIsAClearError() throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(4 * MIB, 12, 0, 0);
        Path file = dir.resolve("zeroed.kdump");
        s.writeFile(file, PresentPageSelection.of(s.memory, 0, PAGE),
                KdumpCompressedWriter.Options.of(PageCompression.NONE));
        long descBase = 4 * 4096; // header, 1 sub-header block, two bitmap blocks
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[24]), descBase + 24 * 5);
        }
        try (ReadBackDump d = KdumpCompressedReader.open(DumpBlockSource.of(FileChannel.open(file)), "zeroed")) {
            byte[] b = new byte[PAGE];
            d.memory().read(4 * PAGE, b, 0, PAGE);
            assertThatThrownBy(() -> d.memory().read(5 * PAGE, b, 0, PAGE)).isInstanceOf(DumpFormatException.class)
                    .hasMessageContaining("pfn 0x5 is zeroed");
        }
    }

    @Test
    void foreignBytesAreRefusedWithAReason() {
        byte[] junk = new byte[8192];
        System.arraycopy("KDUMP   ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, junk, 0, 8);
        ByteBuffer.wrap(junk).putInt(428, 0x00100000 >>> 8 & 0); // block size 0
        assertThatThrownBy(() -> KdumpCompressedReader.inspect(DumpBlockSource.ofBytes(junk), "junk"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("block size 0");
        assertThatThrownBy(() -> KdumpCompressedReader.inspect(DumpBlockSource.ofBytes(new byte[8192]), "zeros"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("not a kdump-compressed file");
    }

    @Test
    void levelsThatNeedTheFilterAreRefusedByThePresentPageSelection() {
        KdumpTestSystem s = new KdumpTestSystem(4 * MIB, 3, 0, 0);
        assertThatThrownBy(() -> PresentPageSelection.of(s.memory, 31, PAGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the page filter");
    }
}
