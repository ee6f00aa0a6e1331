package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.CpuState;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.output.RangeUndoRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpdevCommandTest {
    @TempDir
    Path tmp;

    Path dir;

    record Run(int exit, String out, String err) {}

    static Run sadump(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SadumpCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(rc, out.toString(), err.toString());
    }

    @BeforeEach
    void machine() throws Exception {
        dir = tmp.resolve("sys1");
        List<AttachedDevice> devs = List.of(AttachedDevices.parseDasd("0.0.0190:2"), AttachedDevices.parseDasd("191:1"),
                AttachedDevices.parseDasd("192:1"), AttachedDevices.parseTape("0.0.0181:1M"));
        MachineConfig cfg = MachineConfig.of(64 * Sizes.MIB, 1, Optional.empty()).withDevices(devs);
        MachineDirectory m = MachineDirectory.create(dir, cfg, List.of(CpuState.reset(0).withPrefix(0x10000)));
        for (AttachedDevice d : devs) {
            AttachedDevices.createImage(m, d);
        }
    }

    @Test
    void showOnANewDasdSaysNoDumpTool() {
        Run r = sadump("dumpdev", "show", dir.toString(), "190");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Device:             0.0.0190 (3390 DASD, 2 cylinders)")
                .contains("Dump tool:          none");
        Run j = sadump("dumpdev", "show", dir.toString(), "190", "--json");
        assertThat(j.out()).contains("\"tool\":null").contains("\"device\":\"0.0.0190\"");
    }

    @Test
    void prepareSingleVolumeThenShow() {
        Run p = sadump("dumpdev", "prepare", dir.toString(), "0.0.0190", "--size", "100M", "--no-compress");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).contains("Prepared 0.0.0190 (3390 DASD) as a dump device.");
        Run r = sadump("dumpdev", "show", dir.toString(), "190");
        assertThat(r.out()).contains("Single-volume DASD dump tool (64 bit)").contains("Magic:              XECKD64")
                .contains("Version:            2").contains("Dump size limit:    100 MB")
                .contains("Compression:        off (--no-compress)").contains("Disabled wait:      000A0000 005AD002")
                .contains("IPL PSW:            00080000 80002008").contains("blocks 12..359");
        Run j = sadump("dumpdev", "show", dir.toString(), "190", "--json");
        assertThat(j.out()).contains("\"tool\":\"XECKD64\"").contains("\"sizeLimit\":104857600")
                .contains("\"compression\":false").contains("\"problems\":[]");
    }

    @Test
    void sizeLimitIsRoundedUpToAMebibyte() {
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "190", "--size", "1000K").exit()).isZero();
        assertThat(sadump("dumpdev", "show", dir.toString(), "190").out()).contains("Dump size limit:    1 MB")
                .contains("Compression:        zlib");
    }

    @Test
    void prepareMultiVolumeWritesTheTableAndSignatureOnEveryVolume() throws Exception {
        Run p = sadump("dumpdev", "prepare", dir.toString(), "--multi", "190,0.0.0191", "--force");
        assertThat(p.exit()).as(p.err()).isZero();
        for (String dev : List.of("190", "191")) {
            Run r = sadump("dumpdev", "show", dir.toString(), dev);
            assertThat(r.out()).contains("Multi-volume DASD dump tool (64 bit)").contains("Magic:              XMULT64")
                    .contains("Force specified:    yes").contains("Signature:          present")
                    .contains("Multi-volume table: 2 volumes").containsPattern("0  0\\.0\\.0190  blocks 12\\.\\.359  ok")
                    .containsPattern("1  0\\.0\\.0191  blocks 12\\.\\.179  ok");
        }
        // re-preparing 191 alone as a single volume makes it leave the set
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "191").exit()).isZero();
        assertThat(sadump("dumpdev", "show", dir.toString(), "190").out())
                .containsPattern("0\\.0\\.0191  blocks 12\\.\\.179  no multi-volume dump tool");
        Run j = sadump("dumpdev", "show", dir.toString(), "190", "--json");
        assertThat(j.out()).contains("\"tool\":\"XMULT64\"").contains("\"signature\":true").contains("\"state\":\"ok\"");
    }

    @Test
    void multiVolumeRejectsTapesAndUnknownDevices() {
        Run r = sadump("dumpdev", "prepare", dir.toString(), "--multi", "190,181");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("sadump dumpdev prepare: device 0.0.0181 is a 3490 tape, not a 3390 DASD");
        Run u = sadump("dumpdev", "prepare", dir.toString(), "--multi", "190,1a0");
        assertThat(u.exit()).isEqualTo(1);
        assertThat(u.err()).contains("device 0.0.01a0 is not attached to machine");
    }

    @Test
    void prepareTapeThenShow() {
        Run p = sadump("dumpdev", "prepare", dir.toString(), "181", "--size", "16M");
        assertThat(p.exit()).as(p.err()).isZero();
        Run r = sadump("dumpdev", "show", dir.toString(), "0.0.0181");
        assertThat(r.out()).contains("Tape dump tool (64 bit)").contains("Dump size limit:    16 MB")
                .contains("Disabled wait:      000A0000 005AD006").contains("3490 tape, capacity 1M");
    }

    @Test
    void usageErrors() {
        assertThat(sadump("dumpdev", "prepare", dir.toString()).exit()).isEqualTo(2);
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "190", "--multi", "191").exit()).isEqualTo(2);
        Run f = sadump("dumpdev", "prepare", dir.toString(), "190", "--force");
        assertThat(f.exit()).isEqualTo(2);
        assertThat(f.err()).contains("--force applies to a multi-volume dump");
        Run t = sadump("dumpdev", "prepare", dir.toString(), "181", "--no-compress");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "190", "--size", "lots").exit()).isEqualTo(2);
        assertThat(sadump("dumpdev").exit()).isEqualTo(2);
        Run n = sadump("dumpdev", "show", tmp.resolve("nothing").toString(), "190");
        assertThat(n.exit()).isEqualTo(1);
        assertThat(n.err()).contains("is not a directory");
    }

    @Test
    void damagedImageGivesOneClearLine() throws Exception {
        Path img = dir.resolve("devices/0.0.0192.3390");
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("CKD_X370".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
        }
        Run r = sadump("dumpdev", "show", dir.toString(), "192");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("sadump dumpdev show: 0.0.0192: ").contains("not a Hercules CKD image")
                .contains("'CKD_X370'").doesNotContain("internal error");
    }

    @Test
    void preparingAMachineLockedByAnotherCommandFails() throws Exception {
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            Run r = sadump("dumpdev", "prepare", dir.toString(), "190");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("locked");
        }
        try (EckdDasd d = AttachedDevices.openDasd(m, AttachedDevices.parseDasd("190").number())) {
            assertThat(d.volser()).isEqualTo("SD0190");
        }
    }

    @Test
    void helpTeaches() {
        Run r = sadump("dumpdev", "prepare", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("zipl -d").contains("--multi").contains("Examples:");
    }
    /** A kill after a preparation rewrote the volume, before it dropped its undo record. */
    private Path interruptedPreparation(byte[] before) throws Exception {
        Path image = dir.resolve("devices").resolve("0.0.0190.3390");
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        RangeUndoRecord.save(image, 0, before.length);
        Path record = RangeUndoRecord.recordOf(image);
        Path aside = tmp.resolve("record");
        Files.move(record, aside);
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "190").exit()).isZero();
        Files.move(aside, record);
        return image;
    }

    @Test
    void showUndoesAPreparationAKillCutShortAndSaysSo() throws Exception {
        byte[] before = Files.readAllBytes(dir.resolve("devices").resolve("0.0.0190.3390"));
        Path image = interruptedPreparation(before);
        Run r = sadump("dumpdev", "show", dir.toString(), "190");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Dump tool:          none");
        assertThat(r.err()).contains("recovered an interrupted preparation of 0.0.0190");
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        assertThat(RangeUndoRecord.recordOf(image)).doesNotExist();
        assertThat(Files.readString(dir.resolve("console.log"))).contains("recovered an interrupted preparation of 0.0.0190");
    }

    @Test
    void showLeavesTheUndoRecordToTheCommandHoldingTheLock() throws Exception {
        byte[] before = Files.readAllBytes(dir.resolve("devices").resolve("0.0.0190.3390"));
        Path image = interruptedPreparation(before);
        try (MachineLock lock = MachineDirectory.open(dir).lock()) {
            Run r = sadump("dumpdev", "show", dir.toString(), "190");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("Single-volume DASD dump tool");
            assertThat(RangeUndoRecord.recordOf(image)).exists();
        }
    }
    /** Appends a block header that claims 32768 bytes and 100 of them, as a kill part way through a write. */
    private static void appendCutShortBlock(Path tape, int previousLength) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(106).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 32768).putShort((short) previousLength).put((byte) 0xA0).put((byte) 0);
        Files.write(tape, b.array(), java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void showCutsOffATapeBlockAKillCutShortAndSaysSo() throws Exception {
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "181").exit()).isZero();
        Path tape = dir.resolve("devices").resolve("0.0.0181.aws");
        byte[] prepared = Files.readAllBytes(tape);
        appendCutShortBlock(tape, 0); // after the tape marks that end the tool file
        Run r = sadump("dumpdev", "show", dir.toString(), "181");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Tape dump tool");
        assertThat(r.err()).contains("recovered an interrupted write on tape 0.0.0181: the 106 bytes of the block it "
                + "cut short are removed at offset " + prepared.length);
        assertThat(Files.readAllBytes(tape)).isEqualTo(prepared);
    }

    @Test
    void aTapeWhoseChainIsBrokenIsNotCut() throws Exception {
        assertThat(sadump("dumpdev", "prepare", dir.toString(), "181").exit()).isZero();
        Path tape = dir.resolve("devices").resolve("0.0.0181.aws");
        appendCutShortBlock(tape, 77); // its back-pointer disagrees: damage, not a write cut short
        long size = Files.size(tape);
        Run r = sadump("dumpdev", "show", dir.toString(), "181");
        assertThat(r.err()).doesNotContain("recovered");
        assertThat(Files.size(tape)).isEqualTo(size);
    }
}
