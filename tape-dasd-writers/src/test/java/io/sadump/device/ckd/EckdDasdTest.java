package io.sadump.device.ckd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.ImageFormatException;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.NotReadyException;
import io.sadump.device.WriteProtectedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EckdDasdTest {
    @TempDir
    Path dir;

    EckdDasd newDasd(int cyls) throws Exception {
        return EckdDasd.create(dir.resolve("v" + System.nanoTime() + ".3390"), cyls, "TEST01");
    }

    @Test
    void newVolumeHasTheExactSizeTheCdlTrack0AndNullTracks() throws Exception {
        try (EckdDasd d = newDasd(3)) {
            assertThat(Files.size(d.image())).isEqualTo(512 + 45L * 56832);
            assertThat(d.geometry().tracks()).isEqualTo(45);
            assertThat(d.blockCount()).isEqualTo(45 * 12);
            assertThat(d.volser()).isEqualTo("TEST01");
            CkdTrack t0 = d.readTrack(0);
            assertThat(t0.records()).hasSize(12);
            assertThat(t0.records().get(0).key()).isEqualTo("IPL1".getBytes(EckdDasd.EBCDIC));
            assertThat(ByteBuffer.wrap(d.readIplRecord()).getLong()).isEqualTo(EckdDasd.UNPREPARED_IPL_PSW);
            assertThat(d.readTrack(1).records()).isEmpty();
            assertThat(d.readTrack(44).records()).isEmpty();
            assertThat(d.readBlock(3)).isEqualTo(new byte[4096]);
        }
    }

    @Test
    void createdImageIsSparse() throws Exception {
        try (EckdDasd d = newDasd(100)) {
            Object blocks = Files.getAttribute(d.image(), "unix:size");
            assertThat(blocks).isEqualTo(512 + 1500L * 56832);
            // allocated space: one file-system block per track, far below the 85 MB of the file
            long allocated = allocatedBytes(d.image());
            if (allocated >= 0) {
                assertThat(allocated).isLessThan(20L << 20);
            }
        }
    }

    static long allocatedBytes(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (pr.waitFor() != 0) {
            return -1;
        }
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    @Test
    void createRefusesAnExistingFile() throws Exception {
        Path p = dir.resolve("x.3390");
        Files.writeString(p, "keep me");
        assertThatThrownBy(() -> EckdDasd.create(p, 1, "X")).hasMessageContaining("the file exists");
        assertThat(Files.readString(p)).isEqualTo("keep me");
    }

    @Test
    void openRejectsDamagedImagesNamingTheProblem() throws Exception {
        Path good = dir.resolve("g.3390");
        EckdDasd.create(good, 1, "G").close();

        Path trunc = dir.resolve("t.3390");
        Files.copy(good, trunc);
        CkdDamage.truncate(trunc, Files.size(good) - 1000);
        assertThatThrownBy(() -> EckdDasd.open(trunc, "0.0.0190", false)).isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("0.0.0190: ").hasMessageContaining("not 512 + a whole number of cylinders")
                .hasMessageContaining("truncated");

        Path tiny = dir.resolve("tiny.3390");
        Files.write(tiny, new byte[100]);
        assertThatThrownBy(() -> EckdDasd.open(tiny, false)).hasMessageContaining("shorter than the 512-byte");

        Path wrongId = dir.resolve("w.3390");
        Files.copy(good, wrongId);
        CkdDamage.poke(wrongId, 0, "FBA_C370".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> EckdDasd.open(wrongId, false)).hasMessageContaining("not a Hercules CKD image")
                .hasMessageContaining("'FBA_C370'");

        Path cckd = dir.resolve("c.3390");
        Files.copy(good, cckd);
        CkdDamage.poke(cckd, 0, "CKD_C370".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> EckdDasd.open(cckd, false)).hasMessageContaining("compressed CKD image")
                .hasMessageContaining("dasdcopy -o CKD");

        Path heads = dir.resolve("h.3390");
        Files.copy(good, heads);
        CkdDamage.poke(heads, 8, new byte[] {12});
        assertThatThrownBy(() -> EckdDasd.open(heads, false)).hasMessageContaining("12 heads");

        Path trk = dir.resolve("k.3390");
        Files.copy(good, trk);
        CkdDamage.poke(trk, 12, new byte[] {0, (byte) 0xBA});
        assertThatThrownBy(() -> EckdDasd.open(trk, false)).hasMessageContaining("47616-byte tracks");

        assertThatThrownBy(() -> EckdDasd.open(dir.resolve("none.3390"), false)).isInstanceOf(NotReadyException.class);
    }

    @Test
    void recordsAreFoundByCchhrAndWriteCkdErasesTheRestOfTheTrack() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            Cchhr r1 = new Cchhr(0, 5, 1);
            assertThatThrownBy(() -> d.readRecord(r1)).isInstanceOf(NoRecordFoundException.class)
                    .hasMessageContaining("no record found: CCHHR 0000000501");
            d.writeRecord(new CkdRecord(r1, new byte[] {9}, new byte[] {1, 2, 3}));
            d.writeRecord(new CkdRecord(new Cchhr(0, 5, 2), new byte[1000]));
            d.writeRecord(new CkdRecord(new Cchhr(0, 5, 3), new byte[2000]));
            assertThat(d.readTrack(5).records()).hasSize(3);
            // rewriting R2 erases R3, as Write CKD does
            d.writeRecord(new CkdRecord(new Cchhr(0, 5, 2), new byte[] {7}));
            assertThat(d.readTrack(5).records()).extracting(r -> r.id().record()).containsExactly(1, 2);
            assertThat(d.readRecord(new Cchhr(0, 5, 2)).data()).containsExactly(7);
            assertThat(d.readRecord(r1).key()).containsExactly(9);
            // R5 cannot be written without R4
            assertThatThrownBy(() -> d.writeRecord(new CkdRecord(new Cchhr(0, 5, 5), new byte[1])))
                    .isInstanceOf(NoRecordFoundException.class).hasMessageContaining("0000000504");
            // Write Data keeps the format
            d.writeData(r1, new byte[] {4, 5, 6});
            assertThat(d.readRecord(r1).data()).containsExactly(4, 5, 6);
            assertThatThrownBy(() -> d.writeData(r1, new byte[4])).isInstanceOf(InvalidTrackFormatException.class);
            assertThatThrownBy(() -> d.readRecord(new Cchhr(1, 0, 1))).isInstanceOf(EndOfExtentException.class);
            // capacity: the 13th 4096-byte record does not fit
            d.writeTrack(CkdTrack.empty(6));
            for (int r = 1; r <= 12; r++) {
                d.writeRecord(new CkdRecord(new Cchhr(0, 6, r), new byte[4096]));
            }
            assertThatThrownBy(() -> d.writeRecord(new CkdRecord(new Cchhr(0, 6, 13), new byte[4096])))
                    .isInstanceOf(TrackCapacityException.class);
            assertThat(d.readTrack(6).records()).hasSize(12);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 11, 1234, 99999})
    void randomBlockWritesReadBack(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (EckdDasd d = newDasd(2)) {
            EckdExtent p = d.dumpPartition();
            byte[] model = new byte[(int) p.byteCapacity()];
            boolean[] written = new boolean[(int) p.blockCount()];
            for (int i = 0; i < 40; i++) {
                int count = rnd.nextInt(1, 40);
                int at = rnd.nextInt(0, (int) p.blockCount() - count + 1);
                byte[] data = new byte[count * 4096];
                rnd.nextBytes(data);
                p.writeBlocks(at, ByteBuffer.wrap(data));
                System.arraycopy(data, 0, model, at * 4096, data.length);
                for (int b = at; b < at + count; b++) {
                    written[b] = true;
                }
            }
            for (int b = 0; b < written.length; b++) {
                int track = (b / 12);
                boolean formatted = false;
                for (int k = track * 12; k < track * 12 + 12; k++) {
                    formatted |= written[k];
                }
                if (formatted) {
                    byte[] want = Arrays.copyOfRange(model, b * 4096, (b + 1) * 4096);
                    assertThat(p.readBlock(b)).as("seed %d block %d", seed, b).isEqualTo(want);
                } else {
                    int bb = b;
                    assertThatThrownBy(() -> p.readBlock(bb)).as("seed %d block %d", seed, b)
                            .isInstanceOf(NoRecordFoundException.class);
                }
            }
        }
    }

    @Test
    void multiTrackReadsAndWritesUseWholeTracks() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            byte[] data = new byte[30 * 4096];
            new SplittableRandom(5).nextBytes(data);
            d.writeBlocks(24, ByteBuffer.wrap(data)); // tracks 2, 3 whole and half of 4
            assertThat(d.readTrack(2).records()).hasSize(12).allMatch(r -> r.data().length == 4096);
            assertThat(d.readTrack(4).records()).hasSize(12); // formatted whole, the rest zero
            assertThat(d.readBlock(24 + 35)).isEqualTo(new byte[4096]);
            ByteBuffer back = ByteBuffer.allocate(30 * 4096);
            d.readBlocks(24, back);
            assertThat(back.array()).isEqualTo(data);
            assertThat(d.readRecord(new Cchhr(0, 3, 12)).data()).isEqualTo(Arrays.copyOfRange(data, 23 * 4096, 24 * 4096));
        }
    }

    @Test
    void endOfExtentAtTheEndOfTheVolumeAndOfAnExtent() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            EckdExtent p = d.dumpPartition();
            assertThat(p.firstTrack()).isEqualTo(1);
            assertThat(p.lastTrack()).isEqualTo(14);
            assertThat(p.firstBlock()).isEqualTo(12);
            assertThat(p.lastBlock()).isEqualTo(179);
            assertThat(p.blockCount()).isEqualTo(168);
            p.writeBlocks(167, ByteBuffer.allocate(4096));
            assertThatThrownBy(() -> p.writeBlocks(167, ByteBuffer.allocate(8192)))
                    .isInstanceOf(EndOfExtentException.class).hasMessageContaining("past the end of the extent");
            assertThatThrownBy(() -> d.writeBlocks(179, ByteBuffer.allocate(8192)))
                    .isInstanceOf(EndOfExtentException.class).hasMessageContaining("past the end of the volume");
            assertThatThrownBy(() -> p.readBlock(168)).isInstanceOf(EndOfExtentException.class);
            assertThatThrownBy(() -> d.readTrack(15)).isInstanceOf(EndOfExtentException.class);
            EckdExtent small = d.extent(3, 4);
            assertThat(small.blockCount()).isEqualTo(24);
            assertThatThrownBy(() -> small.writeBlocks(20, ByteBuffer.allocate(5 * 4096)))
                    .isInstanceOf(EndOfExtentException.class);
            assertThat(d.isTrackFormatted(3)).isFalse(); // nothing of the refused request was written
        }
    }

    @Test
    void blockWritesNeedTracksOf4096ByteRecords() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            d.writeTrack(new CkdTrack(0, 2, List.of(new CkdRecord(new Cchhr(0, 2, 1), new byte[56664]))));
            assertThatThrownBy(() -> d.writeBlocks(24, ByteBuffer.allocate(4096)))
                    .isInstanceOf(InvalidTrackFormatException.class).hasMessageContaining("not a 4096-byte record");
            assertThatThrownBy(() -> d.writeBlocks(25, ByteBuffer.allocate(4096)))
                    .isInstanceOf(NoRecordFoundException.class).hasMessageContaining("block 25");
            assertThatThrownBy(() -> d.readBlock(24)).isInstanceOf(InvalidTrackFormatException.class);
            assertThatThrownBy(() -> d.readBlock(0)).isInstanceOf(InvalidTrackFormatException.class); // IPL1
            // a whole-track block write reformats it
            d.writeBlocks(24, ByteBuffer.allocate(12 * 4096));
            assertThat(d.readTrack(2).records()).hasSize(12);
            assertThatThrownBy(() -> d.writeBlocks(0, ByteBuffer.allocate(100)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readOnlyDevicesRefuseWrites() throws Exception {
        Path p = dir.resolve("ro.3390");
        EckdDasd.create(p, 1, "RO").close();
        try (EckdDasd d = EckdDasd.open(p, false)) {
            assertThatThrownBy(() -> d.writeBlocks(12, ByteBuffer.allocate(4096)))
                    .isInstanceOf(WriteProtectedException.class);
            assertThatThrownBy(() -> d.writeTrack(CkdTrack.empty(3))).isInstanceOf(WriteProtectedException.class);
        }
        EckdDasd d = EckdDasd.open(p, true);
        d.close();
        assertThatThrownBy(() -> d.readTrack(0)).isInstanceOf(NotReadyException.class);
    }

    /**
     * One request of many whole tracks (more than one staging buffer holds) between two partial ones
     * reads back block for block, and each track is a valid 12-record track.
     */
    @ParameterizedTest
    @ValueSource(longs = {3, 11, 12, 25})
    void aLongRequestReadsBackBlockForBlock(long first) throws Exception {
        try (EckdDasd d = newDasd(4)) {
            int blocks = 12 * 40 + 5;
            byte[] data = new byte[blocks * 4096];
            new SplittableRandom(first).nextBytes(data);
            d.writeBlocks(first, ByteBuffer.wrap(data));
            ByteBuffer back = ByteBuffer.allocate(data.length);
            d.readBlocks(first, back);
            assertThat(back.array()).as("from block %d", first).isEqualTo(data);
            for (int t = (int) (first / 12); t <= (first + blocks - 1) / 12; t++) {
                assertThat(d.readTrack(t).records()).as("track %d", t).hasSize(12);
            }
        }
    }

    /** The dump partition's unit of writing ends on a track and on a page of the image file. */
    @Test
    void theDumpPartitionsWriteUnitEndsOnATrackAndAPage() throws Exception {
        try (EckdDasd d = newDasd(2)) {
            EckdExtent part = d.dumpPartition();
            int unit = part.writeUnitBlocks();
            assertThat(unit).isEqualTo(96);
            for (int k = 0; k < 3; k++) {
                int track = part.firstTrack() + k * unit / 12;
                assertThat(d.geometry().trackOffset(track) % 4096).as("track %d", track).isZero();
            }
            assertThat(d.extent(2, 5).writeUnitBlocks()).isEqualTo(12);
        }
    }

    @Test
    void injectedWriteErrorOnTheNthBlock() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            d.setFaultPlan(IoFaultPlan.failNthWrite(30));
            byte[] data = new byte[36 * 4096];
            Arrays.fill(data, (byte) 0x5A);
            assertThatThrownBy(() -> d.writeBlocks(12, ByteBuffer.wrap(data)))
                    .isInstanceOf(DeviceIoErrorException.class)
                    .hasMessageContaining("injected I/O error (equipment check) on write #30")
                    .hasMessageContaining("track 3");
            // tracks 1 and 2 were written, track 3 (blocks 25..36 of the request) and after were not
            assertThat(d.readBlock(12)[0]).isEqualTo((byte) 0x5A);
            assertThat(d.readBlock(35)[0]).isEqualTo((byte) 0x5A);
            assertThat(d.isTrackFormatted(3)).isFalse();
            // the fault fires once
            d.writeBlocks(36, ByteBuffer.wrap(new byte[12 * 4096]));
            assertThat(d.isTrackFormatted(3)).isTrue();
        }
    }

    @Test
    void injectedErrorsOnATrackABlockAndAReadAreTyped() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            d.setFaultPlan(IoFaultPlan.failWritesToTrack(4));
            d.writeBlocks(36, ByteBuffer.allocate(12 * 4096));
            assertThatThrownBy(() -> d.writeBlocks(48, ByteBuffer.allocate(4096)))
                    .isInstanceOf(DeviceIoErrorException.class).hasMessageContaining("writing track 4");
            assertThatThrownBy(() -> d.writeRecord(new CkdRecord(new Cchhr(0, 4, 1), new byte[8])))
                    .isInstanceOf(DeviceIoErrorException.class);
            d.setFaultPlan(IoFaultPlan.failWritesToBlock(40));
            d.writeBlocks(36, ByteBuffer.allocate(4 * 4096));
            assertThatThrownBy(() -> d.writeBlocks(38, ByteBuffer.allocate(4 * 4096)))
                    .isInstanceOf(DeviceIoErrorException.class).hasMessageContaining("writing block 40");
            d.setFaultPlan(IoFaultPlan.failReadsOfBlock(37));
            assertThatThrownBy(() -> d.readBlocks(36, ByteBuffer.allocate(3 * 4096)))
                    .isInstanceOf(DeviceIoErrorException.class).hasMessageContaining("data check");
            d.setFaultPlan(IoFaultPlan.none());
            assertThat(d.readBlock(37)).isEqualTo(new byte[4096]);
        }
    }

    @Test
    void anInjectedEndOfVolumeEndsTheExtentEarlyAndWritesNothingOfTheRequest() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            d.setFaultPlan(IoFaultPlan.endOfVolumeAt(30));
            byte[] data = new byte[12 * 4096];
            Arrays.fill(data, (byte) 0x5A);
            d.writeBlocks(12, ByteBuffer.wrap(data)); // blocks 12..23: before the end
            assertThatThrownBy(() -> d.writeBlocks(24, ByteBuffer.wrap(data)))
                    .isInstanceOf(EndOfExtentException.class).hasMessageContaining("injected end of volume at block 30");
            assertThat(d.isTrackFormatted(2)).as("nothing of the refused request").isFalse();
            d.writeBlocks(24, ByteBuffer.wrap(data, 0, 6 * 4096)); // blocks 24..29 still fit
            // through the dump partition the dump sees "Device too small" at the block it wrote
            EckdExtent partition = d.dumpPartition();
            assertThatThrownBy(() -> partition.writeBlocks(17, new byte[2 * 4096], 0, 2))
                    .isInstanceOf(io.sadump.machine.channel.DumpDeviceFullException.class);
            assertThat(d.readBlock(12)[0]).isEqualTo((byte) 0x5A);
        }
    }

    @Test
    void faultPlansParseAndPrint() {
        for (String s : List.of("none", "write#5", "track:17", "block:1234", "read-block:3", "eov:77")) {
            assertThat(IoFaultPlan.parse(s)).hasToString(s);
        }
        assertThatThrownBy(() -> IoFaultPlan.parse("write#0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IoFaultPlan.parse("sometimes")).hasMessageContaining("write#N");
    }
}
