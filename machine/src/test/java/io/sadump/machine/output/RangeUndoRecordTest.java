package io.sadump.machine.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A range rewritten in place is put back after a failure or a kill. */
class RangeUndoRecordTest {
    @TempDir
    Path dir;

    private static void overwrite(Path file, long at, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b, at + b.position());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void restoreAndRecoverPutTheOldBytesBack(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Path file = dir.resolve("img");
        byte[] old = new byte[64 * 1024];
        r.nextBytes(old);
        Files.write(file, old);
        int off = r.nextInt(20000);
        int len = 1 + r.nextInt(30000);
        byte[] junk = new byte[len];
        r.nextBytes(junk);

        RangeUndoRecord u = RangeUndoRecord.save(file, off, len);
        overwrite(file, off, junk);
        u.restore();
        assertThat(Files.readAllBytes(file)).as("seed %d: restore", seed).isEqualTo(old);
        assertThat(RangeUndoRecord.recordOf(file)).as("seed %d", seed).doesNotExist();

        RangeUndoRecord.save(file, off, len);
        overwrite(file, off, junk);
        // a kill here: the next open recovers
        assertThat(RangeUndoRecord.recover(file)).as("seed %d", seed).isTrue();
        assertThat(Files.readAllBytes(file)).as("seed %d: recover", seed).isEqualTo(old);
        assertThat(RangeUndoRecord.recordOf(file)).doesNotExist();
    }

    @Test
    void aRecordCutShortIsRemovedAndTheFileLeftAlone() throws IOException {
        Path file = Files.write(dir.resolve("img"), new byte[] {1, 2, 3, 4});
        RangeUndoRecord.save(file, 0, 4);
        Path rec = RangeUndoRecord.recordOf(file);
        byte[] r = Files.readAllBytes(rec);
        Files.write(rec, java.util.Arrays.copyOf(r, r.length - 1));
        assertThat(RangeUndoRecord.recover(file)).isFalse();
        assertThat(rec).doesNotExist();
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void noRecordNothingToDo() throws IOException {
        Path file = Files.write(dir.resolve("img"), new byte[] {1});
        assertThat(RangeUndoRecord.recover(file)).isFalse();
    }

    @Test
    void discardKeepsTheNewBytes() throws IOException {
        Path file = Files.write(dir.resolve("img"), new byte[] {1, 2});
        RangeUndoRecord u = RangeUndoRecord.save(file, 0, 2);
        overwrite(file, 0, new byte[] {9, 9});
        u.discard();
        assertThat(RangeUndoRecord.recover(file)).isFalse();
        assertThat(Files.readAllBytes(file)).containsExactly(9, 9);
    }
}
