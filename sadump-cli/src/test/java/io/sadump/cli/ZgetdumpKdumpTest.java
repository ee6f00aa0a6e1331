package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.ReadBackDump;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.filter.PageSelection;
import io.sadump.dump.kdump.KdumpCompressedReader;
import io.sadump.dump.kdump.KdumpCompressedWriter;
import io.sadump.dump.kdump.KdumpFileOutput;
import io.sadump.dump.kdump.KdumpNotes;
import io.sadump.dump.kdump.PageCompression;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sadump zgetdump -f kdump}, {@code -F}, {@code --reassemble} and {@code -i} of kdump-compressed files. */
class ZgetdumpKdumpTest {
    @TempDir
    Path dir;

    @Test
    void anElfCoreBecomesAKdumpFileWithItsNotesCopiedAndReadsBackTheSame() throws IOException {
        Path elf = DumpFiles.elf(dir, "vmcore");
        Path out = dir.resolve("dump.kdump");
        CliRun r = CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "--dump-level", "1", "--compress", "zlib",
                "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Target: kdump").contains("Pages: 4096 present, 4096 kept at dump level 1")
                .contains("Success: Dump has been copied");
        byte[] k = Files.readAllBytes(out);
        ByteBuffer b = ByteBuffer.wrap(k);
        assertThat(new String(k, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("KDUMP   ");
        long noteOffset = b.getLong(4096 + 48);
        int noteSize = (int) b.getLong(4096 + 56);
        try (DumpBlockSource s = DumpBlockSource.of(FileChannel.open(elf))) {
            assertThat(Arrays.copyOfRange(k, (int) noteOffset, (int) noteOffset + noteSize))
                    .as("the vmcore's PT_NOTE, verbatim").isEqualTo(ElfCoreReader.noteSegment(s, "vmcore").orElseThrow());
        }
        // and back to ELF: the same memory
        Path back = dir.resolve("back.elf");
        assertThat(CliRun.of("zgetdump", out.toString(), "-f", "elf", "-o", back.toString()).exit()).isZero();
        try (ReadBackDump a = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(elf)), "a");
                ReadBackDump c = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(back)), "c")) {
            byte[] x = new byte[1 << 20];
            byte[] y = new byte[1 << 20];
            for (long p = 0; p < DumpFiles.SIZE; p += x.length) {
                a.memory().read(p, x, 0, x.length);
                c.memory().read(p, y, 0, y.length);
                assertThat(y).as("MiB at 0x%x", p).isEqualTo(x);
            }
            assertThat(c.metadata().cpus()).isEqualTo(a.metadata().cpus());
        }
        CliRun i = CliRun.of("zgetdump", "-i", out.toString());
        assertThat(i.exit()).as(i.err()).isZero();
        assertThat(i.out()).contains("  Dump format........: kdump")
                .contains("  Dump level.........: 1 (makedumpfile -d), pages zlib")
                .contains("  Pages filtered out.: 0 of 4096 (0 MB); 4096 pages kept")
                .contains("  UTS node name......: " + DumpFiles.NODENAME);
    }

    @Test
    void flattenedToAFileOrStdoutReassemblesIntoTheDirectFile() throws IOException {
        Path elf = DumpFiles.elf(dir, "vmcore");
        Path direct = dir.resolve("direct.kdump");
        assertThat(CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "--compress", "none", "--dump-level", "1",
                "-o", direct.toString()).exit()).isZero();
        Path flat = dir.resolve("dump.flat");
        CliRun f = CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "-F", "--compress", "none", "--dump-level",
                "1", "-o", flat.toString());
        assertThat(f.exit()).as(f.err()).isZero();
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, false));
            assertThat(CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "-F", "--compress", "none",
                    "--dump-level", "1", "-o", "-").exit()).isZero();
        } finally {
            System.out.flush();
            System.setOut(old);
        }
        assertThat(bytes.toByteArray()).isEqualTo(Files.readAllBytes(flat));

        Path rebuilt = dir.resolve("rebuilt.kdump");
        CliRun r = CliRun.of("zgetdump", "--reassemble", flat.toString(), "-o", rebuilt.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(rebuilt)).isEqualTo(Files.readAllBytes(direct));

        InputStream in = System.in;
        Path fromStdin = dir.resolve("stdin.kdump");
        try {
            System.setIn(new ByteArrayInputStream(bytes.toByteArray()));
            assertThat(CliRun.of("zgetdump", "--reassemble", "-", "-o", fromStdin.toString()).exit()).isZero();
        } finally {
            System.setIn(in);
        }
        assertThat(Files.readAllBytes(fromStdin)).isEqualTo(Files.readAllBytes(direct));

        CliRun i = CliRun.of("zgetdump", "-i", "--json", flat.toString());
        assertThat(i.exit()).as(i.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(i.out()));
        assertThat(o).containsEntry("format", "kdump_flat").containsEntry("complete", true);
        Map<String, Object> pages = MiniJson.object(o.get("kdumpPages"));
        assertThat(((Number) pages.get("dumpLevel")).intValue()).isEqualTo(1);
        assertThat(pages).containsEntry("compression", "none");

        CliRun bad = CliRun.of("zgetdump", "--reassemble", direct.toString(), "-o", dir.resolve("x").toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip().lines().count()).isEqualTo(1);
        assertThat(bad.err()).contains("signature");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void infoSaysHowManyPagesAFilteredDumpLeftOut() throws IOException {
        DumpFiles.BootedSystem sys = DumpFiles.system(5);
        long maxMapnr = DumpFiles.SIZE / 4096;
        PageSelection everyOther = new PageSelection() {
            @Override
            public long maxMapnr() {
                return maxMapnr;
            }

            @Override
            public boolean kept(long pfn) {
                return pfn >= 0 && pfn < maxMapnr && (pfn < 1024 || pfn % 2 == 0);
            }

            @Override
            public long nextKept(long pfn) {
                for (long p = Math.max(0, pfn); p < maxMapnr; p++) {
                    if (kept(p)) {
                        return p;
                    }
                }
                return -1;
            }

            @Override
            public int dumpLevel() {
                return 31;
            }
        };
        Path f = dir.resolve("filtered.kdump");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new KdumpCompressedWriter(KdumpCompressedWriter.Options.of(PageCompression.ZSTD)).write(sys.memory(),
                    sys.metadata(), KdumpNotes.built(sys.metadata()), everyOther, new KdumpFileOutput(ch));
        }
        long filtered = (maxMapnr - 1024) / 2;
        CliRun i = CliRun.of("zgetdump", "-i", f.toString());
        assertThat(i.exit()).as(i.err()).isZero();
        assertThat(i.out()).contains("  Dump level.........: 31 (makedumpfile -d), pages zstd")
                .contains("  Pages filtered out.: " + filtered + " of 4096 (" + filtered * 4096 / (1 << 20) + " MB)");
        // converted to ELF, the filtered pages stay absent: the core has no PT_LOAD for them
        Path elf = dir.resolve("filtered.elf");
        assertThat(CliRun.of("zgetdump", f.toString(), "-f", "elf", "-o", elf.toString()).exit()).isZero();
        try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(elf)), "e");
                ReadBackDump k = KdumpCompressedReader.open(DumpBlockSource.of(FileChannel.open(f)), "k")) {
            assertThat(d.memory().chunks().stream().mapToLong(c -> c.size()).sum())
                    .isEqualTo((maxMapnr - filtered) * 4096);
            assertThat(k.memory().chunks().stream().mapToLong(c -> c.size()).sum())
                    .isEqualTo((maxMapnr - filtered) * 4096);
        }
    }

    @Test
    void wrongOptionsAndPageDescriptorsTheFilterCannotReachSayWhy() throws IOException {
        // the kernel's DAT root has an empty first entry: makedumpfile cannot walk to the struct pages
        Path broken = DumpFiles.elf(dir, "broken", s -> s.putU64(FirstKernelLayout.SWAPPER_PG_DIR, 0x24));
        String out = dir.resolve("o").toString();
        CliRun r = CliRun.of("zgetdump", broken.toString(), "-f", "kdump", "--dump-level", "31", "-o", out);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("sadump")).count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("sadump zgetdump: ").doesNotContain("Exception");
        assertThat(Path.of(out)).doesNotExist();
        // levels 0 and 1 read no struct pages: the same dump converts there
        assertThat(CliRun.of("zgetdump", broken.toString(), "-f", "kdump", "--dump-level", "1", "-o", out).exit())
                .isZero();
        Files.delete(Path.of(out));
        Path elf = DumpFiles.elf(dir, "vmcore");
        assertThat(CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "--dump-level", "32", "-o", out).exit())
                .isEqualTo(2);
        CliRun lzo = CliRun.of("zgetdump", elf.toString(), "-f", "kdump", "--compress", "lzo", "-o", out);
        assertThat(lzo.exit()).isEqualTo(2);
        assertThat(lzo.err()).contains("zlib, zstd or none");
        assertThat(CliRun.of("zgetdump", elf.toString(), "-f", "elf", "--dump-level", "1", "-o", out).exit())
                .isEqualTo(2);
        assertThat(CliRun.of("zgetdump", elf.toString(), "-F", "-o", out).exit()).isEqualTo(2);
        assertThat(CliRun.of("zgetdump", "--reassemble", elf.toString(), "-o", "-").exit()).isEqualTo(2);
    }
}
