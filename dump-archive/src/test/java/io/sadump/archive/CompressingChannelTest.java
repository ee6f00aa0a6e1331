package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.output.ReplacementFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The archive's compressed stream: what goes in, in any mix of heap and direct buffers, tar-record
 * writes and buffers larger than the file's write buffers, comes out of the decompressor the same,
 * for every kind; a file that cannot be written fails the stream.
 */
class CompressingChannelTest {
    @TempDir
    Path dir;

    /**
     * With {@code unbuffered}, the file is a {@link ReplacementFile} written past the page cache, as
     * {@code archive create} writes one, and committed at the end.
     */
    @ParameterizedTest(name = "{0}, seed {1}, unbuffered {2}")
    @CsvSource({"ZSTD, 21, false", "ZSTD, 22, false", "XZ, 23, false", "GZIP, 24, false", "NONE, 25, false",
        "ZSTD, 27, true", "GZIP, 28, true", "NONE, 29, true"})
    void whatIsWrittenDecompressesToTheSameBytes(ArchiveCompression kind, long seed, boolean unbuffered)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path f = dir.resolve("out");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (ReplacementFile file = ReplacementFile.create(f);
                CompressingChannel ch = CompressingChannel.open(kind, file.channel(),
                        unbuffered ? file.unbufferedChannel().orElseThrow() : null,
                        kind == ArchiveCompression.XZ ? 1 : 3, 2)) {
            int pieces = kind == ArchiveCompression.XZ ? 6 : 30; // xz takes a second for every few MiB
            for (int i = 0; i < pieces; i++) {
                byte[] data = pieceOfData(rnd);
                expected.write(data, 0, data.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> ch.write(ByteBuffer.wrap(data));
                    case 1 -> ch.write(ByteBuffer.allocateDirect(data.length).put(data).flip());
                    default -> ch.asStream().write(data, 0, data.length); // as commons-compress writes headers
                }
            }
            ch.finish();
            ch.close();
            file.commit();
        }
        byte[] back;
        try (InputStream in = kind.decompress(Files.newInputStream(f))) {
            back = in.readAllBytes();
        }
        assertThat(back).as("%s, seed %d", kind, seed).isEqualTo(expected.toByteArray());
    }

    /** Sizes from one tar record to more than two of the file's write buffers; compressible and not. */
    private static byte[] pieceOfData(SplittableRandom rnd) {
        int size = switch (rnd.nextInt(3)) {
            case 0 -> 512;
            case 1 -> rnd.nextInt(1, 64 << 10);
            default -> rnd.nextInt(CompressingChannel.OUT_BUFFER, 2 * CompressingChannel.OUT_BUFFER + 4096);
        };
        byte[] data = new byte[size];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(data); // random bytes: zstd's output is as large as its input, filling write buffers
        } else {
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i / 97 + rnd.nextInt(4));
            }
        }
        return data;
    }

    @ParameterizedTest
    @EnumSource(value = ArchiveCompression.class, names = {"ZSTD", "GZIP"})
    void aFileThatCannotBeWrittenFailsTheStream(ArchiveCompression kind) throws IOException {
        byte[] incompressible = new byte[4 << 20];
        new SplittableRandom(26).nextBytes(incompressible);
        CompressingChannel ch = CompressingChannel.open(kind, WriteBehindOutputTest.diskFull(), 1, 1);
        try {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 16; i++) {
                    ch.write(ByteBuffer.wrap(incompressible));
                }
                ch.finish();
            }).isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        } finally {
            // the failure is reported again on the way out; what matters is that nothing hangs
            try {
                ch.close();
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("No space left on device");
            }
        }
    }
}
