package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.interop.InteropTools;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry's writers: conversions s390 -> ELF -> s390 keep memory byte for byte; the converted files
 * satisfy real tools.
 */
class DumpFormatWritersTest {
    static final long SIZE = 32 * TestDumps.MIB;
    static TestDumps.System system;
    static List<String> expected;

    @TempDir
    Path dir;

    @BeforeAll
    static void boot() throws IOException {
        system = TestDumps.boot(SIZE, 3, 11);
        expected = TestDumps.digests(system.memory(), SIZE);
    }

    static long convert(ReadBackDump d, DumpFormat f, Path out, boolean stream) throws IOException {
        return convert(d.memory(), d.metadata(), f, out, stream);
    }

    static long convert(MemorySource m, DumpMetadata md, DumpFormat f, Path out, boolean stream)
            throws IOException {
        DumpFormatWriter c = DumpFormatRegistry.of(f).writer().orElseThrow();
        long planned = c.plannedSize(m, md);
        long written;
        if (stream) {
            try (var os = Files.newOutputStream(out)) {
                written = c.write(m, md, Channels.newChannel(os), io.sadump.dump.DumpProgressListener.NONE);
            }
        } else {
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                written = c.write(m, md, ch, io.sadump.dump.DumpProgressListener.NONE);
            }
        }
        assertThat(written).isEqualTo(planned).isEqualTo(Files.size(out));
        return written;
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void extToElfToS390KeepsEveryByte(boolean stream) throws IOException {
        Path ext = dir.resolve("dump.ext");
        TestDumps.extFile(system.memory(), system.metadata(), ext, true);
        Path elf = dir.resolve("dump.elf");
        Path s390 = dir.resolve("dump.s390");
        Path elf2 = dir.resolve("dump2.elf");
        try (OpenedDump d = DumpOpener.open(List.of(ext))) {
            convert(d.dump(), DumpFormat.ELF, elf, stream);
        }
        try (OpenedDump d = DumpOpener.open(List.of(elf))) {
            assertThat(d.dump().format().zgetdumpName()).isEqualTo("elf");
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(expected);
            assertThat(d.dump().metadata().cpus()).extracting(CpuState::prefix)
                    .containsExactlyElementsOf(system.cpus().stream().map(CpuState::prefix).toList());
            assertThat(d.dump().metadata().cpus().get(1).gprs()).isEqualTo(system.cpus().get(1).gprs());
            convert(d.dump(), DumpFormat.S390, s390, stream);
        }
        try (OpenedDump d = DumpOpener.open(List.of(s390))) {
            assertThat(d.dump().complete()).isTrue();
            assertThat(d.dump().format().zgetdumpName()).isEqualTo("s390");
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(expected);
            convert(d.dump(), DumpFormat.ELF, elf2, stream);
        }
        // the memory part of the classic file is storage itself, byte for byte
        byte[] mem = new byte[(int) TestDumps.MIB];
        byte[] file = new byte[(int) TestDumps.MIB];
        try (FileChannel ch = FileChannel.open(s390)) {
            for (long a = 0; a < SIZE; a += TestDumps.MIB) {
                system.memory().readFilled(a, mem, 0, mem.length);
                ch.read(java.nio.ByteBuffer.wrap(file), 4096 + a);
                assertThat(file).as("MiB at 0x%X", a).isEqualTo(mem);
            }
        }
        // ELF written from the ELF-derived s390 dump is the same file as the first ELF
        assertThat(Files.mismatch(elf, elf2)).isEqualTo(-1L);
    }

    @Test
    void s390OutputOfAnElfWithHolesFillsZeros() throws IOException {
        Path elf = dir.resolve("holes.elf");
        // a source with only two DATA ranges and a gap between them
        MemorySource holes = system.memory().map(List.of(MemoryMapping.identity(0, 8 * TestDumps.MIB),
                MemoryMapping.identity(16 * TestDumps.MIB, 4 * TestDumps.MIB)), SIZE);
        convert(holes, system.metadata(), DumpFormat.ELF, elf, false);
        Path s390 = dir.resolve("holes.s390");
        try (OpenedDump d = DumpOpener.open(List.of(elf))) {
            assertThat(DumpInfo.of(d).memoryMap()).hasSize(2);
            convert(d.dump(), DumpFormat.S390, s390, true);
        }
        try (OpenedDump d = DumpOpener.open(List.of(s390))) {
            assertThat(d.dump().complete()).isTrue();
            assertThat(DumpInfo.of(d).dumpMemorySize()).isEqualTo(20 * TestDumps.MIB);
            byte[] b = new byte[4096];
            d.dump().memory().read(9 * TestDumps.MIB, b, 0, b.length);
            assertThat(b).containsOnly(0);
            assertThat(TestDumps.digests(d.dump().memory(), 8 * TestDumps.MIB)).isEqualTo(expected.subList(0, 8));
        }
    }

    @Test
    void convertedElfSatisfiesReadelfGdbAndLibkdumpfile() throws IOException, InterruptedException {
        Path tape = dir.resolve("t.aws");
        TestDumps.tape(system.memory(), system.metadata(), tape);
        Path elf = dir.resolve("from-tape.elf");
        Path s390 = dir.resolve("from-tape.s390");
        try (OpenedDump d = DumpOpener.open(List.of(tape))) {
            convert(d.dump(), DumpFormat.ELF, elf, false);
            convert(d.dump(), DumpFormat.S390, s390, false);
        }
        InteropTools.Result r = InteropTools.run(null, InteropTools.requireTool("eu-readelf"), "-n", "-l", elf.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("PRSTATUS").contains("S390_PREFIX").contains("OSRELEASE=" + FirstKernel.RELEASE);
        assertThat(r.output().split("PRSTATUS", -1)).hasSize(4); // 3 CPUs

        CpuState cpu0 = system.cpus().get(0);
        r = InteropTools.run(null, InteropTools.requireTool("gdb-multiarch"), "-nx", "-batch", "-ex", "set architecture s390:64-bit",
                "-ex", "core-file " + elf, "-ex", "info threads", "-ex", "p/x $pswa",
                "-ex", String.format("x/1xg 0x%x", FirstKernelLayout.LOWCORE_PTR));
        assertThat(r.output()).contains(String.format("0x%x", cpu0.pswAddress()))
                .contains(String.format("0x%016x", FirstKernelLayout.prefixOf(0)));

        InteropTools.requireKdumpfile();
        String script = String.join("\n",
                "import kdumpfile, sys, hashlib",
                "for f in sys.argv[1:]:",
                "    k = kdumpfile.kdumpfile(f)",
                "    h = hashlib.sha256(k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0, " + SIZE + ")).hexdigest()",
                "    print(k.attr['file']['format'], h)");
        r = InteropTools.run(null, InteropTools.SYSTEM_PYTHON, "-c", script, elf.toString(), s390.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        String whole = wholeDigest();
        assertThat(r.output()).contains("elf " + whole).contains("s390dump " + whole);
    }

    @Test
    void s390OutputHasZgetdumpsHeaderVersionAndTheSourcesEndTime() throws IOException {
        Path classic = dir.resolve("orig.s390");
        TestDumps.classicFile(system.memory(), system.metadata(), classic);
        Path out = dir.resolve("copy.s390");
        io.sadump.dump.s390.S390DumpHeader srcHeader;
        io.sadump.dump.s390.S390EndMarker srcEnd;
        try (OpenedDump d = DumpOpener.open(List.of(classic))) {
            srcHeader = d.dump().s390Header().orElseThrow();
            srcEnd = d.dump().s390EndMarker().orElseThrow();
            assertThat(srcHeader.version()).isEqualTo(io.sadump.dump.s390.S390DumpHeader.VERSION_DUMPER);
            convert(d.dump(), DumpFormat.S390, out, false);
        }
        try (OpenedDump d = DumpOpener.open(List.of(out))) {
            // zdump/dfo_s390.c: version 5 when CPUs are known; start and end time from the source
            assertThat(d.dump().s390Header().orElseThrow().version()).isEqualTo(5);
            assertThat(d.dump().s390Header().orElseThrow().tod()).isEqualTo(srcHeader.tod());
            assertThat(d.dump().s390EndMarker().orElseThrow().tod()).isEqualTo(srcEnd.tod());
            assertThat(d.dump().s390Header().orElseThrow().memEnd()).isEqualTo(srcHeader.memSize());
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(expected);
        }
    }

    private static String wholeDigest() throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[(int) TestDumps.MIB];
            for (long a = 0; a < SIZE; a += b.length) {
                system.memory().readFilled(a, b, 0, b.length);
                md.update(b);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
