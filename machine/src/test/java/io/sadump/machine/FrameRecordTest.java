package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameRecordTest {
    @TempDir
    Path dir;

    @Test
    void framesCoverTheStorageIncludingAPartialLastFrame() {
        assertThat(FrameRecord.FRAME_SIZE).isEqualTo(1L << FrameRecord.FRAME_SHIFT).isEqualTo(1024 * 1024);
        assertThat(FrameRecord.framesFor(1)).isEqualTo(1);
        assertThat(FrameRecord.framesFor(Sizes.MIB)).isEqualTo(1);
        assertThat(FrameRecord.framesFor(Sizes.MIB + 1)).isEqualTo(2);
        assertThat(FrameRecord.framesFor(16 * Sizes.TIB)).isEqualTo(16L << 20);
        FrameRecord r = new FrameRecord(Sizes.MIB + 1);
        r.markWritten(Sizes.MIB, 1);
        assertThat(r.isWritten(1)).isTrue();
        assertThat(r.isWritten(0)).isFalse();
    }

    @Test
    void markWrittenCoversEveryTouchedFrame() {
        FrameRecord r = new FrameRecord(16 * Sizes.MIB);
        r.markWritten(Sizes.MIB - 1, 2); // frames 0 and 1
        r.markWritten(4 * Sizes.MIB, Sizes.MIB); // exactly frame 4
        r.markWritten(10 * Sizes.MIB, 0); // nothing
        r.markWritten(12);
        assertThat(r.writtenCount()).isEqualTo(4);
        assertThat(r.isWritten(0)).isTrue();
        assertThat(r.isWritten(1)).isTrue();
        assertThat(r.isWritten(3)).isFalse();
        assertThat(r.isWritten(4)).isTrue();
        assertThat(r.isWritten(5)).isFalse();
        assertThat(r.isWritten(12)).isTrue();
        assertThat(r.nextUnwritten(0)).isEqualTo(2);
        assertThat(r.nextWritten(13)).isEqualTo(-1);
        assertThat(r.nextWritten(16)).isEqualTo(-1);
        assertThat(r.nextUnwritten(16)).isEqualTo(16);
        r.markZero(0, 5);
        assertThat(r.writtenCount()).isEqualTo(1);
        assertThat(r.nextWritten(0)).isEqualTo(12);
    }

    @Test
    void allWrittenMeansNoUnwrittenFrame() {
        FrameRecord r = new FrameRecord(3 * Sizes.MIB);
        r.markWritten(0, 3 * Sizes.MIB);
        assertThat(r.nextUnwritten(0)).isEqualTo(3);
        assertThat(r.writtenCount()).isEqualTo(3);
    }

    @Test
    void framesOutsideTheRecordAreRefused() {
        FrameRecord r = new FrameRecord(4 * Sizes.MIB);
        assertThatThrownBy(() -> r.markWritten(4)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("frame 4");
        assertThatThrownBy(() -> r.isWritten(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> r.markWritten(3 * Sizes.MIB, Sizes.MIB + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> r.markZero(0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(r.writtenCount()).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void saveLoadRoundTrip(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long size = random.nextLong(1, 3000) * Sizes.MIB - random.nextLong(0, 2) * random.nextLong(1, Sizes.MIB);
        FrameRecord r = new FrameRecord(size);
        int marks = random.nextInt(0, 200);
        for (int i = 0; i < marks; i++) {
            r.markWritten(random.nextLong(r.frameCount()));
        }
        if (random.nextBoolean()) {
            r.markWritten(r.frameCount() - 1); // the last bit of the bitmap
        }
        Path file = dir.resolve("storage.frames");
        r.save(file);
        assertThat(dir.resolve("storage.frames.tmp")).doesNotExist();
        assertThat(Files.size(file)).as("seed %d", seed).isEqualTo(8 + 4 + 8 + (r.frameCount() + 7) / 8 + 4);
        byte[] raw = Files.readAllBytes(file);
        assertThat(new String(raw, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SADFRAME");
        assertThat(ByteBuffer.wrap(raw).getLong(12)).isEqualTo(r.frameCount());
        FrameRecord loaded = FrameRecord.load(file, size);
        assertThat(loaded.frameCount()).isEqualTo(r.frameCount());
        assertThat(loaded.writtenCount()).as("seed %d", seed).isEqualTo(r.writtenCount());
        for (long f = 0; f < r.frameCount(); f++) {
            assertThat(loaded.isWritten(f)).as("seed %d frame %d", seed, f).isEqualTo(r.isWritten(f));
        }
        // saving again replaces the file
        r.markZero(0, r.frameCount());
        r.save(file);
        assertThat(FrameRecord.load(file, size).writtenCount()).isZero();
    }

    @Test
    void bitmapBitOrderIsLeastSignificantFirst() throws IOException {
        FrameRecord r = new FrameRecord(16 * Sizes.MIB);
        r.markWritten(0);
        r.markWritten(9);
        Path file = dir.resolve("f");
        r.save(file);
        byte[] raw = Files.readAllBytes(file);
        assertThat(raw[20]).isEqualTo((byte) 0x01);
        assertThat(raw[21]).isEqualTo((byte) 0x02);
    }

    @Test
    void loadForAnotherStorageSizeFails() throws IOException {
        FrameRecord r = new FrameRecord(8 * Sizes.MIB);
        r.markWritten(1);
        Path file = dir.resolve("storage.frames");
        r.save(file);
        assertThatThrownBy(() -> FrameRecord.load(file, 16 * Sizes.MIB)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("8 frames");
        assertThat(FrameRecord.load(file, 8 * Sizes.MIB - 1).isWritten(1)).isTrue(); // same frame count
    }
}
