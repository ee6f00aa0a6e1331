package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KexecSegmentTableTest {

    @Test
    void headerLayout() {
        KexecSegmentTable t = new KexecSegmentTable(0x10010, List.of(segment(0x1010000, 0x100000, 0x80000,
                SegmentKind.KERNEL, (byte) 0xAB)));
        byte[] b = t.toBytes();
        assertThat(b).hasSize(0x20 + 64);
        assertThat(new String(b, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("KEXECSEG");
        ByteBuffer bb = ByteBuffer.wrap(b);
        assertThat(bb.getInt(0x08)).isEqualTo(1);
        assertThat(bb.getInt(0x0C)).isEqualTo(1);
        assertThat(bb.getLong(0x10)).isEqualTo(0x10010L);
        assertThat(bb.getLong(0x18)).isZero();
        assertThat(bb.getLong(0x20)).isEqualTo(0x1010000L);
        assertThat(bb.getLong(0x28)).isEqualTo(0x100000L);
        assertThat(bb.getLong(0x30)).isEqualTo(0x80000L);
        assertThat(bb.getLong(0x38)).isEqualTo(1L);
        assertThat(b[0x40]).isEqualTo((byte) 0xAB);
        assertThat(b[0x5F]).isEqualTo((byte) 0xAB);
        assertThat(t.checksum()).isEqualTo(Cksm.of(b));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void roundTripIsByteIdentical(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 30; round++) {
            int count = rnd.nextInt(1, 17);
            List<KexecSegment> segs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] d = new byte[32];
                CksmTest.fill(rnd, d);
                segs.add(new KexecSegment(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(),
                        SegmentKind.values()[rnd.nextInt(SegmentKind.values().length)], d));
            }
            KexecSegmentTable t = new KexecSegmentTable(rnd.nextLong(), rnd.nextLong(), segs);
            byte[] bytes = t.toBytes();
            KexecSegmentTable back = KexecSegmentTable.read(ByteBuffer.wrap(bytes));
            assertThat(back).as("seed %d round %d", seed, round).isEqualTo(t);
            assertThat(back.toBytes()).as("seed %d round %d", seed, round).isEqualTo(bytes);
        }
    }

    @Test
    void segmentKindsHaveTheirCodes() {
        assertThat(SegmentKind.of(0)).isEqualTo(SegmentKind.OTHER);
        assertThat(SegmentKind.of(1)).isEqualTo(SegmentKind.KERNEL);
        assertThat(SegmentKind.of(2)).isEqualTo(SegmentKind.INITRD);
        assertThat(SegmentKind.of(3)).isEqualTo(SegmentKind.COMMAND_LINE);
        assertThat(SegmentKind.of(4)).isEqualTo(SegmentKind.PURGATORY);
        assertThatThrownBy(() -> SegmentKind.of(5)).isInstanceOf(MeminfoFormatException.class)
                .hasMessageContaining("unknown segment kind 5");
    }

    @Test
    void damagedHeadersAreNamed() {
        byte[] good = new KexecSegmentTable(0x10010, List.of(segment(1, 2, 1, SegmentKind.KERNEL, (byte) 0)))
                .toBytes();
        assertThatThrownBy(() -> read(patch(good, 0, 'X'))).isInstanceOf(MeminfoFormatException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> read(patchInt(good, 0x08, 2))).hasMessageContaining("version is 2");
        assertThatThrownBy(() -> read(patchInt(good, 0x0C, 0))).hasMessageContaining("count is 0");
        assertThatThrownBy(() -> read(patchInt(good, 0x0C, 17))).hasMessageContaining("count is 17");
        assertThatThrownBy(() -> read(patchInt(good, 0x0C, 2))).hasMessageContaining("2 segments");
        assertThatThrownBy(() -> read(patchLong(good, 0x38, 9))).hasMessageContaining("segment 0: unknown segment kind 9");
        assertThatThrownBy(() -> new KexecSegmentTable(0, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    static KexecSegment segment(long mem, long memsz, long bufsz, SegmentKind kind, byte fill) {
        byte[] d = new byte[32];
        java.util.Arrays.fill(d, fill);
        return new KexecSegment(mem, memsz, bufsz, kind, d);
    }

    private static KexecSegmentTable read(byte[] b) {
        return KexecSegmentTable.read(ByteBuffer.wrap(b));
    }

    private static byte[] patch(byte[] b, int off, char c) {
        byte[] x = b.clone();
        x[off] = (byte) c;
        return x;
    }

    private static byte[] patchInt(byte[] b, int off, int v) {
        byte[] x = b.clone();
        ByteBuffer.wrap(x).putInt(off, v);
        return x;
    }

    private static byte[] patchLong(byte[] b, int off, long v) {
        byte[] x = b.clone();
        ByteBuffer.wrap(x).putLong(off, v);
        return x;
    }
}
