package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.FirstKernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZgetdumpCommandTest {
    @TempDir
    Path dir;

    @Test
    void infoPrintsTheZgetdumpFields() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        CliRun r = CliRun.of("zgetdump", "-i", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("General dump info:")
                .contains("  Dump format........: s390_ext")
                .contains("  Version............: 2")
                .contains("  Dump created.......: " + DumpInfoReport.time(DumpFiles.START, java.time.ZoneId.systemDefault()))
                .contains("  Dump CPU ID........: ff00012320648000")
                .contains("  UTS node name......: " + DumpFiles.NODENAME)
                .contains("  UTS kernel release.: " + FirstKernel.RELEASE)
                .contains("  System arch........: s390x (64 bit)")
                .contains("  CPU count (online).: 2")
                .contains("  CPU count (real)...: 2")
                .contains("  Dump memory range..: 16 MB")
                .contains("  Real memory range..: 16 MB")
                .contains("Memory map:")
                .contains("  0000000000000000 - 0000000000ffffff (16 MB)")
                // zgetdump prints no volume number, and the zlib lines only with -V (here -v)
                .doesNotContain("Volume number").doesNotContain("Zlib").doesNotContain("Dump medium");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void infoAsJson() throws IOException {
        Path f = DumpFiles.classic(dir, "dump.s390");
        CliRun r = CliRun.of("zgetdump", "-i", "--json", f.toString());
        assertThat(r.exit()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o).containsEntry("format", "s390").containsEntry("complete", true)
                .containsEntry("utsNodename", DumpFiles.NODENAME).containsEntry("utsRelease", FirstKernel.RELEASE)
                .containsEntry("cpuId", "ff00012320648000").containsEntry("created", DumpFiles.START.toString());
        assertThat(((Number) o.get("dumpMemorySize")).longValue()).isEqualTo(DumpFiles.SIZE);
        assertThat(MiniJson.array(o.get("memoryMap"))).hasSize(1);
    }

    /** UTS facts that came past a meminfo page failing its checksum are marked in the text and the JSON. */
    @Test
    void infoMarksUtsFactsFromADamagedMeminfoPage() throws IOException {
        long body = io.sadump.fixtures.FirstKernelLayout.MEMINFO_PAGE + 0x300;
        DumpFiles.BootedSystem m = DumpFiles.system(5, s -> s.putU8(body, s.u8(body) ^ 0x20));
        Path f = dir.resolve("damaged.s390");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new io.sadump.dump.s390.ClassicS390DumpWriter(DumpFiles.settings().withCompression(false))
                    .writeFile(m.memory(), m.metadata(), ch);
        }
        CliRun r = CliRun.of("zgetdump", "-i", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("  UTS node name......: " + DumpFiles.NODENAME)
                .contains("  UTS info...........: UNVERIFIED (meminfo checksum failed)");
        CliRun j = CliRun.of("zgetdump", "-i", "--json", f.toString());
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out()));
        assertThat(o).containsEntry("utsTrusted", false).containsEntry("utsUnverified", "meminfo checksum failed");

        CliRun sound = CliRun.of("zgetdump", "-i", DumpFiles.classic(dir, "sound.s390").toString());
        assertThat(sound.out()).doesNotContain("UTS info").doesNotContain("UNVERIFIED");
    }

    @Test
    void incompleteDumpExitsOne() throws IOException {
        Path f = DumpFiles.classic(dir, "dump.s390");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(5 * DumpFiles.MIB);
        }
        CliRun r = CliRun.of("zgetdump", "-i", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Dump format........: s390");
        assertThat(r.err()).startsWith("sadump zgetdump: Dump cannot be processed (is not complete)");
        CliRun c = CliRun.of("zgetdump", f.toString(), "-o", dir.resolve("x.elf").toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).contains("cut short");
        assertThat(dir.resolve("x.elf")).doesNotExist();
    }

    @Test
    void garbageAndEmptyGiveOneLine() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        CliRun r = CliRun.of("zgetdump", "-i", empty.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("sadump zgetdump: " + empty + ": the file is empty: no dump found");
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hello, this is no dump\n");
        r = CliRun.of("zgetdump", "-i", txt.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().split("\n")).hasSize(1);
        assertThat(r.err()).contains("no valid dump found");
    }

    @Test
    void convertsToElfAndBackToS390() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        Path elf = dir.resolve("dump.elf");
        CliRun r = CliRun.of("zgetdump", f.toString(), "-f", "elf", "-o", elf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Source: s390_ext").contains("Target: elf").contains("Success: Dump has been copied");
        Path s390 = dir.resolve("dump.s390");
        r = CliRun.of("zgetdump", elf.toString(), "-f", "s390", "-o", s390.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        CliRun i = CliRun.of("zgetdump", "-i", s390.toString());
        assertThat(i.exit()).isZero();
        assertThat(i.out()).contains("Dump format........: s390").contains("UTS node name......: " + DumpFiles.NODENAME);
        // memory of the classic output equals the original classic dump's memory
        Path orig = DumpFiles.classic(dir, "orig.s390");
        byte[] a = Files.readAllBytes(s390);
        byte[] b = Files.readAllBytes(orig);
        assertThat(java.util.Arrays.copyOfRange(a, 4096, a.length - 16))
                .isEqualTo(java.util.Arrays.copyOfRange(b, 4096, b.length - 16));
    }

    @Test
    void convertingOverAnExistingOutputReplacesItWholeAndLeavesNoHiddenFile() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        Path elf = dir.resolve("first.elf");
        assertThat(CliRun.of("zgetdump", f.toString(), "-o", elf.toString()).exit()).isZero();
        Path out = dir.resolve("again.elf");
        Files.write(out, new byte[(int) Files.size(elf) + 12345]); // longer than the conversion
        CliRun r = CliRun.of("zgetdump", f.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(elf));
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".again.elf"));
        }
    }

    @Test
    void writesToStdout() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        Path elf = dir.resolve("file.elf");
        assertThat(CliRun.of("zgetdump", f.toString(), "-o", elf.toString()).exit()).isZero();
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, false));
            CliRun r = CliRun.of("zgetdump", f.toString(), "-o", "-");
            assertThat(r.exit()).isZero();
        } finally {
            System.out.flush();
            System.setOut(old);
        }
        assertThat(bytes.toByteArray()).isEqualTo(Files.readAllBytes(elf));
    }

    @Test
    void infoOfAMultiVolumeDumpTakesItsVolumesInAnyOrder() throws IOException {
        java.util.List<Path> images = DumpFiles.multiVolume(dir, 3, 5);
        String inOrder = null;
        for (int[] order : new int[][] {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}}) {
            CliRun r = CliRun.of("zgetdump", "-i", images.get(order[0]).toString(), images.get(order[1]).toString(),
                    images.get(order[2]).toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("s390mv_ext").contains("UTS node name......: " + DumpFiles.NODENAME)
                    .contains("Volume 0: 0.0.0190 (online/active)").contains("Volume 1: 0.0.0191 (online/active)")
                    .contains("Volume 2: 0.0.0192 (online/active)");
            if (inOrder == null) {
                inOrder = r.out();
            }
            assertThat(r.out()).as("order %s", java.util.Arrays.toString(order)).isEqualTo(inOrder);
        }
    }

    @Test
    void infoOfAMultiVolumeDumpNamesAMissingVolume() throws IOException {
        java.util.List<Path> images = DumpFiles.multiVolume(dir, 3, 5);
        CliRun r = CliRun.of("zgetdump", "-i", images.get(2).toString(), images.get(0).toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("sadump zgetdump: ").contains("missing: volume 1 (0.0.0191)");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    /** Regression: a system chosen with --select is written with the dump's own start time, end time and CPU id. */
    @Test
    void selectedSystemKeepsTheDumpsTimesAndCpuId() throws IOException {
        Path f = DumpFiles.classicWhileKdumpRan(dir, "both.s390");
        Map<String, Object> source = MiniJson.object(MiniJson.parse(CliRun.of("zgetdump", "-i", "--json",
                f.toString()).out()));
        assertThat(source).containsEntry("created", DumpFiles.START.toString())
                .containsEntry("cpuId", "ff00012320648000");
        for (String select : java.util.List.of("prod", "kdump")) {
            for (String format : java.util.List.of("s390", "elf")) {
                Path out = dir.resolve(select + "." + format);
                CliRun r = CliRun.of("zgetdump", f.toString(), "--select", select, "-f", format, "-o", out.toString());
                assertThat(r.exit()).as(r.err()).isZero();
                Map<String, Object> o = MiniJson.object(MiniJson.parse(CliRun.of("zgetdump", "-i", "--json",
                        out.toString()).out()));
                assertThat(o).as("%s as %s", select, format).containsEntry("format", format)
                        .containsEntry("cpuCountOnline", source.get("cpuCountOnline"));
                if (format.equals("s390")) {
                    assertThat(o).as("%s as s390", select).containsEntry("created", source.get("created"))
                            .containsEntry("ended", source.get("ended")).containsEntry("cpuId", source.get("cpuId"));
                }
            }
        }
    }

    @Test
    void usageErrors() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        assertThat(CliRun.of("zgetdump", f.toString()).exit()).isEqualTo(2);
        assertThat(CliRun.of("zgetdump", f.toString(), "-f", "lkcd", "-o", "x").exit()).isEqualTo(2);
        CliRun r = CliRun.of("zgetdump", f.toString(), "--select", "prod", "-o", dir.resolve("p").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("only one system");
        assertThat(CliRun.of("zgetdump", "-d", dir.toString()).exit()).isEqualTo(2);
    }

    @Test
    void deviceShowsTheDumpTool() throws Exception {
        Path m = dir.resolve("sys1");
        java.util.List<io.sadump.machine.AttachedDevice> devs = java.util.List.of(
                io.sadump.device.AttachedDevices.parseDasd("0.0.0190:2"));
        io.sadump.machine.MachineConfig cfg = io.sadump.machine.MachineConfig.of(64 * DumpFiles.MIB, 1,
                java.util.Optional.empty()).withDevices(devs);
        io.sadump.machine.MachineDirectory md = io.sadump.machine.MachineDirectory.create(m, cfg,
                java.util.List.of(io.sadump.machine.CpuState.reset(0).withPrefix(0x10000)));
        io.sadump.device.AttachedDevices.createImage(md, devs.get(0));
        assertThat(CliRun.of("zgetdump", "-d", m.toString(), "190").out()).contains("Dump tool:          none");
        assertThat(CliRun.of("dumpdev", "prepare", m.toString(), "190", "--size", "100M").exit()).isZero();
        CliRun r = CliRun.of("zgetdump", "-d", m.toString(), "0.0.0190");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("XECKD64").contains("Dump size limit:    100 MB");
    }
}
