package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoWriter;
import io.sadump.meminfo.SegmentKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeminfoCommandTest {
    private static final long CK_BASE = 16L << 20;
    private static final long MEMINFO_AT = 0x20_0000;
    private static final long TABLE_AT = 0x20_1000;
    private static final long NOTE_AT = 0x20_2000;
    private static final long INITRD_AT = CK_BASE + 0x80_0000;

    @TempDir
    Path tmp;

    private Path machine(boolean withMeminfo) {
        Path dir = tmp.resolve("sys1");
        MachineDirectory m = MachineDirectory.create(dir,
                MachineConfig.of(64L << 20, 1, Optional.of(CrashkernelRange.parse("16M@16M"))),
                List.of(CpuState.reset(0)));
        if (!withMeminfo) {
            return dir;
        }
        try (MachineLock lock = m.lock(); AbsoluteStorage s = m.openStorage(lock)) {
            SplittableRandom rnd = new SplittableRandom(7);
            MeminfoWriter w = MeminfoWriter.create(s, MEMINFO_AT);
            w.setCrashkernel(CK_BASE, 16L << 20);
            byte[] note = "OSRELEASE=6.1.0\nPAGESIZE=4096\n".getBytes(StandardCharsets.US_ASCII);
            s.write(NOTE_AT, note);
            w.addData(MeminfoEntryIndex.VMCOREINFO, NOTE_AT, note.length);
            w.addValue(MeminfoEntryIndex.KASLR_OFFSET, 0x3E00000);
            List<KexecSegment> segs = new ArrayList<>();
            segs.add(load(s, w, rnd, CK_BASE + 0x10000, 0x7F0000, 0x400000, SegmentKind.KERNEL));
            segs.add(load(s, w, rnd, INITRD_AT, 0x200000, 0x1F0000, SegmentKind.INITRD));
            segs.add(load(s, w, rnd, CK_BASE + 0xA00000, 0x1000, 0x20, SegmentKind.COMMAND_LINE));
            segs.add(load(s, w, rnd, CK_BASE + 0x2000, 0xE000, 0x3000, SegmentKind.PURGATORY));
            w.writeSegmentTable(TABLE_AT, new KexecSegmentTable(Lowcore.IMAGE_ENTRY_KDUMP, segs));
        }
        return dir;
    }

    private static KexecSegment load(AbsoluteStorage s, MeminfoWriter w, SplittableRandom rnd, long mem, long memsz,
            long bufsz, SegmentKind kind) {
        byte[] b = new byte[(int) bufsz];
        rnd.nextBytes(b);
        s.write(mem, b);
        return w.measureSegment(mem, memsz, bufsz, kind);
    }

    private static void corruptInitrd(Path dir) {
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock(); AbsoluteStorage s = m.openStorage(lock)) {
            s.putU8(INITRD_AT + 0x100, s.u8(INITRD_AT + 0x100) ^ 0x80);
        }
    }

    @Test
    void passingSystemAsText() {
        Path dir = machine(true);
        CliRun r = CliRun.of("meminfo", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("machine:      " + dir + " (64M of storage)")
                .contains("pointer:      0x0000000000200000 at lowcore 0x0E18\n")
                .contains("magic:        OSINFOSZ (ok)")
                .containsPattern("checksum:     0x([0-9A-F]{8}) stored, 0x\\1 computed \\(ok\\)")
                .contains("version:      1.2")
                .contains("crashkernel:  0x0000000001000000 size 0x1000000 (16M@16M)")
                .containsPattern("  0  VMCOREINFO +0x0000000000202000 +30  0x28CCCB95  ok")
                .containsPattern("  5  KASLR_OFFSET +0x0000000003E00000 +0  0x00000000  value")
                .containsPattern(" 13  KDUMP_SEGMENTS +0x0000000000201000 +288  0x[0-9A-F]{8}  ok")
                .contains("segments:     table at 0x201000, 288 bytes, version 1, 4 segments, entry point 0x10010")
                .containsPattern("  1  initrd +0x0000000001800000  0x00200000  0x001F0000  [0-9a-f]{64}  ok");
        assertThat(r.lastOutLine()).isEqualTo("PASS: kdump can start");
    }

    @Test
    void corruptedInitrdFailsWithItsCodeAndExitsZero() {
        Path dir = machine(true);
        corruptInitrd(dir);
        CliRun r = CliRun.of("meminfo", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.lastOutLine())
                .isEqualTo("FAIL 0x4533: segment 1 (initrd) corrupted: SHA-256 mismatch over [0x1800000, 0x1A00000)");
        assertThat(r.out()).containsPattern("  1  initrd .* mismatch\n").containsPattern("  0  kernel .* ok\n");
    }

    @Test
    void machineWithoutMeminfo() {
        Path dir = machine(false);
        CliRun r = CliRun.of("meminfo", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("pointer:      0x0000000000000000 at lowcore 0x0E18 (none)");
        assertThat(r.lastOutLine()).isEqualTo("FAIL 0x4520: no meminfo: the pointer at 0x0E18 is 0");
    }

    @Test
    void jsonOnPass() {
        Path dir = machine(true);
        CliRun r = CliRun.of("meminfo", dir.toString(), "--json");
        assertThat(r.exit()).isZero();
        Map<String, Object> root = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(root.get("machine")).isEqualTo(dir.toString());
        assertThat(root.get("storageSize")).isEqualTo(64L << 20);
        assertThat(root.get("pointer")).isEqualTo("0x0000000000200000");
        Map<String, Object> mi = MiniJson.object(root.get("meminfo"));
        assertThat(mi.get("magic")).isEqualTo("OSINFOSZ");
        assertThat(mi.get("csumValid")).isEqualTo(true);
        assertThat(mi.get("csumStored")).isEqualTo(mi.get("csumComputed"));
        assertThat(mi.get("versionMinor")).isEqualTo(2L);
        assertThat(mi.get("crashkernelSize")).isEqualTo(16L << 20);
        List<Object> entries = MiniJson.array(mi.get("entries"));
        assertThat(entries).hasSize(3);
        Map<String, Object> e0 = MiniJson.object(entries.get(0));
        assertThat(e0).containsEntry("name", "VMCOREINFO").containsEntry("csum", "0x28CCCB95")
                .containsEntry("status", "ok").containsEntry("size", 30L);
        assertThat(MiniJson.object(entries.get(1))).containsEntry("value", "0x0000000003E00000")
                .containsEntry("status", "value");
        Map<String, Object> table = MiniJson.object(root.get("segmentTable"));
        assertThat(table).containsEntry("entryPoint", "0x0000000000010010").containsEntry("size", 288L);
        List<Object> segs = MiniJson.array(table.get("segments"));
        assertThat(segs).extracting(s -> MiniJson.object(s).get("kind"))
                .containsExactly("kernel", "initrd", "cmdline", "purgatory");
        assertThat(segs).allSatisfy(s -> assertThat(MiniJson.object(s).get("status")).isEqualTo("ok"));
        Map<String, Object> v = MiniJson.object(root.get("verdict"));
        assertThat(v).containsEntry("pass", true).containsEntry("code", null).containsEntry("check", null)
                .containsEntry("summary", "PASS: kdump can start");
        assertThat(root).containsEntry("segmentTableProblem", null);
        // the in-process time of the verdict, for bench/run
        assertThat(root.get("verdictMicros")).isInstanceOf(Long.class);
        assertThat((Long) root.get("verdictMicros")).isPositive();
    }

    @Test
    void jsonOnFail() {
        Path dir = machine(true);
        corruptInitrd(dir);
        CliRun r = CliRun.of("meminfo", "--json", dir.toString());
        Map<String, Object> v = MiniJson.object(MiniJson.object(MiniJson.parse(r.out())).get("verdict"));
        assertThat(v).containsEntry("pass", false).containsEntry("code", "0x4533")
                .containsEntry("check", "segment corrupted").containsEntry("segmentIndex", 1L)
                .containsEntry("segmentKind", "initrd");
        assertThat((String) v.get("summary")).startsWith("FAIL 0x4533: segment 1 (initrd) corrupted");
    }

    @Test
    void jsonWithoutMeminfo() {
        Path dir = machine(false);
        Map<String, Object> root = MiniJson.object(MiniJson.parse(CliRun.of("meminfo", dir.toString(), "--json").out()));
        assertThat(root).containsEntry("meminfo", null).containsEntry("segmentTable", null);
        assertThat(MiniJson.object(root.get("verdict"))).containsEntry("code", "0x4520");
        assertThat((Long) root.get("verdictMicros")).isNotNegative();
    }

    @Test
    void notAMachineIsOneLineAndExitOne() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        CliRun r = CliRun.of("meminfo", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("sadump meminfo: ").contains("is not a sadump machine").endsWith("\n");
        assertThat(r.err().strip()).doesNotContain("\n");

        CliRun missing = CliRun.of("meminfo", tmp.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("sadump meminfo: ").doesNotContain("\n");
    }
}
