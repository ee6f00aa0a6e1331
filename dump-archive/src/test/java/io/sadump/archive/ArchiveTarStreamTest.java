package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The archive's tar stream writes the same bytes as commons-compress's {@link TarArchiveOutputStream}
 * alone, although the streamed member's data bypasses it.
 */
class ArchiveTarStreamTest {
    static final Instant TIME = Instant.parse("2026-11-25T10:15:30Z");

    private static TarArchiveOutputStream reference(ByteArrayOutputStream out) {
        TarArchiveOutputStream t = new TarArchiveOutputStream(out);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        t.setAddPaxHeadersForNonAsciiNames(true);
        return t;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sameBytesAsCommonsCompressAlone(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] info = ("{\"seed\": " + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] dump = new byte[r.nextInt(1, 300_000)];
        r.nextBytes(dump);
        String longName = "dump-" + "x".repeat(r.nextInt(90, 160)) + "-\u00e9.elf"; // PAX path header
        byte[] sums = "abc  dump\n".getBytes(StandardCharsets.UTF_8);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = reference(expected)) {
            t.putArchiveEntry(ArchiveTarStream.entry("info.json", info.length, TIME));
            t.write(info);
            t.closeArchiveEntry();
            for (String name : new String[] {"dump.elf", longName}) {
                t.putArchiveEntry(ArchiveTarStream.entry(name, dump.length, TIME));
                t.write(dump);
                t.closeArchiveEntry();
            }
            t.putArchiveEntry(ArchiveTarStream.entry("SHA256SUMS", sums.length, TIME));
            t.write(sums);
            t.closeArchiveEntry();
            t.finish();
        }

        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        try (CompressingChannel ch = CompressingChannel.open(ArchiveCompression.NONE, Channels.newChannel(actual), 0, 1)) {
            ArchiveTarStream tar = new ArchiveTarStream(ch);
            tar.small("info.json", info, TIME);
            for (String name : new String[] {"dump.elf", longName}) {
                tar.beginStreamed(name, dump.length, TIME);
                // in uneven pieces, heap and direct
                for (int off = 0; off < dump.length; ) {
                    int n = Math.min(dump.length - off, r.nextInt(1, 70_000));
                    ByteBuffer b = r.nextBoolean() ? ByteBuffer.wrap(dump, off, n)
                            : ByteBuffer.allocateDirect(n).put(dump, off, n).flip();
                    tar.data().write(b);
                    off += n;
                }
                tar.endStreamed();
            }
            tar.small("SHA256SUMS", sums, TIME);
            tar.finish();
            ch.finish();
        }
        assertThat(actual.toByteArray()).as("seed %d", seed).isEqualTo(expected.toByteArray());
    }

    @Test
    void headerOfAMemberOf8GiBAndMoreIsCommonsCompresssPaxHeader() throws IOException {
        long size = (8L << 30) + 12345;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        TarArchiveOutputStream t = reference(expected);
        t.putArchiveEntry(ArchiveTarStream.entry("dump.s390", size, TIME));

        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        CompressingChannel ch = CompressingChannel.open(ArchiveCompression.NONE, Channels.newChannel(actual), 0, 1);
        new ArchiveTarStream(ch).beginStreamed("dump.s390", size, TIME);
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(new String(actual.toByteArray(), StandardCharsets.US_ASCII)).contains("size=" + size);
    }

    @Test
    void aStreamedMemberMustHaveItsSize() throws IOException {
        CompressingChannel ch = CompressingChannel.open(ArchiveCompression.NONE,
                Channels.newChannel(new ByteArrayOutputStream()), 0, 1);
        ArchiveTarStream tar = new ArchiveTarStream(ch);
        tar.beginStreamed("d", 10, TIME);
        tar.data().write(ByteBuffer.allocate(9));
        assertThatThrownBy(tar::endStreamed).isInstanceOf(IOException.class).hasMessageContaining("9 bytes");
        assertThatThrownBy(() -> tar.data().write(ByteBuffer.allocate(2))).isInstanceOf(IOException.class)
                .hasMessageContaining("longer than its header");
        assertThatThrownBy(() -> tar.small("x", new byte[1], TIME)).isInstanceOf(IllegalStateException.class);
    }
}
