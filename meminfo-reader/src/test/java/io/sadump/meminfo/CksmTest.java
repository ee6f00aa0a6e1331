package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AbsoluteStorage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CKSM against every vector of docs/abi.md §1.1. */
class CksmTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "cksm({0}) = {1}")
    @CsvSource({
        "000102030405060708090A, 0C0F120A",
        "FFFFFFFF00000002, 00000002",
        "FFFFFFFF, FFFFFFFF",
        "8000000080000000, 00000001",
        "'', 00000000",
    })
    void referenceVectors(String input, String expected) {
        byte[] b = HEX.parseHex(input.toLowerCase());
        assertThat(hex(Cksm.of(b))).isEqualTo(expected);
        assertThat(hex(Cksm.of(b, 0, b.length))).isEqualTo(expected);
        assertThat(hex(Cksm.of(ByteBuffer.wrap(b)))).isEqualTo(expected);
    }

    @Test
    void lastPartialWordIsPaddedOnTheRight() {
        // 11 bytes: the last word is 08 09 0A 00, not 00 08 09 0A.
        byte[] b = HEX.parseHex("000102030405060708090a");
        long expected = 0x00010203L + 0x04050607L + 0x08090A00L;
        assertThat(Cksm.of(b) & 0xFFFFFFFFL).isEqualTo(expected);
    }

    @Test
    void osInfoVector1() {
        byte[] page = vector1Page();
        int csum = Cksm.of(page, 0x0C, 0x1000 - 0x0C);
        assertThat(hex(csum)).isEqualTo("20010001");
        ByteBuffer.wrap(page).putInt(0x08, csum);
        assertThat(HEX.formatHex(page, 0, 32).toUpperCase())
                .isEqualTo("4F53494E464F535A" + "20010001" + "0001" + "0001" + "0000000010000000" + "0000000010000000");
    }

    @Test
    void osInfoVector2() {
        byte[] note = "OSRELEASE=6.1.0\nPAGESIZE=4096\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(note).hasSize(30);
        int entryCsum = Cksm.of(note);
        assertThat(hex(entryCsum)).isEqualTo("28CCCB95");
        byte[] page = vector1Page();
        ByteBuffer.wrap(page).position(0x20).putLong(0x0000000001234000L).putLong(30).putInt(entryCsum);
        assertThat(hex(Cksm.of(page, 0x0C, 0x1000 - 0x0C))).isEqualTo("49F10BB4");
    }

    /** Vector 1 built byte by byte, without MeminfoPage. */
    static byte[] vector1Page() {
        byte[] page = new byte[4096];
        ByteBuffer.wrap(page).put("OSINFOSZ".getBytes(StandardCharsets.US_ASCII)).putInt(0).putShort((short) 1)
                .putShort((short) 1).putLong(0x10000000L).putLong(0x10000000L);
        return page;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 0x5ad0, 20240101, -7})
    void streamingInRandomChunksEqualsOneShotAndTheReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 40; round++) {
            byte[] b = new byte[rnd.nextInt(0, 20_000)];
            fill(rnd, b);
            if (rnd.nextInt(4) == 0) {
                java.util.Arrays.fill(b, (byte) 0xFF); // many end-around carries
            }
            int expected = reference(b, 0, b.length, 0);
            assertThat(Cksm.of(b)).as("seed %d round %d one-shot", seed, round).isEqualTo(expected);
            Cksm c = new Cksm();
            for (int off = 0; off < b.length; ) {
                int n = Math.min(b.length - off, rnd.nextInt(0, 13) == 0 ? rnd.nextInt(0, 3000) : rnd.nextInt(0, 9));
                c.update(b, off, n);
                off += n;
                if (rnd.nextInt(50) == 0) {
                    c.value(); // peeking must not disturb the state
                }
            }
            assertThat(c.value()).as("seed %d round %d streamed", seed, round).isEqualTo(expected);
            assertThat(c.length()).isEqualTo(b.length);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void initialValueIsTheFirstOperand(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] b = new byte[1001];
        fill(rnd, b);
        int init = rnd.nextInt();
        assertThat(new Cksm(init).update(b).value()).as("seed %d", seed).isEqualTo(reference(b, 0, b.length, init));
    }

    @Test
    void storageRangeIsStreamedAcrossChunks() {
        SplittableRandom rnd = new SplittableRandom(99);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(8L << 20)) {
            byte[] b = new byte[Cksm.CHUNK_SIZE * 2 + 4099];
            fill(rnd, b);
            long addr = 0x12345; // unaligned start
            s.write(addr, b);
            assertThat(Cksm.of(s, addr, b.length)).isEqualTo(reference(b, 0, b.length, 0));
            assertThat(Cksm.of(s, addr + 3, 5)).isEqualTo(reference(b, 3, 5, 0));
            assertThat(Cksm.of(s, 0, 0)).isZero();
        }
    }

    @Test
    void inputStreamEqualsOneShot() throws Exception {
        byte[] b = new byte[Cksm.CHUNK_SIZE + 7];
        fill(new SplittableRandom(5), b);
        assertThat(Cksm.of(new ByteArrayInputStream(b))).isEqualTo(Cksm.of(b));
    }

    @Test
    void directByteBufferIsChunked() {
        byte[] b = new byte[3 * Cksm.CHUNK_SIZE / 2 + 1];
        fill(new SplittableRandom(6), b);
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        assertThat(new Cksm().update(direct).value()).isEqualTo(Cksm.of(b));
        assertThat(direct.hasRemaining()).isFalse();
    }

    /** A direct model of docs/abi.md §1.1: per-word end-around carry. */
    static int reference(byte[] b, int off, int len, int init) {
        long s = init & 0xFFFFFFFFL;
        for (int i = 0; i < len; i += 4) {
            long w = 0;
            for (int k = 0; k < 4; k++) {
                w = (w << 8) | (i + k < len ? (b[off + i + k] & 0xFF) : 0);
            }
            s += w;
            if (s > 0xFFFFFFFFL) {
                s = (s & 0xFFFFFFFFL) + 1;
            }
        }
        return (int) s;
    }

    static void fill(SplittableRandom rnd, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
    }

    static String hex(int v) {
        return String.format("%08X", v);
    }
}
