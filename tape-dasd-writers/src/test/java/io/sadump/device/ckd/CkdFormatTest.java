package io.sadump.device.ckd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.ImageFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Device header, count fields, tracks and the 3390 capacity formula (docs/formats.md §6). */
class CkdFormatTest {
    @Test
    void deviceHeaderMatchesDasdinitBytes() {
        // docs/formats.md §6.1, dasdinit 3390: "434b 445f 5033 3730 0f00 0000 00de 0000 / 9000 0000 ..."
        ByteBuffer b = ByteBuffer.allocate(512);
        CkdDeviceHeader.for3390().write(b);
        assertThat(HexFormat.of().formatHex(b.array(), 0, 20)).isEqualTo("434b445f503337300f00000000de000090000000");
        assertThat(b.position()).isEqualTo(512);
        for (int i = 20; i < 512; i++) {
            assertThat(b.get(i)).isZero();
        }
        assertThat(CkdDeviceHeader.read(b.flip())).isEqualTo(CkdDeviceHeader.for3390());
    }

    @Test
    void deviceHeaderNumbersAreLittleEndian() {
        ByteBuffer b = ByteBuffer.allocate(512);
        new CkdDeviceHeader("CKD_P370", 15, 56832, 0x90, 1, 0x1234).write(b);
        assertThat(HexFormat.of().formatHex(b.array(), 16, 20)).isEqualTo("90013412");
    }

    @Test
    void geometryOf3390Models() {
        // 512 + 1113 * 15 * 56832 (docs/formats.md §6.1)
        assertThat(new CkdGeometry(1113).imageSize()).isEqualTo(948_810_752L);
        assertThat(new CkdGeometry(10).imageSize()).isEqualTo(8_525_312L); // docs/formats.md §6.1: dasdinit 10 cyls
        assertThat(new CkdGeometry(3).imageSize()).isEqualTo(2_557_952L); // docs/formats.md §6.1: dasdinit -r 3 cyls
        assertThat(new CkdGeometry(65520).tracks()).isEqualTo(982_800);
        assertThatThrownBy(() -> new CkdGeometry(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CkdGeometry(65521)).hasMessageContaining("1..65520");
    }

    @Test
    void capacityFormulaGivesTheReal3390Figures() {
        assertThat(Capacity3390.recordsPerTrack(0, 4096)).isEqualTo(12);
        assertThat(Capacity3390.recordsPerTrack(0, 56664)).isEqualTo(1);
        assertThat(Capacity3390.recordsPerTrack(0, 27998)).isEqualTo(2);
        assertThat(Capacity3390.recordLength(0, 56664)).isEqualTo(Capacity3390.TRACK_LENGTH);
    }

    @Test
    void capacityFormulaEdges() {
        assertThat(Capacity3390.recordsPerTrack(0, 56665)).isZero();
        assertThat(Capacity3390.recordsPerTrack(0, 27999)).isEqualTo(1);
        assertThat(Capacity3390.recordsPerTrack(4, 24)).isGreaterThan(50);
        // a key costs capacity: 12 keyed 4096-byte records do not fit
        assertThat(Capacity3390.recordsPerTrack(8, 4096)).isLessThan(12);
        // records per track never grows with the data length
        int last = Integer.MAX_VALUE;
        for (int dl = 0; dl <= 56664; dl += 7) {
            int n = Capacity3390.recordsPerTrack(0, dl);
            assertThat(n).as("DL %d", dl).isLessThanOrEqualTo(last).isPositive();
            last = n;
        }
    }

    static List<CkdCount> counts(int n, int kl, int dl) {
        List<CkdCount> c = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
            c.add(new CkdCount(0, 1, r, kl, dl));
        }
        return c;
    }

    @Test
    void fitsCountsMixedRecordsAsTheSumOfTheirLengths() {
        assertThat(Capacity3390.fits(counts(12, 0, 4096))).isTrue();
        assertThat(Capacity3390.fits(counts(13, 0, 4096))).isFalse();
        assertThat(Capacity3390.fits(counts(2, 0, 27998))).isTrue();
        assertThat(Capacity3390.fits(counts(3, 0, 27998))).isFalse();
        // the CDL track 0: IPL1, IPL2, VOL1 keyed, then nine 4096-byte blocks
        List<CkdCount> t0 = new ArrayList<>(List.of(new CkdCount(0, 0, 1, 4, 24), new CkdCount(0, 0, 2, 4, 144),
                new CkdCount(0, 0, 3, 4, 80)));
        for (int r = 4; r <= 12; r++) {
            t0.add(new CkdCount(0, 0, r, 0, 4096));
        }
        assertThat(Capacity3390.fits(t0)).isTrue();
        // the small keyed records leave room for 11 blocks in all, not 12
        t0.add(new CkdCount(0, 0, 13, 0, 4096));
        t0.add(new CkdCount(0, 0, 14, 0, 4096));
        assertThat(Capacity3390.fits(t0)).isTrue();
        t0.add(new CkdCount(0, 0, 15, 0, 4096));
        assertThat(Capacity3390.fits(t0)).isFalse();
    }

    @Test
    void trackCheckRejectsWhatARealTrackCannotHoldThoughTheSlotCould() {
        List<CkdRecord> recs = new ArrayList<>();
        for (int r = 1; r <= 13; r++) {
            recs.add(new CkdRecord(new Cchhr(0, 1, r), new byte[4096]));
        }
        CkdTrack t = new CkdTrack(0, 1, recs);
        assertThat(t.imageLength()).isLessThanOrEqualTo(CkdGeometry.TRACK_SIZE); // fits the image slot...
        assertThatThrownBy(() -> t.checkWritable("dev")).isInstanceOf(TrackCapacityException.class)
                .hasMessageContaining("13 records").hasMessageContaining("58786");
        assertThatThrownBy(() -> new CkdTrack(0, 1, List.of(new CkdRecord(new Cchhr(0, 1, 1), new byte[56665])))
                .checkWritable("dev")).isInstanceOf(TrackCapacityException.class);
        assertThatThrownBy(() -> new CkdTrack(0, 1, List.of(new CkdRecord(new Cchhr(0, 2, 1), new byte[8])))
                .checkWritable("dev")).isInstanceOf(InvalidTrackFormatException.class).hasMessageContaining("own track");
    }

    @Test
    void trackLayoutMatchesTheReference() throws Exception {
        CkdTrack t = new CkdTrack(2, 3, List.of(new CkdRecord(new Cchhr(2, 3, 1), new byte[] {(byte) 0xC1},
                new byte[] {1, 2, 3})));
        ByteBuffer slot = ByteBuffer.allocate(CkdGeometry.TRACK_SIZE);
        t.write(slot);
        assertThat(slot.position()).isEqualTo(CkdGeometry.TRACK_SIZE);
        String hex = HexFormat.of().formatHex(slot.array(), 0, 42);
        // HA | R0 count | R0 data | R1 count | key | data | EOT
        assertThat(hex).isEqualTo("0000020003" + "0002000300000008" + "0000000000000000"
                + "0002000301010003" + "c1" + "010203" + "ffffffffffffffff" + "00");
        assertThat(t.imageLength()).isEqualTo(41);
        assertThat(CkdTrack.read("dev", 2 * 15 + 3, slot.flip())).isEqualTo(t);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 20240501})
    void randomTracksRoundTrip(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            int track = rnd.nextInt(15 * 3);
            List<CkdRecord> recs = new ArrayList<>();
            int r = 1;
            while (true) {
                byte[] key = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(1, 20) : 0];
                byte[] data = new byte[rnd.nextInt(0, 9000)];
                rnd.nextBytes(key);
                rnd.nextBytes(data);
                recs.add(new CkdRecord(Cchhr.onTrack(track, r++), key, data));
                CkdTrack t = new CkdTrack(track / 15, track % 15, recs);
                if (!Capacity3390.fits(t.counts())) {
                    recs.remove(recs.size() - 1);
                    break;
                }
            }
            CkdTrack t = new CkdTrack(track / 15, track % 15, recs);
            t.checkWritable("dev");
            ByteBuffer slot = ByteBuffer.allocate(CkdGeometry.TRACK_SIZE);
            t.write(slot);
            assertThat(CkdTrack.read("dev", track, slot.flip())).as("seed %d, track %d", seed, i).isEqualTo(t);
        }
    }

    static ByteBuffer slotOf(CkdTrack t) {
        ByteBuffer slot = ByteBuffer.allocate(CkdGeometry.TRACK_SIZE);
        t.write(slot);
        return slot.flip();
    }

    @Test
    void damagedTracksAreRejectedWithTheReason() {
        CkdTrack t = new CkdTrack(0, 4, List.of(new CkdRecord(new Cchhr(0, 4, 1), new byte[100])));
        ByteBuffer s1 = slotOf(t);
        s1.put(0, (byte) 1);
        assertThatThrownBy(() -> CkdTrack.read("0.0.0190", 4, s1)).isInstanceOf(ImageFormatException.class)
                .hasMessage("0.0.0190: track 4 (cyl 0 head 4): invalid track header 0100000004, expected 0000000004"
                        + " (bin 0 and the track's own CC HH; Hercules reports HHCDA035E)");
        ByteBuffer s2 = slotOf(t);
        assertThatThrownBy(() -> CkdTrack.read("d", 5, s2)).hasMessageContaining("invalid track header");
        ByteBuffer s3 = slotOf(t);
        s3.putShort(5 + 6, (short) 16); // R0 DL 16
        assertThatThrownBy(() -> CkdTrack.read("d", 4, s3)).hasMessageContaining("invalid R0 count field");
        ByteBuffer s4 = slotOf(t);
        s4.put(CkdTrack.FIRST_RECORD_OFFSET + 4, (byte) 0); // R1 becomes R0
        assertThatThrownBy(() -> CkdTrack.read("d", 4, s4)).hasMessageContaining("R not 0");
        ByteBuffer s5 = slotOf(t);
        s5.putLong(CkdTrack.FIRST_RECORD_OFFSET + 8 + 100, 0L); // EOT erased: a zero count follows
        assertThatThrownBy(() -> CkdTrack.read("d", 4, s5)).isInstanceOf(ImageFormatException.class);
        ByteBuffer s6 = slotOf(t);
        s6.putShort(CkdTrack.FIRST_RECORD_OFFSET + 6, (short) 60000); // DL past the slot
        assertThatThrownBy(() -> CkdTrack.read("d", 4, s6)).hasMessageContaining("runs past the end of the track");
    }
}
