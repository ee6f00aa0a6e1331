package io.sadump.device.dumptool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.DeviceNumber;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden vectors of docs/formats.md §4.3, §5 and the IPL program's encodings. */
class DumpToolFormatTest {
    @Test
    void toolMagicsAreZiplsNumbers() {
        assertThat(DumpToolKind.ECKD_SINGLE.magic()).isEqualTo(0x5845434b44363402L);
        assertThat(DumpToolKind.ECKD_MULTI.magic()).isEqualTo(0x584d554c54363402L);
        assertThat(DumpToolKind.ECKD_SINGLE.size()).isEqualTo(0x8000);
        assertThat(DumpToolKind.ECKD_MULTI.size()).isEqualTo(0x4000);
        assertThat(DumpToolKind.ECKD_SINGLE.size(1)).isEqualTo(0x3000);
        assertThat(DumpToolKind.ofMagic(0x5845434b44363401L)).isEqualTo(DumpToolKind.ECKD_SINGLE);
        assertThat(DumpToolKind.ofMagic(0x584446424136340L)).isNull();
    }

    @Test
    void parmTailLayout() {
        ByteBuffer b = ByteBuffer.allocate(16);
        new DumpParmTail(true, false, 0x40000000L).write(b);
        assertThat(HexFormat.of().formatHex(b.array())).isEqualTo("000000000000" + "01" + "00" + "0000000040000000");
        b.clear();
        DumpToolOptions.defaults().parmTail().write(b);
        assertThat(HexFormat.of().formatHex(b.array())).isEqualTo("000000000000" + "00" + "00" + "ffffffffffffffff");
        assertThat(DumpParmTail.read(b.flip()).sizeLimit()).isEmpty();
    }

    @Test
    void sizeLimitIsRoundedUpToMib() {
        assertThat(new DumpToolOptions(OptionalLong.of(1), false, false).parmTail().memUpperLimit()).isEqualTo(1 << 20);
        assertThat(new DumpToolOptions(OptionalLong.of(1 << 20), false, false).parmTail().memUpperLimit())
                .isEqualTo(1 << 20);
        assertThat(new DumpToolOptions(OptionalLong.of((1 << 20) + 1), false, true).parmTail())
                .isEqualTo(new DumpParmTail(false, true, 2 << 20));
        assertThatThrownBy(() -> new DumpToolOptions(OptionalLong.of(0), false, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multiVolumeTableLayout() {
        MultiVolumeTable t = new MultiVolumeTable(0x0123456789ABCDEFL, List.of(
                new MultiVolumeTable.Volume(new DeviceNumber(0, 1, 0x0190), 12, 601019, 4096, 12, 15),
                new MultiVolumeTable.Volume(DeviceNumber.parse("0.0.abcd"), 12, 179, 4096, 12, 15)));
        ByteBuffer b = ByteBuffer.allocate(512);
        t.write(b);
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(b.array(), 0, 10)).isEqualTo("0123456789abcdef" + "0002");
        assertThat(hex.formatHex(b.array(), 10, 23)).isEqualTo("0190" + "0000000c" + "00092bbb" + "10" + "0c" + "0f");
        assertThat(hex.formatHex(b.array(), 23, 36)).isEqualTo("abcd" + "0000000c" + "000000b3" + "100c0f");
        assertThat(hex.formatHex(b.array(), 426, 429)).isEqualTo("010000"); // ssid[32] after 32 x 13 bytes
        assertThat(MultiVolumeTable.read(b.flip())).isEqualTo(t);
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 17, 2048})
    void randomTablesRoundTrip(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<MultiVolumeTable.Volume> vols = new ArrayList<>();
        int n = rnd.nextInt(1, 33);
        for (int i = 0; i < n; i++) {
            long start = rnd.nextLong(0, 1L << 31);
            vols.add(new MultiVolumeTable.Volume(new DeviceNumber(0, rnd.nextInt(4), rnd.nextInt(0x10000)), start,
                    start + rnd.nextLong(0, 1L << 31), 4096, 12, 15));
        }
        MultiVolumeTable t = new MultiVolumeTable(rnd.nextLong(), vols);
        ByteBuffer b = ByteBuffer.allocate(512);
        t.write(b);
        assertThat(MultiVolumeTable.read(b.flip())).as("seed %d", seed).isEqualTo(t);
    }

    @Test
    void tableLimitsAndTimestamps() {
        assertThatThrownBy(() -> new MultiVolumeTable(0, List.of())).hasMessageContaining("1..32");
        ByteBuffer bad = ByteBuffer.allocate(512);
        bad.putShort(8, (short) 33);
        assertThatThrownBy(() -> MultiVolumeTable.read(bad)).hasMessageContaining("33 volumes");
        Instant t = Instant.parse("2024-05-01T10:00:00.123456Z");
        long ts = MultiVolumeTable.timestampOf(t);
        assertThat(ts).isEqualTo((t.getEpochSecond() << 20) + 123456);
        assertThat(MultiVolumeTable.instantOf(ts)).isEqualTo(t);
    }

    @Test
    void dasdIplRecordAndChannelProgram() {
        IplRecord ipl = SadumpIplProgram.dasdIplRecord();
        assertThat(HexFormat.of().formatHex(ipl.toBytes()))
                .isEqualTo("0008000080002008" + "0600020060000090" + "0800020000000000");
        assertThat(ipl.entryAddress()).isEqualTo(0x2008);
        ByteBuffer ipl2 = ByteBuffer.wrap(SadumpIplProgram.dasdIpl2Record(DumpToolKind.ECKD_SINGLE));
        assertThat(ipl2.capacity()).isEqualTo(144);
        assertThat(Ccw0.read(ipl2)).isEqualTo(new Ccw0(0x06, 0x300, 0x70, 80));
        for (int i = 0; i < 8; i++) {
            assertThat(Ccw0.read(ipl2)).isEqualTo(new Ccw0(0x06, 0x2000 + i * 4096, i == 7 ? 0x20 : 0x60, 4096));
        }
        assertThat(ipl2.getLong()).isZero();
        byte[] tool = SadumpIplProgram.dasdTool(DumpToolKind.ECKD_SINGLE, DumpToolOptions.defaults().parmTail());
        assertThat(HexFormat.of().formatHex(tool, 0, 0x18))
                .isEqualTo("5845434b44363402" + "0dd08200d0060700" + "000a0000005ad002");
    }

    @Test
    void tapeToolBlock() {
        byte[] b = SadumpIplProgram.tapeToolBlock(new DumpParmTail(false, false, 1 << 30));
        assertThat(b).hasSize(4096);
        assertThat(HexFormat.of().formatHex(b, 0, 0x30)).isEqualTo("0008000080002018" + "0700000060000001"
                + "0200200020001000" + "0dd08200d0060700" + "000a0000005ad006" + "585441504536340" + "1");
        assertThat(HexFormat.of().formatHex(b, 4096 - 16, 4096)).isEqualTo("00000000000000000000000040000000");
    }
}
