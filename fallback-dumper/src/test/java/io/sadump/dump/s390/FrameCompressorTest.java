package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCompressorTest {
    static final int MIB = 1 << 20;

    static FrameCompressor.Entry compress(byte[] frame) throws IOException {
        try (FrameCompressor c = new FrameCompressor(2, MIB)) {
            byte[] in = c.inputBuffer();
            System.arraycopy(frame, 0, in, 0, frame.length);
            c.submit(in, frame.length);
            FrameCompressor.Entry e = c.take();
            FrameCompressor.Entry copy = new FrameCompressor.Entry(Arrays.copyOf(e.input, e.inputLength), e.inputLength);
            copy.stored = e.stored;
            copy.output = e.output == null ? null : Arrays.copyOf(e.output, e.blocks() * 4096);
            copy.outputLength = e.outputLength;
            c.release(e);
            return copy;
        }
    }

    static byte[] inflate(FrameCompressor.Entry e) throws DataFormatException {
        Inflater i = new Inflater();
        i.setInput(e.output, 0, e.blocks() * 4096);
        byte[] out = new byte[MIB];
        int n = 0;
        while (!i.finished() && n < out.length) {
            n += i.inflate(out, n, out.length - n);
        }
        assertThat(i.finished()).isTrue();
        i.end();
        return Arrays.copyOf(out, n);
    }

    @Test
    void compressibleFrameIsOneZlibStreamPaddedToBlocks() throws Exception {
        byte[] frame = new byte[MIB];
        byte[] text = "sadump frame compressor test line\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < frame.length; i++) {
            frame[i] = text[i % text.length];
        }
        FrameCompressor.Entry e = compress(frame);
        assertThat(e.stored).isFalse();
        assertThat(e.output[0] & 0xFF).isEqualTo(0x78); // zlib header, deflate with a 32 KiB window
        assertThat(e.blocks()).isLessThan(4);
        for (int i = e.outputLength; i < e.blocks() * 4096; i++) {
            assertThat(e.output[i]).isZero();
        }
        assertThat(inflate(e)).isEqualTo(frame);
    }

    @Test
    void randomFrameIsStored() throws Exception {
        byte[] frame = new byte[MIB];
        new SplittableRandom(3).nextBytes(frame);
        FrameCompressor.Entry e = compress(frame);
        assertThat(e.stored).isTrue();
        assertThat(e.blocks()).isEqualTo(256);
    }

    @Test
    void randomPagesAreStoredBlocksInsideTheStream() throws Exception {
        // the first 64 KiB random, the rest zeros: one zlib stream, the random pages stored in it
        byte[] frame = new byte[MIB];
        byte[] head = new byte[64 * 1024];
        new SplittableRandom(4).nextBytes(head);
        System.arraycopy(head, 0, frame, 0, head.length);
        FrameCompressor.Entry e = compress(frame);
        assertThat(e.stored).isFalse();
        assertThat(inflate(e)).isEqualTo(frame);
        // 16 stored blocks of 4096 bytes, each with a 5-byte header, then 960 KiB of zeros at level 1
        // (a 258-byte match costs about a byte: some 4 KiB)
        assertThat(e.outputLength).isBetween(head.length, head.length + 8192);
    }

    /** Pages of the `mixed` workload's kinds in a seeded order: zero, text-like, random. */
    static byte[] mixedFrame(SplittableRandom rnd) {
        byte[] frame = new byte[MIB];
        String[] words = {"kworker", "systemd", "ext4", "dasd", "page_cache", "task_struct", "/var/log/messages"};
        for (int p = 0; p < MIB / 4096; p++) {
            int kind = rnd.nextInt(12);
            int at = p * 4096;
            if (kind >= 7) {
                byte[] page = new byte[4096];
                rnd.nextBytes(page);
                System.arraycopy(page, 0, frame, at, 4096);
            } else if (kind >= 2) {
                for (int i = at; i < at + 4096; ) {
                    byte[] w = (words[rnd.nextInt(words.length)] + (rnd.nextInt(4) == 0 ? "\n" : " "))
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    int n = Math.min(w.length, at + 4096 - i);
                    System.arraycopy(w, 0, frame, i, n);
                    i += n;
                }
            }
        }
        return frame;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void mixedPagesRoundTripAndStayAsSmallAsPlainLevelOne(long seed) throws Exception {
        byte[] frame = mixedFrame(new SplittableRandom(seed));
        FrameCompressor.Entry e = compress(frame);
        assertThat(e.stored).as("seed %d", seed).isFalse();
        assertThat(inflate(e)).as("seed %d", seed).isEqualTo(frame);
        Deflater plain = new Deflater(1);
        plain.setInput(frame);
        plain.finish();
        byte[] out = new byte[2 * MIB];
        int n = 0;
        while (!plain.finished()) {
            n += plain.deflate(out, n, out.length - n);
        }
        plain.end();
        assertThat((double) e.outputLength).as("seed %d: %d bytes, plain level 1 %d", seed, e.outputLength, n)
                .isLessThanOrEqualTo(n * 1.01);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void randomPagesAreIncompressibleAndStructuredOnesAreNot(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] counts = new int[256];
        byte[] page = new byte[4096];
        for (int i = 0; i < 200; i++) {
            rnd.nextBytes(page);
            assertThat(FrameCompressor.incompressible(page, 0, counts)).as("seed %d, random page %d", seed, i).isTrue();
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(page).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // little-endian 32-bit counters below 2^16: the low bytes are random, the high ones zero
        for (int i = 0; i < 1024; i++) {
            b.putInt(i * 4, rnd.nextInt(1 << 16));
        }
        assertThat(FrameCompressor.incompressible(page, 0, counts)).as("seed %d, small counters", seed).isFalse();
        // 64-bit kernel pointers: the high bytes repeat
        for (int i = 0; i < 512; i++) {
            b.putLong(i * 8, 0x000003FF_00000000L | rnd.nextInt());
        }
        assertThat(FrameCompressor.incompressible(page, 0, counts)).as("seed %d, pointers", seed).isFalse();
        // a random 256-byte pattern repeated: random bytes, but LZ77 compresses it
        byte[] pattern = new byte[256];
        rnd.nextBytes(pattern);
        for (int i = 0; i < 4096; i++) {
            page[i] = pattern[i % 256];
        }
        assertThat(FrameCompressor.incompressible(page, 0, counts)).as("seed %d, repeated pattern", seed).isFalse();
    }

    @Test
    void shortEntriesAreHandled() throws Exception {
        byte[] frame = new byte[8192];
        FrameCompressor.Entry e = compress(frame);
        assertThat(e.stored).isFalse();
        assertThat(e.blocks()).isEqualTo(1);
        assertThat(inflate(e)).isEqualTo(frame);
        assertThat(compress(new byte[4096]).stored).isTrue(); // cannot save a block
    }
}
