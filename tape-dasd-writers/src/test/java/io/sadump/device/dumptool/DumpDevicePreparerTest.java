package io.sadump.device.dumptool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.ckd.Cchhr;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeRead;
import io.sadump.machine.DeviceNumber;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpDevicePreparerTest {
    @TempDir
    Path dir;

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void unpreparedDasdHasNoTool() throws Exception {
        try (EckdDasd d = EckdDasd.create(dir.resolve("u.3390"), 1, "U")) {
            DumpDeviceInfo info = DumpDevicePreparer.inspect(d);
            assertThat(info.hasDumpTool()).isFalse();
            assertThat(info.iplRecord().get().psw()).isEqualTo(EckdDasd.UNPREPARED_IPL_PSW);
            assertThat(info.problems()).isEmpty();
        }
    }

    @Test
    void singleVolumePreparationWritesToolParametersAndClearsThePartitionStart() throws Exception {
        try (EckdDasd d = EckdDasd.create(dir.resolve("s.3390"), 2, "DUMP07")) {
            EckdExtent p = d.dumpPartition();
            p.writeBlocks(0, ByteBuffer.wrap(filled(20 * 4096, 0x77))); // an old dump
            DumpDeviceInfo info = DumpDevicePreparer.prepareDasd(d,
                    new DumpToolOptions(OptionalLong.of(3L << 30), true, false));
            assertThat(info.tool()).contains(DumpToolKind.ECKD_SINGLE);
            assertThat(info.version()).isEqualTo(2);
            assertThat(info.sizeLimit()).hasValue(3L << 30);
            assertThat(info.parameters().get().noCompress()).isTrue();
            assertThat(info.waitPsw()).hasValue(SadumpIplProgram.WAIT_PSW_ECKD_SINGLE);
            assertThat(info.partitionFirstBlock()).isEqualTo(12);
            assertThat(info.partitionLastBlock()).isEqualTo(359);
            assertThat(info.problems()).isEmpty();
            // block 3 starts with the magic; the tail is the last 16 bytes of block 10
            assertThat(ByteBuffer.wrap(d.readBlock(3)).getLong()).isEqualTo(0x5845434b44363402L);
            byte[] b10 = d.readBlock(10);
            assertThat(ByteBuffer.wrap(b10).getLong(4096 - 8)).isEqualTo(3L << 30);
            assertThat(b10[4096 - 10]).isEqualTo((byte) 1);
            // IPL1, IPL2, VOL1 with the serial kept
            assertThat(d.readIplRecord()).isEqualTo(SadumpIplProgram.dasdIplRecord().toBytes());
            assertThat(d.readRecord(new Cchhr(0, 0, 2)).data()).isEqualTo(
                    SadumpIplProgram.dasdIpl2Record(DumpToolKind.ECKD_SINGLE));
            assertThat(d.volser()).isEqualTo("DUMP07");
            // 64 KiB = 16 blocks zeroed, the 17th keeps the old data
            for (int i = 0; i < 16; i++) {
                assertThat(p.readBlock(i)).as("block %d", i).isEqualTo(new byte[4096]);
            }
            assertThat(p.readBlock(16)).isEqualTo(filled(4096, 0x77));
            assertThat(DumpDevicePreparer.hasSignature(d)).isFalse();
        }
    }

    @Test
    void multiVolumePreparationWritesTheSameTableAndTheSignatureOnEveryVolume() throws Exception {
        Instant now = Instant.parse("2024-05-01T10:00:00Z");
        try (EckdDasd a = EckdDasd.create(dir.resolve("a.3390"), 1, "MVA");
                EckdDasd b = EckdDasd.create(dir.resolve("b.3390"), 3, "MVB")) {
            MultiVolumeTable table = DumpDevicePreparer.prepareMultiVolume(List.of(
                    new DumpDevicePreparer.Volume(DeviceNumber.parse("0.0.0190"), a),
                    new DumpDevicePreparer.Volume(DeviceNumber.parse("0.0.0191"), b)),
                    new DumpToolOptions(OptionalLong.empty(), false, true), now);
            assertThat(table.timestamp()).isEqualTo(MultiVolumeTable.timestampOf(now));
            assertThat(table.volumes()).extracting(MultiVolumeTable.Volume::endBlock).containsExactly(179L, 539L);
            for (EckdDasd d : List.of(a, b)) {
                DumpDeviceInfo info = DumpDevicePreparer.inspect(d);
                assertThat(info.tool()).contains(DumpToolKind.ECKD_MULTI);
                assertThat(info.multiVolumeTable()).contains(table);
                assertThat(info.signature()).isTrue();
                assertThat(info.parameters().get().mvdumpForce()).isTrue();
                assertThat(info.waitPsw()).hasValue(SadumpIplProgram.WAIT_PSW_ECKD_MULTI);
                // the table sits in block 7, after the 4-block tool; the signature at partition offset 512
                assertThat(MultiVolumeTable.read(ByteBuffer.wrap(d.readBlock(7)))).isEqualTo(table);
                assertThat(ByteBuffer.wrap(d.dumpPartition().readBlock(0)).getLong(512))
                        .isEqualTo(0xa8190173618f23feL);
            }
        }
    }

    @Test
    void missingSignatureIsAProblemUnlessForced() throws Exception {
        try (EckdDasd a = EckdDasd.create(dir.resolve("a.3390"), 1, "MVA")) {
            DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(DeviceNumber.parse("190"), a)),
                    DumpToolOptions.defaults(), Instant.now());
            a.dumpPartition().writeBlocks(0, ByteBuffer.allocate(4096)); // swap space overwrote it
            DumpDeviceInfo info = DumpDevicePreparer.inspect(a);
            assertThat(info.signature()).isFalse();
            assertThat(info.problems()).anyMatch(p -> p.contains("no multi-volume signature"));
        }
    }

    @Test
    void multiVolumeLimits() throws Exception {
        try (EckdDasd a = EckdDasd.create(dir.resolve("a.3390"), 1, "MVA")) {
            DumpDevicePreparer.Volume v = new DumpDevicePreparer.Volume(DeviceNumber.parse("190"), a);
            assertThatThrownBy(() -> DumpDevicePreparer.prepareMultiVolume(List.of(v, v), DumpToolOptions.defaults(),
                    Instant.now())).hasMessageContaining("listed twice");
            assertThatThrownBy(() -> DumpDevicePreparer.prepareMultiVolume(List.of(), DumpToolOptions.defaults(),
                    Instant.now())).hasMessageContaining("1..32");
        }
    }

    @Test
    void tapePreparationWritesTheToolAsFileOneAndErasesTheRest() throws Exception {
        Path img = dir.resolve("t.aws");
        TapeDrive.createVolume(img);
        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(img, 1 << 20, true);
            assertThat(DumpDevicePreparer.inspect(t).hasDumpTool()).isFalse();
            t.writeBlock(new byte[1000]);
            t.writeBlock(new byte[1000]);
            DumpDeviceInfo info = DumpDevicePreparer.prepareTape(t, new DumpToolOptions(OptionalLong.of(5 << 20),
                    false, false));
            assertThat(info.tool()).contains(DumpToolKind.TAPE);
            assertThat(info.sizeLimit()).hasValue(5 << 20);
            assertThat(info.problems()).isEmpty();
            assertThat(t.atLoadPoint()).isTrue();
            TapeRead tool = t.readBlock();
            assertThat(tool.length()).isEqualTo(4096);
            assertThat(t.readIplRecord()).startsWith(Arrays.copyOf(tool.data(), 24));
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.TAPEMARK);
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.END_OF_DATA);
        }
    }
}
