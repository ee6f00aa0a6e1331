package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.archive.format.DumpMedium;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry walked: every format it can read is written by the dumpers' writers, opened through it
 * and converted into every format it can write; the converted dump holds the same memory, and the
 * same CPUs, VMCOREINFO, times and CPU id wherever both formats carry them.
 */
class DumpFormatRegistryTest {
    static final long SIZE = 32 * TestDumps.MIB;
    static TestDumps.System system;
    static List<String> expected;

    @TempDir
    static Path samples;

    @TempDir
    Path dir;

    /** How a sample of each readable format is made: a new format adds one line here. */
    @FunctionalInterface
    interface Sample {
        List<Path> write(Path dir) throws IOException;
    }

    static final Map<DumpFormat, Sample> SAMPLES = new EnumMap<>(DumpFormat.class);

    static {
        SAMPLES.put(DumpFormat.S390, d -> one(d.resolve("dump.s390"),
                f -> TestDumps.classicFile(system.memory(), system.metadata(), f)));
        SAMPLES.put(DumpFormat.S390_TAPE, d -> one(d.resolve("dump.aws"),
                f -> TestDumps.tape(system.memory(), system.metadata(), f)));
        SAMPLES.put(DumpFormat.S390_EXT, d -> one(d.resolve("0.0.0190.3390"),
                f -> TestDumps.dasd(system.memory(), system.metadata(), f, 60, true)));
        SAMPLES.put(DumpFormat.S390_MV_EXT, d -> TestDumps.multiVolume(system.memory(), system.metadata(),
                Files.createDirectories(d.resolve("mv")), 3, 20));
        SAMPLES.put(DumpFormat.ELF, d -> one(d.resolve("vmcore"),
                f -> TestDumps.elfFile(system.memory(), system.metadata(), f)));
        SAMPLES.put(DumpFormat.KDUMP, d -> one(d.resolve("dump.kdump"), f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new io.sadump.archive.format.KdumpFormat().write(system.memory(), system.metadata(), ch,
                        DumpProgressListener.NONE);
            }
        }));
        SAMPLES.put(DumpFormat.KDUMP_FLAT, d -> one(d.resolve("dump.kdump-flat"), f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new io.sadump.archive.format.KdumpFlatFormat().write(system.memory(), system.metadata(), ch,
                        DumpProgressListener.NONE);
            }
        }));
        SAMPLES.put(DumpFormat.ARCHIVE, d -> one(d.resolve("dump.tar.zst"), f -> {
            Path ext = d.resolve("for-archive.s390_ext");
            TestDumps.extFile(system.memory(), system.metadata(), ext, true);
            try (OpenedDump o = DumpOpener.open(List.of(ext))) {
                DumpArchiveWriter.create(o, o.dump().memory(), o.dump().metadata(), DumpInfo.of(o), f,
                        new DumpArchiveWriter.Options(ArchiveCompression.ZSTD, 1, Optional.empty(), Optional.empty(), 1,
                                DumpProgressListener.NONE, Optional.empty()));
            }
        }));
    }

    @FunctionalInterface
    interface FileWriter {
        void write(Path f) throws IOException;
    }

    static List<Path> one(Path f, FileWriter w) throws IOException {
        w.write(f);
        return List.of(f);
    }

    @BeforeAll
    static void boot() {
        system = TestDumps.boot(SIZE, 3, 61);
        try {
            expected = TestDumps.digests(system.memory(), SIZE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> pairs() {
        return DumpFormatRegistry.formats().stream().flatMap(from -> DumpFormatRegistry.writable().stream()
                .map(to -> Arguments.of(from.format(), to.format())));
    }

    @Test
    void everyFormatHasASampleAndAtLeastTwoAreWritable() {
        assertThat(SAMPLES.keySet()).as("a sample per registered format")
                .containsExactlyInAnyOrderElementsOf(DumpFormatRegistry.formats().stream()
                        .map(DumpFormatDescriptor::format).toList());
        assertThat(DumpFormatRegistry.writable()).extracting(DumpFormatDescriptor::format)
                .containsExactlyInAnyOrder(DumpFormat.S390, DumpFormat.ELF, DumpFormat.KDUMP, DumpFormat.KDUMP_FLAT);
        assertThat(DumpFormatRegistry.writable("ELF").format()).isEqualTo(DumpFormat.ELF);
        assertThat(DumpFormatRegistry.writable("kdump").format()).isEqualTo(DumpFormat.KDUMP);
        assertThatThrownBy(() -> DumpFormatRegistry.writable("lkcd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the output format is elf, kdump, kdump_flat or s390, not 'lkcd'");
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("pairs")
    void everyReadableFormatConvertsIntoEveryWritableOne(DumpFormat from, DumpFormat to) throws IOException {
        List<Path> source = SAMPLES.get(from).write(Files.createDirectories(dir.resolve("in")));
        DumpFormatWriter writer = DumpFormatRegistry.of(to).writer().orElseThrow();
        Path out = dir.resolve("out." + to.zgetdumpName());
        DumpMetadata before;
        try (OpenedDump in = DumpOpener.open(source)) {
            ReadBackDump d = in.dump();
            assertThat(d.complete()).as("%s read back: %s", from, d.problem()).isTrue();
            assertThat(TestDumps.digests(d.memory(), SIZE)).as("%s: memory as read", from).isEqualTo(expected);
            before = d.metadata();
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long n = writer.write(d.memory(), before, ch, DumpProgressListener.NONE);
                assertThat(n).isEqualTo(Files.size(out)).isEqualTo(writer.plannedSize(d.memory(), before));
            }
        }
        try (OpenedDump back = DumpOpener.open(List.of(out))) {
            ReadBackDump d = back.dump();
            String pair = from + " to " + to;
            assertThat(d.format()).as(pair).isEqualTo(to);
            assertThat(d.complete()).as(pair).isTrue();
            assertThat(TestDumps.digests(d.memory(), SIZE)).as("%s: memory", pair).isEqualTo(expected);
            DumpMetadata after = d.metadata();
            assertThat(after.cpus()).extracting(CpuState::prefix, CpuState::pswAddress)
                    .as("%s: CPUs", pair).isEqualTo(before.cpus().stream()
                            .map(c -> org.assertj.core.groups.Tuple.tuple(c.prefix(), c.pswAddress())).toList());
            for (int i = 0; i < before.cpus().size(); i++) {
                assertThat(after.cpus().get(i).gprs()).as("%s: CPU %d registers", pair, i)
                        .isEqualTo(before.cpus().get(i).gprs());
            }
            assertThat(after.vmcoreinfo()).as("%s: VMCOREINFO", pair).isEqualTo(before.vmcoreinfo())
                    .contains(system.vmcoreinfo());
            // an ELF core has no clock fields and no CPU id; a kdump-compressed file has the crash time in seconds
            if (to != DumpFormat.ELF && to != DumpFormat.KDUMP && to != DumpFormat.KDUMP_FLAT) {
                assertThat(after.startTod()).as("%s: dump start", pair).isEqualTo(before.startTod());
                assertThat(after.cpuId()).as("%s: CPU id", pair)
                        .isEqualTo(before.cpuId().isPresent() ? before.cpuId()
                                : java.util.OptionalLong.of(io.sadump.dump.s390.S390DumpSettings.DEFAULT_CPU_ID));
                assertThat(after.endTod()).as("%s: dump end", pair)
                        .isEqualTo(before.endTod().isPresent() ? before.endTod() : before.startTod());
            }
        }
    }

    /** Bytes are recognised by their magic; a volume of a set or zeros are refused with a reason. */
    @Test
    void recognisesByMagicAndSaysWhatItFound() throws IOException {
        Path ext = dir.resolve("x.s390_ext");
        TestDumps.extFile(system.memory(), system.metadata(), ext, false);
        try (ReadBackDump d = DumpFormatRegistry.read(DumpBlockSource.of(FileChannel.open(ext)), "x",
                DumpMedium.FILE)) {
            assertThat(d.format()).isEqualTo(DumpFormat.S390_EXT);
            assertThat(TestDumps.digests(d.memory(), SIZE)).isEqualTo(expected);
        }
        assertThatThrownBy(() -> DumpFormatRegistry.read(DumpBlockSource.ofBytes(new byte[4096]), "zeros",
                DumpMedium.FILE)).isInstanceOf(DumpFormatException.class).hasMessageContaining("no valid dump found");
        List<Path> mv = TestDumps.multiVolume(system.memory(), system.metadata(), Files.createDirectories(
                dir.resolve("mv")), 2, 40);
        try (io.sadump.device.ckd.EckdExtent p = io.sadump.device.ckd.EckdDasd.open(mv.get(0), false).dumpPartition()
                .closingDasd()) {
            assertThatThrownBy(() -> DumpFormatRegistry.read(p, "vol0", DumpMedium.CKD_IMAGE))
                    .isInstanceOf(DumpFormatException.class).hasMessageContaining("multi-volume");
        }
    }
}
