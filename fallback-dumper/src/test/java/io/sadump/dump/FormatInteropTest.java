package io.sadump.dump;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.InteropTools.Result;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.interop.InteropTools;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files sadump writes, checked by tools no one here wrote (docs/formats.md §11):
 * eu-readelf and gdb-multiarch for the ELF core, libkdumpfile (Debian's python3-libkdumpfile) for the
 * ELF core and the s390 dumps. Required in CI ({@code -Dsadump.interop=required}).
 */
class FormatInteropTest {
    static final long MIB = TestMemory.MIB;
    static final long SIZE = 48 * MIB;
    static final long CRASH_BASE = 16 * MIB;
    static final long CRASH_SIZE = 8 * MIB;
    static final String VMCOREINFO = "OSRELEASE=6.1.0-sadump-interop\nPAGESIZE=4096\nCRASHTIME=1700000000\n";

    @TempDir
    static Path dir;

    static AbsoluteStorage storage;
    static List<CpuState> cpus;
    static StorageMemorySource source;
    static DumpMetadata metadata;
    /** Addresses to compare: inside written frames, plus one in a never-written frame. */
    static List<Long> addresses;

    @BeforeAll
    static void system() {
        storage = TestMemory.storage(TestMemory.Workload.MIXED, SIZE, 2024);
        cpus = TestMemory.cpus(storage, 2, 2024);
        source = new StorageMemorySource(storage);
        metadata = DumpMetadata.of(cpus, Optional.of(VMCOREINFO));
        SplittableRandom r = new SplittableRandom(2024);
        addresses = new ArrayList<>();
        long frames = SIZE / MIB;
        for (long f = 0; f < frames && addresses.size() < 6; f++) {
            if (storage.writtenFrames().isWritten(f) && (f < 16 || f >= 24)) {
                addresses.add(f * MIB + (r.nextLong(MIB - 64) & ~7L));
            }
        }
        for (long f = 0; f < frames; f++) {
            if (!storage.writtenFrames().isWritten(f) && (f < 16 || f >= 24)) {
                addresses.add(f * MIB + 0x800);
                break;
            }
        }
    }

    static String expected(long address, int n) {
        return HexFormat.of().formatHex(storage.bytes(address, n));
    }

    static Path vmcore() throws IOException {
        Path file = dir.resolve("vmcore");
        if (!Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new ElfCoreWriter(ElfCoreWriter.Options.defaults().excluding(CRASH_BASE, CRASH_SIZE)).write(source, metadata, ch);
            }
        }
        return file;
    }

    static S390DumpSettings settings() {
        return S390DumpSettings.defaults().withFixedTod(0xD5A0_0000_0000_0000L);
    }

    static Path classic() throws IOException {
        Path file = dir.resolve("dump.s390");
        if (!Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                new ClassicS390DumpWriter(settings()).writeFile(source, metadata, ch);
            }
        }
        return file;
    }

    static Path ext(boolean compress) throws IOException {
        Path file = dir.resolve(compress ? "dump-zlib.s390_ext" : "dump.s390_ext");
        if (!Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                new S390ExtDumpWriter(settings().withCompression(compress)).write(source, metadata, DumpBlockSink.of(ch, 1 << 20));
            }
        }
        return file;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void euReadelfDecodesHeaderSegmentsAndNotes() throws Exception {
        String tool = InteropTools.requireTool("eu-readelf");
        Result r = InteropTools.run(List.of(tool, "-h", "-l", "-n", vmcore().toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(o).containsPattern("Class:\\s+ELF64");
        assertThat(o).containsPattern("Data:\\s+2's complement, big endian");
        assertThat(o).containsPattern("Type:\\s+CORE \\(Core file\\)");
        assertThat(o).containsPattern("Machine:\\s+IBM S/390");
        assertThat(count(o, "^\\s+NOTE\\s")).isEqualTo(1);
        // two loads: memory below and above the excluded crashkernel range
        Matcher load = Pattern.compile("^\\s+LOAD\\s+0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+"
                + "0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+RWE\\s+0x1000", Pattern.MULTILINE).matcher(o);
        List<long[]> loads = new ArrayList<>();
        while (load.find()) {
            loads.add(new long[] {Long.parseLong(load.group(1), 16), Long.parseLong(load.group(3), 16),
                Long.parseLong(load.group(4), 16)});
        }
        assertThat(loads).hasSize(2);
        assertThat(loads.get(0)[1]).isZero();
        assertThat(loads.get(0)[2]).isEqualTo(CRASH_BASE);
        assertThat(loads.get(1)[1]).isEqualTo(CRASH_BASE + CRASH_SIZE);
        for (long[] l : loads) {
            assertThat(l[0] % 4096).isZero();
            assertThat(l[0]).isNotEqualTo(l[1]);
        }
        assertThat(count(o, "^\\s+CORE\\s+136\\s+PRPSINFO")).isEqualTo(1);
        assertThat(count(o, "^\\s+CORE\\s+336\\s+PRSTATUS")).isEqualTo(2);
        assertThat(count(o, "^\\s+CORE\\s+136\\s+FPREGSET")).isEqualTo(2);
        assertThat(count(o, "^\\s+LINUX\\s+8\\s+S390_TIMER")).isEqualTo(2);
        assertThat(count(o, "^\\s+LINUX\\s+8\\s+S390_TODCMP")).isEqualTo(2);
        assertThat(count(o, "^\\s+LINUX\\s+4\\s+S390_TODPREG")).isEqualTo(2);
        assertThat(count(o, "^\\s+LINUX\\s+128\\s+S390_CTRS")).isEqualTo(2);
        assertThat(count(o, "^\\s+LINUX\\s+4\\s+S390_PREFIX")).isEqualTo(2);
        assertThat(count(o, "^\\s+VMCOREINFO\\s+" + VMCOREINFO.length() + "\\s")).isEqualTo(1);
        assertThat(o).contains("OSRELEASE=6.1.0-sadump-interop");
        assertThat(o).containsPattern(String.format("pswa:\\s+0x%016x", cpus.get(0).pswAddress()));
        assertThat(o).containsPattern(String.format("pswa:\\s+0x%016x", cpus.get(1).pswAddress()));
        assertThat(o).containsPattern("pid: 2, ppid: 0");
    }

    @Test
    void gdbReadsMemoryAndThreadsFromTheCore() throws Exception {
        String tool = InteropTools.requireTool("gdb-multiarch");
        List<String> cmd = new ArrayList<>(List.of(tool, "-nx", "-batch", "-ex", "set architecture s390:64-bit", "-ex",
                "core-file " + vmcore(), "-ex", "info threads", "-ex", "p/x $pswa"));
        for (long a : addresses) {
            cmd.add("-ex");
            cmd.add(String.format("x/16xb 0x%x", a));
        }
        Result r = InteropTools.run(cmd);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(count(o, "LWP \\d")).isGreaterThanOrEqualTo(2);
        assertThat(o).contains(String.format("$1 = 0x%x", cpus.get(0).pswAddress()));
        for (long a : addresses) {
            Matcher m = Pattern.compile(String.format("^0x%x:((?:\\s+0x\\p{XDigit}{2}){8})\\s*\\n0x%x:((?:\\s+0x\\p{XDigit}{2}){8})",
                    a, a + 8), Pattern.MULTILINE).matcher(o);
            assertThat(m.find()).as("gdb output for 0x%x:%n%s", a, o).isTrue();
            String got = (m.group(1) + m.group(2)).replaceAll("\\s+0x", "");
            assertThat(got).as("memory at 0x%x", a).isEqualTo(expected(a, 16));
        }
    }

    /** Runs a libkdumpfile script over {@code file}; it prints "key value" lines. */
    static Result kdumpfile(Path file, String body) {
        return InteropTools.kdumpfile(file, addresses, body);
    }

    static void assertMemory(String output) {
        for (long a : addresses) {
            assertThat(output).as("libkdumpfile read at 0x%x", a).contains(String.format("mem %x %s", a, expected(a, 16)));
        }
    }

    @Test
    void libkdumpfileReadsTheElfCore() throws Exception {
        Result r = kdumpfile(vmcore(), ""
                + "print('osrelease', a['linux']['vmcoreinfo']['lines']['OSRELEASE'])\n"
                + "print('cpus', a['cpu']['number'])\n"
                + "print('pswa0 %x' % a['cpu']['0']['reg']['pswa'])\n"
                + "print('pswa1 %x' % a['cpu']['1']['reg']['pswa'])\n"
                + "print('kphys', k.read(kdumpfile.KDUMP_KPHYSADDR, 0x%x, 16).hex())\n".formatted(addresses.get(0)));
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(o).contains("format elf").contains("arch s390x").contains("byte_order 0").contains("page_size 4096");
        assertThat(o).contains("osrelease 6.1.0-sadump-interop");
        assertThat(o).contains("cpus 2");
        assertThat(o).contains(String.format("pswa0 %x", cpus.get(0).pswAddress()));
        assertThat(o).contains(String.format("pswa1 %x", cpus.get(1).pswAddress()));
        assertThat(o).contains("kphys " + expected(addresses.get(0), 16));
        assertMemory(o);
    }

    @Test
    void libkdumpfileReadsTheClassicS390DumpAndRejectsABadEndMarker() throws Exception {
        Result r = kdumpfile(classic(), "");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("format s390dump").contains("arch s390x").contains("page_size 4096");
        assertMemory(r.output());

        Path bad = dir.resolve("bad-end-marker.s390");
        Files.copy(classic(), bad);
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("DUMP_EN?".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 4096 + SIZE);
        }
        Result b = kdumpfile(bad, "");
        assertThat(b.exitCode()).isNotZero();
        assertThat(b.output()).contains("End marker not found");
        // and our reader agrees
        assertThat(io.sadump.dump.s390.ClassicS390DumpReader.inspect(DumpBlockSource.of(FileChannel.open(bad)), "bad")
                .complete()).isFalse();
    }

    /**
     * libkdumpfile 0.5.1's s390dump reader knows only the classic magic ...fd (its s390dump.c checks
     * {@code S390_MAGIC}), so it does not open s390_ext dumps; if a newer one does, it must read the
     * right bytes.
     */
    @Test
    void libkdumpfileOnS390ExtEitherRefusesOrReadsCorrectly() throws Exception {
        for (boolean compress : new boolean[] {false, true}) {
            Result r = kdumpfile(ext(compress), "");
            if (r.exitCode() != 0) {
                assertThat(r.output()).as("compress=%s", compress).contains("Unknown file format");
            } else {
                assertMemory(r.output());
            }
        }
    }

    /**
     * Python's zlib (the system's libz, not the JDK's) inflates every compressed entry of a zlib
     * s390_ext dump whose frames mix text, zero and random pages, the random ones being stored blocks
     * inside each entry's stream; the script parses the format itself and prints each entry's SHA-256.
     */
    @Test
    void pythonZlibInflatesEveryEntryOfAMixedPageDump() throws Exception {
        long size = 12 * MIB;
        AbsoluteStorage mixed = AbsoluteStorage.inMemory(size);
        SplittableRandom rnd = new SplittableRandom(77);
        byte[] page = new byte[4096];
        byte[] words = "kworker systemd ext4 dasd page_cache\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (long a = MIB; a < size - MIB; a += 4096) {
            int kind = rnd.nextInt(3);
            if (kind == 0) {
                continue; // a zero page
            }
            for (int i = 0; i < page.length; i++) {
                page[i] = words[(i + rnd.nextInt(3)) % words.length];
            }
            if (kind == 2) {
                rnd.nextBytes(page);
            }
            mixed.write(a, page);
        }
        Path file = dir.resolve("mixed-pages.s390_ext");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            new S390ExtDumpWriter(settings().withThreads(2)).write(new StorageMemorySource(mixed),
                    DumpMetadata.none(), DumpBlockSink.of(ch, 1 << 20));
        }
        String script = String.join("\n",
                "import hashlib, struct, sys, zlib",
                "d = open(sys.argv[1], 'rb').read()",
                "pos = 4096",
                "while True:",
                "    start, length, stop, disk = struct.unpack_from('>QQQI', d, pos)",
                "    n = struct.unpack_from('>I', d, pos + 0x30)[0]",
                "    if n == 0:",
                "        pos += 4096 + length",
                "    else:",
                "        for i, off in enumerate(struct.unpack_from('>%dI' % n, d, pos + 0x34)):",
                "            at = pos + 4096 + (off & 0x7fffffff) * 4096",
                "            want = min(1 << 20, length - i * (1 << 20))",
                "            if off & 0x80000000:",
                "                mem, kind = d[at:at + want], 'stored'",
                "            else:",
                "                z = zlib.decompressobj()",
                "                mem, kind = z.decompress(d[at:at + (disk << 12)]), 'zlib'",
                "                assert z.eof and len(mem) == want, (start, i)",
                "            print(kind, hex(start + i * (1 << 20)), hashlib.sha256(mem).hexdigest())",
                "        pos += 4096 + disk * 4096",
                "    if stop:",
                "        break",
                "");
        Result r = InteropTools.run(List.of(InteropTools.SYSTEM_PYTHON, "-c", script, file.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = r.output().lines().filter(l -> l.startsWith("zlib ") || l.startsWith("stored ")).toList();
        assertThat(lines).as(r.output()).hasSize(10);
        assertThat(lines).allMatch(l -> l.startsWith("zlib "));
        for (String l : lines) {
            String[] f = l.split(" ");
            long address = Long.decode(f[1]);
            byte[] want = java.security.MessageDigest.getInstance("SHA-256").digest(mixed.bytes(address, (int) MIB));
            assertThat(f[2]).as("entry at %s", f[1]).isEqualTo(HexFormat.of().formatHex(want));
        }
    }

    /** A core made by an independent generator (Python struct, not sadump's writer) reads back right. */
    @Test
    void readsACoreFromAnIndependentGenerator() throws Exception {
        InteropTools.requireKdumpfile(); // the system python3 is part of that package set
        Path file = dir.resolve("independent.core");
        String gen = String.join("\n",
                "import struct, sys",
                "def note(name, ntype, desc):",
                "    n = name.encode() + b'\\0'",
                "    p = lambda b: b + bytes(-len(b) % 4)",
                "    return struct.pack('>III', len(n), len(desc), ntype) + p(n) + p(desc)",
                "notes = b''",
                "for cpu in range(2):",
                "    pr = bytearray(336)",
                "    struct.pack_into('>i', pr, 32, cpu + 1)",
                "    struct.pack_into('>QQ16Q16I', pr, 112, 0x0704c00180000000, 0x200000 + 0x10 * cpu,",
                "                     *[0x100 * cpu + i for i in range(16)], *[0xa0 + i for i in range(16)])",
                "    notes += note('CORE', 1, bytes(pr))",
                "    notes += note('CORE', 2, struct.pack('>II16Q', 7, 0, *range(16)))",
                "    notes += note('LINUX', 0x301, struct.pack('>Q', 0x1111))",
                "    notes += note('LINUX', 0x302, struct.pack('>Q', 0x2222))",
                "    notes += note('LINUX', 0x303, struct.pack('>I', 3))",
                "    notes += note('LINUX', 0x304, struct.pack('>16Q', *range(100, 116)))",
                "    notes += note('LINUX', 0x305, struct.pack('>I', 0x40000 + 0x2000 * cpu))",
                "notes += note('VMCOREINFO', 0, b'OSRELEASE=independent\\nPAGESIZE=4096\\n')",
                "segs = [(0x0, bytes((i * 13) & 0xff for i in range(0x20000))), (0x300000, bytes(range(256)) * 64)]",
                "ph = 1 + len(segs)",
                "off = 64 + 56 * ph",
                "note_off = off",
                "data_off = (off + len(notes) + 4095) // 4096 * 4096",
                "hdr = b'\\x7fELF' + bytes([2, 2, 1]) + bytes(9) + struct.pack('>HHIQQQIHHHHHH', 4, 22, 1, 0, 64, 0, 0, 64, 56, ph, 0, 0, 0)",
                "phs = struct.pack('>IIQQQQQQ', 4, 0, note_off, 0, 0, len(notes), len(notes), 0)",
                "body = b''",
                "for a, d in segs:",
                "    phs += struct.pack('>IIQQQQQQ', 1, 7, data_off + len(body), a, a, len(d), len(d), 4096)",
                "    body += d",
                "out = bytearray(data_off) + body",
                "out[0:64] = hdr",
                "out[64:64 + len(phs)] = phs",
                "out[note_off:note_off + len(notes)] = notes",
                "open(sys.argv[1], 'wb').write(out)",
                "");
        Result r = InteropTools.run(List.of(InteropTools.SYSTEM_PYTHON, "-c", gen, file.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        try (var d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), file.toString())) {
            assertThat(d.metadata().vmcoreinfo()).contains("OSRELEASE=independent\nPAGESIZE=4096\n");
            assertThat(d.metadata().cpus()).hasSize(2);
            CpuState c1 = d.metadata().cpus().get(1);
            assertThat(c1.cpuAddress()).isEqualTo(1);
            assertThat(c1.pswAddress()).isEqualTo(0x200010);
            assertThat(c1.prefix()).isEqualTo(0x42000);
            assertThat(c1.gprs()[15]).isEqualTo(0x10f);
            assertThat(c1.accessRegisters()[3]).isEqualTo(0xa3);
            assertThat(c1.fpc()).isEqualTo(7);
            assertThat(c1.fprs()[9]).isEqualTo(9);
            assertThat(c1.cpuTimer()).isEqualTo(0x1111);
            assertThat(c1.clockComparator()).isEqualTo(0x2222);
            assertThat(c1.todProgrammable()).isEqualTo(3);
            assertThat(c1.controlRegisters()[0]).isEqualTo(100);
            byte[] b = new byte[4];
            d.memory().read(0x300010, b, 0, 4);
            assertThat(b).containsExactly(0x10, 0x11, 0x12, 0x13);
            d.memory().read(0x1FFFC, b, 0, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(b[i] & 0xFF).isEqualTo(((0x1FFFC + i) * 13) & 0xFF);
            }
        }
    }
}
