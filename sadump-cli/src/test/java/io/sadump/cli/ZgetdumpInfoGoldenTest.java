package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sadump zgetdump -i} against the text zgetdump 2.43 prints for the same dump, written out in
 * full. Each golden is derived from s390-tools v2.43.0 {@code zdump/}: {@code dfi.c dfi_info_print}
 * prints, in this order, "Dump format" (the input format's name), then each attribute the input format
 * set (see the comment of each test for the {@code dfi_attr_*} calls), "System arch" always, the memory
 * map from {@code dfi_mem_chunk.c dfi_mem_map_print} (adjacent chunks merged while on one volume, sizes
 * rounded to the nearest MiB by {@code TO_MIB}), and "Dump device info" from the format's
 * {@code info_dump}. Dates are {@code strftime("%a, %d %b %Y %H:%M:%S %z")} of {@code localtime}: the
 * tests fix the zone to Europe/Berlin, where the dumps' start (09:30:00 UTC) is 10:30:00 +0100.
 *
 * <p>All dumps are of one 16 MiB system with 2 CPUs (DumpFiles): MiBs 1, 7..12 and 14..15 are zero.
 */
class ZgetdumpInfoGoldenTest {
    @TempDir
    Path dir;

    private TimeZone zoneBefore;

    @BeforeEach
    void fixZone() {
        zoneBefore = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(zoneBefore);
    }

    /**
     * The lines every s390 dump of the test system has, from {@code df_s390.c df_s390_hdr_add} (Version,
     * Dump created from the header TOD, Dump CPU ID when non-zero), {@code df_s390_em_add} (Dump ended from
     * the end marker's TOD), {@code dfi.c utsname_init} (the three UTS lines, found through the
     * VMCOREINFO's init_uts_ns), the CPU count of the header's cpu_cnt ({@code df_s390_cpu_info_add}),
     * real_cpu_cnt and mem_size_real ({@code df_s390_hdr_add}, each when non-zero) and {@code
     * dfi_mem_range} (the chunks span [0, mem_size)).
     */
    private static String s390Head(String format) {
        return "General dump info:\n"
                + "  Dump format........: " + format + "\n"
                + "  Version............: 2\n"
                + "  Dump created.......: Wed, 25 Nov 2026 10:30:00 +0100\n"
                + "  Dump ended.........: Wed, 25 Nov 2026 10:30:00 +0100\n"
                + "  Dump CPU ID........: ff00012320648000\n"
                + "  UTS node name......: cli-node\n"
                + "  UTS kernel release.: 6.1.0-sadump-s390x\n"
                + "  UTS kernel version.: #1 SMP sadump model\n"
                + "  System arch........: s390x (64 bit)\n"
                + "  CPU count (online).: 2\n"
                + "  CPU count (real)...: 2\n"
                + "  Dump memory range..: 16 MB\n"
                + "  Real memory range..: 16 MB\n";
    }

    /** Runs {@code zgetdump -i SOURCES} and checks exit 0 and both streams in full. */
    private static void assertInfo(List<Path> sources, String out, String err) {
        List<String> args = new ArrayList<>(List.of("zgetdump", "-i"));
        sources.forEach(p -> args.add(p.toString()));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(out);
        assertThat(r.err()).isEqualTo(err);
    }

    /** The map of a dump whose chunks are all on one volume: [0, 16 MiB) in one line. */
    private static final String ONE_RANGE_MAP = "\n"
            + "Memory map:\n"
            + "  0000000000000000 - 0000000000ffffff (16 MB)\n";

    @Test
    void classicS390File() throws IOException {
        // dfi_s390.c mem_chunks_add: one chunk [0, mem_size); no dump file size, no volume number
        Path f = DumpFiles.classic(dir, "dump.s390");
        assertInfo(List.of(f), s390Head("s390") + ONE_RANGE_MAP, "");
    }

    @Test
    void classicS390OnAwsTape() throws IOException {
        // dfi_s390tape.c vol_init: "Checking tape, this can take a while..." (stderr, before reading),
        // df_s390_hdr_add and df_s390_em_add as for a file, one chunk [0, mem_size)
        Path tape = DumpFiles.tape(dir, "0.0.0181.aws");
        assertInfo(List.of(tape), s390Head("s390tape") + ONE_RANGE_MAP, "Checking tape, this can take a while...\n");
    }

    @Test
    void s390ExtOn3390WithoutZlib() throws IOException {
        // dfi_s390.c mem_chunks_add_ext: zero chunks between the segments, all on volume 0, so one map
        // line; "Dump file size" = the segments' lengths (MiBs 0, 2..6, 13, and 14..15, the first kernel's
        // memblock area with its page tables and struct pages: 9 MiB); no zlib attributes
        Path img = DumpFiles.dasd(dir, "0.0.0190.3390", true, false);
        assertInfo(List.of(img), s390Head("s390_ext")
                + "  Dump file size.....: 9 MB\n"
                + ONE_RANGE_MAP, "");
    }

    @Test
    void s390ExtOn3390WithZlib() throws IOException {
        // "Dump file size" = the compressed segments' size_on_disk blocks (b2m); df_s390_hdr_add sets the
        // zlib attributes, but dfi_info_print prints them only with -V (g.opts.verbose)
        Path img = DumpFiles.dasd(dir, "0.0.0190.3390", true, true);
        assertInfo(List.of(img), s390Head("s390_ext")
                + "  Dump file size.....: 3 MB\n"
                + ONE_RANGE_MAP, "");
    }

    @Test
    void s390ExtMultiVolume() throws IOException {
        // dfi_s390mv_ext.c: df_s390_hdr_add of volume 0's header (mvdump set: no zlib attributes),
        // "Dump file size" = the segments' lengths; dfi_mem_chunk_add_vol gives every chunk its volume, a
        // zero chunk the volume of the segment after it and the zero chunk at the end the last volume's,
        // so the map has one line per volume. Where the 5-cylinder volumes filled up: volume 0 holds
        // MiBs 0..3, volume 1 MiBs 4..6, volume 2 (zero) 7..12, MiB 13 and the memblock area 14..15.
        // info_dump = dfi_s390mv_info: "  Volume %i: %s (%s/%s)" with bus id, status and sign.
        List<Path> images = DumpFiles.multiVolume(dir, 3, 5);
        assertInfo(images, s390Head("s390mv_ext")
                + "  Dump file size.....: 9 MB\n"
                + "\n"
                + "Memory map:\n"
                + "  0000000000000000 - 00000000003fffff (4 MB)\n"
                + "  0000000000400000 - 00000000006fffff (3 MB)\n"
                + "  0000000000700000 - 0000000000ffffff (9 MB)\n"
                + "\n"
                + "Dump device info:\n"
                + "  Volume 0: 0.0.0190 (online/active)\n"
                + "  Volume 1: 0.0.0191 (online/active)\n"
                + "  Volume 2: 0.0.0192 (online/active)\n", "");
    }

    @Test
    void s390ExtFile() throws IOException {
        // zgetdump reads s390_ext only from a block device (dfi_s390_init_gen needs BLKSSZGET); sadump
        // also reads it from a file and prints what zgetdump prints for the same dump on a partition.
        // DumpFiles.ext compresses (the writer's default).
        Path f = DumpFiles.ext(dir, "dump.ext");
        assertInfo(List.of(f), s390Head("s390_ext")
                + "  Dump file size.....: 3 MB\n"
                + ONE_RANGE_MAP, "");
    }

    @Test
    void elfVmcore() throws IOException {
        // dfi_elf.c dfi_elf_init sets only the version (e_ident[EI_VERSION] = 1) and one CPU per
        // NT_PRSTATUS; no time (CRASHTIME is read only for --select prod), no CPU ID, no real CPU count,
        // no real memory size, no file size. The PT_LOAD chunks are adjacent: one map line.
        Path f = DumpFiles.elf(dir, "dump.elf");
        assertInfo(List.of(f), "General dump info:\n"
                + "  Dump format........: elf\n"
                + "  Version............: 1\n"
                + "  UTS node name......: cli-node\n"
                + "  UTS kernel release.: 6.1.0-sadump-s390x\n"
                + "  UTS kernel version.: #1 SMP sadump model\n"
                + "  System arch........: s390x (64 bit)\n"
                + "  CPU count (online).: 2\n"
                + "  Dump memory range..: 16 MB\n"
                + ONE_RANGE_MAP, "");
    }

    @Test
    void preparedDumpDeviceWithoutADump() throws IOException {
        // zgetdump: every input format declines the zeroed partition (no header magic), and dfi.c
        // dfi_init ends with ERR_EXIT("No valid dump found on \"%s\"") (exit 1, nothing on stdout).
        // sadump says the same in its own one line, naming the file and what it found there.
        Path img = DumpFiles.dasd(dir, "0.0.0190.3390", false, false);
        CliRun r = CliRun.of("zgetdump", "-i", img.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("sadump zgetdump: " + img + ": no valid dump found on the 3390: the dump "
                + "partition starts with 0000000000000000, not an s390 dump header\n");
    }

    @Test
    void incompleteDumpPrintsTheInfoAnEmptyLineAndTheVerdict() throws IOException {
        // zgetdump.c do_dump_info: dfi_info_print, "\n", then dfi_init_error: "Dump cannot be processed
        // (is not complete)", exit 1. The classic chunk is [0, mem_size) whatever the file holds.
        Path f = DumpFiles.classic(dir, "dump.s390");
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(5 * DumpFiles.MIB);
        }
        CliRun r = CliRun.of("zgetdump", "-i", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        // no end marker was read: no "Dump ended"
        assertThat(r.out()).isEqualTo(s390Head("s390").replace("  Dump ended.........: Wed, 25 Nov 2026 10:30:00 "
                + "+0100\n", "") + ONE_RANGE_MAP + "\n");
        assertThat(r.err()).startsWith("sadump zgetdump: Dump cannot be processed (is not complete): ");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void verboseAddsZgetdumpsVerboseLinesAndSadumpsDetails() throws IOException {
        Path img = DumpFiles.dasd(dir, "0.0.0190.3390", true, true);
        CliRun r = CliRun.of("zgetdump", "-i", "-v", img.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        // dfi_info_print with -V: the zlib lines after "Dump file size"
        assertThat(lines).containsSequence("  Dump file size.....: 3 MB", "  Zlib version.......: 1",
                "  Zlib compression unit: 1 MB", "", "Memory map:");
        // dfi_mem_map_print(verbose): one line per chunk, " zeroes" for the zero chunks
        assertThat(lines).containsSequence(
                "  0000000000000000 - 00000000000fffff (1 MB)",
                "  0000000000100000 - 00000000001fffff (1 MB zeroes)",
                "  0000000000200000 - 00000000006fffff (5 MB)",
                "  0000000000700000 - 0000000000cfffff (6 MB zeroes)",
                "  0000000000d00000 - 0000000000ffffff (3 MB)");
        // then sadump's own facts
        int details = lines.indexOf("sadump details:");
        assertThat(details).isPositive();
        assertThat(lines.subList(details, lines.size())).containsExactly(
                "sadump details:",
                "  Dump medium........: 3390 CKD image",
                "  Volume number......: 0",
                "  CPUs with registers: 2",
                "  Real memory range..: 16 MB (16777216 bytes)",
                "  Dump file size.....: 3 MB (3268608 bytes of memory data)",
                "  Zlib compression unit: 1 MB",
                "  Volume 0...........: (active) " + img);
        // the default lines are all there, in their order
        CliRun plain = CliRun.of("zgetdump", "-i", img.toString());
        List<String> head = plain.out().lines().takeWhile(l -> !l.equals("Memory map:")).toList();
        assertThat(lines).containsSubsequence(head);
    }

    @Test
    void verboseShowsWhatTheDefaultLeavesOutForClassicAndElf() throws IOException {
        Path s390 = DumpFiles.classic(dir, "dump.s390");
        CliRun r = CliRun.of("zgetdump", "-i", "--verbose", s390.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\nsadump details:\n  Dump medium........: file\n  Volume number......: 0\n")
                .contains("  Dump file size.....: 16 MB (16777216 bytes of memory data)\n");
        Path elf = DumpFiles.elf(dir, "dump.elf");
        r = CliRun.of("zgetdump", "-i", "-v", elf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("  Real memory range..: 16 MB (16777216 bytes)\n")
                .contains("  Dump file size.....: 16 MB (16777216 bytes of memory data)\n")
                .doesNotContain("Volume number");
    }

    @Test
    void multiVolumeVerboseNamesTheImages() throws IOException {
        List<Path> images = DumpFiles.multiVolume(dir, 3, 5);
        List<String> args = new ArrayList<>(List.of("zgetdump", "-i", "-v"));
        images.forEach(p -> args.add(p.toString()));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("  Dump medium........: 3390 CKD images\n")
                .contains("  Volume 2...........: 0.0.0192 (active) " + images.get(2) + "\n")
                .doesNotContain("Zlib");
    }

    @Test
    void datesAreStrftimeInTheLocalZone() {
        Instant t = Instant.parse("2026-12-01T21:18:56Z");
        assertThat(DumpInfoReport.time(t, ZoneId.of("UTC"))).isEqualTo("Tue, 01 Dec 2026 21:18:56 +0000");
        assertThat(DumpInfoReport.time(t, ZoneId.of("Asia/Kolkata"))).isEqualTo("Wed, 02 Dec 2026 02:48:56 +0530");
        assertThat(DumpInfoReport.time(t, ZoneId.of("America/New_York"))).isEqualTo("Tue, 01 Dec 2026 16:18:56 -0500");
    }

    @Test
    void sizesRoundToTheNearestMibAsToMib() {
        assertThat(DumpInfoReport.toMib(0)).isZero();
        assertThat(DumpInfoReport.toMib(DumpFiles.MIB / 2 - 1)).isZero();
        assertThat(DumpInfoReport.toMib(DumpFiles.MIB / 2)).isEqualTo(1);
        assertThat(DumpInfoReport.toMib(3342336)).isEqualTo(3);
        assertThat(DumpInfoReport.toMib(7 * DumpFiles.MIB)).isEqualTo(7);
    }

    @Test
    void jsonKeepsItsKeys() throws IOException {
        Path f = DumpFiles.elf(dir, "dump.elf");
        CliRun r = CliRun.of("zgetdump", "-i", "--json", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        java.util.Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o).containsKeys("format", "medium", "complete", "problem", "version", "created", "ended", "cpuId",
                "utsNodename", "utsRelease", "utsVersion", "volumeNumber", "arch", "cpuCountOnline", "cpuCountReal",
                "dumpMemorySize", "realMemorySize", "dumpFileBytes", "zlibEntrySize", "memoryMap", "volumes", "kdump");
        assertThat(o).containsEntry("medium", "file").containsEntry("format", "elf");
        // added beside them: the zgetdump attributes the text prints only with -v or never for sadump dumps
        assertThat(o).containsEntry("zlibVersion", null).containsEntry("dumpMethod", null);
        Path z = DumpFiles.dasd(dir, "0.0.0190.3390", true, true);
        o = MiniJson.object(MiniJson.parse(CliRun.of("zgetdump", "-i", "--json", z.toString()).out()));
        assertThat(((Number) o.get("zlibVersion")).intValue()).isEqualTo(1);
        assertThat(((Number) o.get("zlibEntrySize")).intValue()).isEqualTo(1 << 20);
        assertThat(o).containsEntry("medium", "3390 CKD image").containsEntry("volumeNumber", 0L);
    }
}
