package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

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
    void theProbeStoresAFrameWhoseStartIsIncompressible() throws Exception {
        byte[] frame = new byte[MIB];
        byte[] head = new byte[FrameCompressor.PROBE];
        new SplittableRandom(4).nextBytes(head);
        System.arraycopy(head, 0, frame, 0, head.length);
        assertThat(compress(frame).stored).isTrue();
        // random data later in the frame is compressed around
        byte[] late = new byte[MIB];
        System.arraycopy(head, 0, late, MIB - head.length, head.length);
        FrameCompressor.Entry e = compress(late);
        assertThat(e.stored).isFalse();
        assertThat(inflate(e)).isEqualTo(late);
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
