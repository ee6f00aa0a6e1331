package io.sadump.device.ckd;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.HerculesChecks;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of CKD image sadump writes passes Hercules' own checks (docs/formats.md §11). */
class CkdInteropTest {
    @TempDir
    Path dir;

    @Test
    void newVolumePassesHerculesChecks() throws Exception {
        Path img = dir.resolve("new.3390");
        EckdDasd.create(img, 3, "DUMP01").close();
        HerculesChecks.assertHerculesAcceptsCkd(img, dir);
    }

    @Test
    void volumeWithBlocksRecordsAndMaxRecordPassesHerculesChecks() throws Exception {
        Path img = dir.resolve("mixed.3390");
        SplittableRandom rnd = new SplittableRandom(4711);
        try (EckdDasd d = EckdDasd.create(img, 2, "MIX001")) {
            byte[] blocks = new byte[12 * 4096 * 3 + 5 * 4096];
            rnd.nextBytes(blocks);
            d.writeBlocks(12, ByteBuffer.wrap(blocks)); // tracks 1..3 full, 5 blocks of track 4
            byte[] big = new byte[Capacity3390.MAX_DATA_LENGTH];
            rnd.nextBytes(big);
            d.writeTrack(new CkdTrack(0, 7, List.of(new CkdRecord(new Cchhr(0, 7, 1), big))));
            byte[] half = new byte[27998];
            List<CkdRecord> two = new ArrayList<>();
            two.add(new CkdRecord(new Cchhr(0, 8, 1), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, half));
            two.add(new CkdRecord(new Cchhr(0, 8, 2), new byte[0], half));
            d.writeTrack(new CkdTrack(0, 8, List.of(new CkdRecord(new Cchhr(0, 8, 1), half),
                    new CkdRecord(new Cchhr(0, 8, 2), half))));
            d.writeRecord(new CkdRecord(new Cchhr(1, 14, 1), new byte[] {1}, new byte[0])); // an EOF-like record
            d.writeBlocks(d.blockCount() - 12, ByteBuffer.wrap(new byte[12 * 4096])); // last track
        }
        HerculesChecks.assertHerculesAcceptsCkd(img, dir);
    }

    @Test
    void damagedTrackHeaderIsRejectedByHerculesAndBySadump() throws Exception {
        Path img = dir.resolve("bad.3390");
        EckdDasd.create(img, 1, "BAD001").close();
        CkdDamage.corruptTrackHeader(img, 5);
        assertThat(HerculesChecks.ckdProblems(img, dir)).anyMatch(l -> l.contains("HHCDC008E")
                && l.contains("read error track 5"));
        try (EckdDasd d = EckdDasd.open(img, false)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.readTrack(5))
                    .isInstanceOf(io.sadump.device.ImageFormatException.class)
                    .hasMessageContaining("track 5").hasMessageContaining("invalid track header");
        }
    }

    @Test
    void truncatedImageIsRejectedByHerculesAndBySadump() throws Exception {
        Path img = dir.resolve("cut.3390");
        EckdDasd.create(img, 1, "CUT001").close();
        CkdDamage.truncate(img, new CkdGeometry(1).imageSize() - 56832);
        assertThat(HerculesChecks.ckdProblems(img, dir)).anyMatch(l -> l.contains("HHCDU013E"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EckdDasd.open(img, false))
                .isInstanceOf(io.sadump.device.ImageFormatException.class)
                .hasMessageContaining("not 512 + a whole number of cylinders");
    }

    @Test
    void userRecordWithR0IsFoundByCckdcdskAndBySadump() throws Exception {
        Path img = dir.resolve("r0.3390");
        try (EckdDasd d = EckdDasd.create(img, 2, "R00001")) {
            d.writeBlocks(17 * 12, ByteBuffer.allocate(12 * 4096));
        }
        // R of the first user record on track 17 becomes 0 (docs/formats.md §11: HHCCU622W)
        CkdDamage.poke(img, new CkdGeometry(2).trackOffset(17) + CkdTrack.FIRST_RECORD_OFFSET + 4, new byte[] {0});
        assertThat(HerculesChecks.ckdProblems(img, dir)).anyMatch(l -> l.contains("HHCCU"));
        try (EckdDasd d = EckdDasd.open(img, false)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.readTrack(17))
                    .isInstanceOf(io.sadump.device.ImageFormatException.class).hasMessageContaining("track 17");
        }
    }
}
