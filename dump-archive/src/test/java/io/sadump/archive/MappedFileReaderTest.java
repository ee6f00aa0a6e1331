package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading a dump file through mapped windows: the same bytes as a read, and a file cut short is an error, not a crash. */
class MappedFileReaderTest {
    static final long WINDOW = 64 << 10;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void fillsBuffersWithTheFilesBytesAcrossWindows(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        // windows of 64 KiB, a file of some of them and a piece, buffers smaller and larger than a window
        byte[] data = new byte[(int) (rnd.nextInt(2, 9) * WINDOW + rnd.nextInt(1, (int) WINDOW))];
        rnd.nextBytes(data);
        Path f = Files.write(tmp.resolve("dump"), data);
        int bufSize = rnd.nextBoolean() ? rnd.nextInt(1, (int) WINDOW) : rnd.nextInt((int) WINDOW, (int) (3 * WINDOW));
        ByteBuffer buf = ByteBuffer.allocateDirect(bufSize);
        try (FileChannel in = FileChannel.open(f); MappedFileReader r = new MappedFileReader(f, in, WINDOW)) {
            for (long at = 0; at < data.length; at += bufSize) {
                int n = r.fill(buf, at, data.length);
                assertThat(n).as("seed %d, buffer %d at %d", seed, bufSize, at)
                        .isEqualTo((int) Math.min(bufSize, data.length - at));
                buf.flip();
                byte[] got = new byte[n];
                buf.get(got);
                assertThat(got).as("seed %d, buffer %d at %d", seed, bufSize, at)
                        .isEqualTo(Arrays.copyOfRange(data, (int) at, (int) at + n));
            }
        }
    }

    @Test
    void aFileShorterThanPlannedReadsWhatThereIs() throws IOException {
        byte[] data = new byte[(int) (3 * WINDOW + 100)];
        new SplittableRandom(7).nextBytes(data);
        Path f = Files.write(tmp.resolve("dump"), data);
        ByteBuffer buf = ByteBuffer.allocateDirect((int) WINDOW);
        try (FileChannel in = FileChannel.open(f); MappedFileReader r = new MappedFileReader(f, in, WINDOW)) {
            long planned = 4 * WINDOW;
            assertThat(r.fill(buf, 3 * WINDOW, planned)).isEqualTo(100);
            assertThat(r.fill(buf, planned - 10, planned)).isZero();
        }
    }

    @Test
    void aFileCutShortWhileMappedIsAnErrorSayingSo() throws IOException {
        byte[] data = new byte[(int) (4 * WINDOW)];
        new SplittableRandom(8).nextBytes(data);
        Path f = Files.write(tmp.resolve("dump"), data);
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (WINDOW / 4));
        try (FileChannel in = FileChannel.open(f); MappedFileReader r = new MappedFileReader(f, in, 2 * WINDOW);
                FileChannel cut = FileChannel.open(f, StandardOpenOption.WRITE)) {
            // the first window is mapped by the first fill; the file then ends inside it, and the pages
            // past its new end cannot be read any more (a SIGBUS, which the JVM reports in Java code)
            assertThat(r.fill(buf, 0, data.length)).isEqualTo(buf.capacity());
            cut.truncate(WINDOW / 2);
            assertThatThrownBy(() -> r.fill(buf, WINDOW, data.length))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(f + ": changed while it was archived (it became shorter while it was read");
        }
    }
}
