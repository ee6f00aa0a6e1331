package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The member channel: every byte reaches the archive once and the SHA-256 is that of all of them, in order. */
class DigestingChannelTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void passesEveryByteOnAndDigestsThemInOrder(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream archived = new ByteArrayOutputStream();
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Future<?>> later = new ArrayList<>();
        List<ByteBuffer> kept = new ArrayList<>();
        try (DigestingChannel ch = new DigestingChannel(Channels.newChannel(archived))) {
            for (int i = 0; i < 12; i++) {
                // small writes digested in line, large ones (some not a whole number of digest pieces)
                // on the digest thread; heap and direct buffers, some read from an offset
                int size = rnd.nextBoolean() ? rnd.nextInt(DigestingChannel.PARALLEL_FROM)
                        : DigestingChannel.PARALLEL_FROM + rnd.nextInt(5 * DigestingChannel.DIGEST_PIECE);
                int offset = rnd.nextInt(100);
                byte[] data = new byte[offset + size];
                rnd.nextBytes(data);
                ByteBuffer b = rnd.nextBoolean() ? ByteBuffer.allocate(data.length)
                        : ByteBuffer.allocateDirect(data.length);
                b.put(data).position(offset);
                expected.update(data, offset, size);
                all.write(data, offset, size);
                if (rnd.nextBoolean()) {
                    assertThat(ch.write(b)).isEqualTo(size);
                } else {
                    later.add(ch.writeDigestingLater(b));
                    kept.add(b); // unchanged until its digest is done
                }
                assertThat(b.hasRemaining()).as("seed %d, write %d", seed, i).isFalse();
            }
            assertThat(ch.hex()).as("seed %d", seed).isEqualTo(HexFormat.of().formatHex(expected.digest()));
            assertThat(ch.count()).isEqualTo(all.size());
        }
        for (Future<?> f : later) {
            assertThat(f).isDone();
        }
        assertThat(archived.toByteArray()).as("seed %d", seed).isEqualTo(all.toByteArray());
    }
}
