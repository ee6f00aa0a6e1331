package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A source file going into an archive as it is: every byte once, in order, and a file that changes is an error. */
class DumpFileCopyTest {
    /** More than the buffers in flight, and not a whole number of buffers or mapped windows. */
    static final int SIZE = (DumpArchiveWriter.COPY_BUFFERS + 8) * DumpArchiveWriter.COPY_BUFFER + 12345;

    @TempDir
    Path tmp;

    @Test
    void copiesAndDigestsEveryByte() throws Exception {
        byte[] data = data(1);
        Path f = Files.write(tmp.resolve("dump"), data);
        Sink sink = new Sink(null, -1, 0);
        try (DigestingChannel ch = new DigestingChannel(sink)) {
            DumpArchiveWriter.copy(f, ch, data.length);
            assertThat(ch.count()).isEqualTo(data.length);
            assertThat(ch.hex()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        }
        assertThat(sink.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void aFileShorterThanItsEntryIsAnError() throws IOException {
        byte[] data = data(2);
        Path f = Files.write(tmp.resolve("dump"), data);
        try (DigestingChannel ch = new DigestingChannel(new Sink(null, -1, 0))) {
            assertThatThrownBy(() -> DumpArchiveWriter.copy(f, ch, data.length + 4096L))
                    .isInstanceOf(IOException.class)
                    .hasMessage(f + ": changed while it was archived (" + data.length + " of " + (data.length + 4096L)
                            + " bytes read)");
        }
    }

    /** The JVM's late report of the fault once left the reader's FileChannel unclosable (close hung). */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    @org.junit.jupiter.api.Timeout(60)
    void aFileCutShortWhileItIsCopiedIsAnErrorNotACrash(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] data = data(seed);
        Path f = Files.write(tmp.resolve("dump"), data);
        // the file is cut short when the compressor gets one of the first buffers: the reader is at most
        // COPY_BUFFERS ahead then, so reads (of mapped windows, some already mapped) are still to come
        int when = rnd.nextInt(4);
        long to = rnd.nextLong(SIZE - 4L * DumpArchiveWriter.COPY_BUFFER);
        try (DigestingChannel ch = new DigestingChannel(new Sink(f, when, to))) {
            assertThatThrownBy(() -> DumpArchiveWriter.copy(f, ch, data.length))
                    .as("seed %d: cut to %d at buffer %d", seed, to, when)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith(f + ": changed while it was archived (");
        }
    }

    private static byte[] data(long seed) {
        byte[] data = new byte[SIZE];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Digests what it gets; cuts {@code file} to {@code to} bytes when it gets buffer {@code when}. */
    private static final class Sink implements WritableByteChannel {
        private final Path file;
        private final int when;
        private final long to;
        private final MessageDigest md;
        private int buffers;

        Sink(Path file, int when, long to) {
            this.file = file;
            this.when = when;
            this.to = to;
            this.md = DumpArchiveWriter.sha256();
        }

        @Override
        public int write(ByteBuffer src) {
            if (buffers++ == when) {
                try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    c.truncate(to);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            int n = src.remaining();
            md.update(src);
            return n;
        }

        byte[] digest() {
            return md.digest();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
