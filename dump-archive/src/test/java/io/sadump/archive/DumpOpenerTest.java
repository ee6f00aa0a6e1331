package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormatException;
import io.sadump.fixtures.FirstKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format detection on every kind of dump the project writes, and on files that hold none. */
class DumpOpenerTest {
    static final long SIZE = 32 * TestDumps.MIB;
    static TestDumps.System system;
    static List<String> expected;

    @TempDir
    Path dir;

    @BeforeAll
    static void boot() throws IOException {
        system = TestDumps.boot(SIZE, 2, 7);
        expected = TestDumps.digests(system.memory(), SIZE);
    }

    private DumpInfo check(List<Path> files, String format) throws IOException {
        try (OpenedDump d = DumpOpener.open(files)) {
            DumpInfo i = DumpInfo.of(d);
            assertThat(i.format()).isEqualTo(format);
            assertThat(i.problem()).isEmpty();
            assertThat(i.uts().nodename()).contains(TestDumps.NODENAME);
            assertThat(i.uts().release()).contains(FirstKernel.RELEASE);
            assertThat(i.cpuCountOnline()).isEqualTo(2);
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(expected);
            assertThat(d.dump().metadata().cpus()).extracting(c -> c.prefix())
                    .containsExactlyElementsOf(system.cpus().stream().map(c -> c.prefix()).toList());
            return i;
        }
    }

    @Test
    void classicFile() throws IOException {
        Path f = dir.resolve("dump.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), f);
        DumpInfo i = check(List.of(f), "s390");
        assertThat(i.medium()).isEqualTo("file");
        assertThat(i.created()).contains(TestDumps.START);
        assertThat(i.ended()).isPresent();
        assertThat(i.cpuId()).hasValue(TestDumps.CPU_ID);
        assertThat(i.version()).hasValue(2);
        assertThat(i.dumpMemorySize()).isEqualTo(SIZE);
        assertThat(i.realMemorySize()).isEqualTo(SIZE);
        assertThat(i.memoryMap()).containsExactly(new DumpInfo.MemoryRange(0, SIZE));
    }

    @Test
    void extFileCompressedAndNot() throws IOException {
        Path f = dir.resolve("dump.ext");
        TestDumps.extFile(system.memory(), system.metadata(), f, true);
        DumpInfo i = check(List.of(f), "s390_ext");
        assertThat(i.zlibEntrySize()).hasValue(1 << 20);
        Path g = dir.resolve("dump.ext2");
        TestDumps.extFile(system.memory(), system.metadata(), g, false);
        assertThat(check(List.of(g), "s390_ext").zlibEntrySize()).isEmpty();
    }

    @Test
    void elfCore() throws IOException {
        Path f = dir.resolve("vmcore");
        TestDumps.elfFile(system.memory(), system.metadata(), f);
        DumpInfo i = check(List.of(f), "elf");
        assertThat(i.version()).isEmpty();
        assertThat(i.created()).as("the VMCOREINFO's CRASHTIME").contains(TestDumps.START);
    }

    @Test
    void ckdImage() throws IOException {
        Path img = dir.resolve("0.0.0190.3390");
        TestDumps.dasd(system.memory(), system.metadata(), img, 30, true);
        DumpInfo i = check(List.of(img), "s390_ext");
        assertThat(i.medium()).isEqualTo("3390 CKD image");
        assertThat(i.volumeNumber()).hasValue(0);
    }

    @Test
    void awsTape() throws IOException {
        Path img = dir.resolve("0.0.0181.aws");
        TestDumps.tape(system.memory(), system.metadata(), img);
        DumpInfo i = check(List.of(img), "s390tape");
        assertThat(i.medium()).isEqualTo("AWSTAPE image");
    }

    @Test
    void multiVolumeInAnyOrder() throws IOException {
        List<Path> images = TestDumps.multiVolume(system.memory(), system.metadata(), dir, 3, 20);
        List<Path> shuffled = new ArrayList<>(images);
        Collections.shuffle(shuffled, new java.util.Random(3));
        Collections.reverse(shuffled);
        DumpInfo i = check(shuffled, "s390mv_ext");
        assertThat(i.volumes()).extracting(DumpVolume::file).containsExactlyElementsOf(images);
        assertThat(i.volumes().get(0).device()).contains("0.0.0190");
    }

    @Test
    void missingVolumeIsNamed() throws IOException {
        List<Path> images = TestDumps.multiVolume(system.memory(), system.metadata(), dir, 3, 20);
        assertThatThrownBy(() -> DumpOpener.open(List.of(images.get(0), images.get(2))))
                .isInstanceOf(DumpFormatException.class)
                .hasMessageContaining("missing: volume 1 (0.0.0191)");
    }

    @Test
    void truncatedDumpsAreIncomplete() throws IOException {
        Path f = dir.resolve("dump.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), f);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(SIZE / 2);
        }
        try (OpenedDump d = DumpOpener.open(List.of(f))) {
            assertThat(d.dump().complete()).isFalse();
            assertThat(DumpInfo.of(d).problem().get()).contains("cut short");
        }
        Path e = dir.resolve("vmcore");
        TestDumps.elfFile(system.memory(), system.metadata(), e);
        try (var ch = java.nio.channels.FileChannel.open(e, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(e) - 8192);
        }
        try (OpenedDump d = DumpOpener.open(List.of(e))) {
            assertThat(d.dump().complete()).isFalse();
        }
    }

    @Test
    void emptyGarbageAndTinyFilesGiveOneClearLine() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThatThrownBy(() -> DumpOpener.open(List.of(empty))).isInstanceOf(DumpFormatException.class)
                .hasMessage(empty + ": the file is empty: no dump found");
        Path garbage = dir.resolve("garbage");
        byte[] g = new byte[100_000];
        new SplittableRandom(5).nextBytes(g);
        g[0] = 0x12;
        g[1] = 0x34;
        Files.write(garbage, g);
        assertThatThrownBy(() -> DumpOpener.open(List.of(garbage))).isInstanceOf(DumpFormatException.class)
                .hasMessageStartingWith(garbage + ": no valid dump found")
                .hasMessageNotContaining("\n");
        Path header = dir.resolve("header-only");
        Path full = dir.resolve("full.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), full);
        Files.write(header, java.util.Arrays.copyOf(Files.readAllBytes(full), 100));
        assertThatThrownBy(() -> DumpOpener.open(List.of(header))).isInstanceOf(DumpFormatException.class)
                .hasMessageContaining("too small for an s390 dump header");
        assertThatThrownBy(() -> DumpOpener.open(List.of(dir))).isInstanceOf(IOException.class)
                .hasMessageContaining("directory");
    }

    @Test
    void unpreparedCkdImageHasNoDump() throws IOException {
        Path img = dir.resolve("blank.3390");
        io.sadump.device.ckd.EckdDasd.create(img, 2, "BLANK1").close();
        assertThatThrownBy(() -> DumpOpener.open(List.of(img))).isInstanceOf(DumpFormatException.class)
                .hasMessageContaining("no valid dump found");
    }

    @Test
    void aDasdThatRanFullHoldsAnIncompleteDump() throws IOException {
        Path img = dir.resolve("small.3390");
        assertThatThrownBy(() -> TestDumps.dasd(system.memory(), system.metadata(), img, 3, false))
                .isInstanceOf(io.sadump.machine.channel.DumpDeviceFullException.class);
        try (OpenedDump d = DumpOpener.open(List.of(img))) {
            DumpInfo i = DumpInfo.of(d);
            assertThat(i.format()).isEqualTo("s390_ext");
            assertThat(i.complete()).isFalse();
            assertThat(i.problem().get()).contains(img.toString());
        }
    }

    @Test
    void aTapeThatRanOutHoldsAnIncompleteDump() throws IOException {
        Path img = dir.resolve("short.aws");
        io.sadump.device.tape.TapeDrive.createVolume(img);
        try (io.sadump.device.tape.TapeDrive t = new io.sadump.device.tape.TapeDrive("0.0.0181")) {
            t.mount(img, 4 * TestDumps.MIB, true);
            io.sadump.device.dumptool.DumpDevicePreparer.prepareTape(t,
                    io.sadump.device.dumptool.DumpToolOptions.defaults());
            t.rewind();
            t.readBlock();
            assertThatThrownBy(() -> new io.sadump.dump.s390.ClassicS390DumpWriter(TestDumps.settings(false))
                    .writeTape(system.memory(), system.metadata(), t)).isInstanceOf(io.sadump.machine.channel.DumpDeviceFullException.class);
        }
        try (OpenedDump d = DumpOpener.open(List.of(img))) {
            DumpInfo i = DumpInfo.of(d);
            assertThat(i.format()).isEqualTo("s390tape");
            assertThat(i.complete()).isFalse();
            assertThat(i.problem().get()).contains("cut short");
            assertThat(i.uts().nodename()).contains(TestDumps.NODENAME); // the first MiBs are there
        }
    }
}
