package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The s390 CKSM checksum, as the kernel's {@code cksm()} / {@code csum_partial()} and s390-tools
 * compute it with the CKSM instruction (docs/abi.md §1.1): the operand is split
 * into big-endian 32-bit words (a last partial word is left-justified and padded with zero bytes on
 * the right), and the words are added with end-around carry into a 32-bit sum. The result is neither
 * folded to 16 bits nor complemented; {@code 0xFFFFFFFF} is a legitimate value.
 *
 * <p>This is also a streaming accumulator: {@link #update(byte[], int, int)} may be called with
 * chunks of any length, and the words are formed across chunk boundaries as if the chunks were one
 * operand. {@link #value()} does not disturb the state.
 *
 * <p>Implementation: end-around-carry addition only depends on the exact sum T of all words (docs/abi.md §1.1
 * closed form: 0 if T = 0, otherwise 1 + ((T - 1) mod (2^32 - 1))). So the words are summed in a
 * 64-bit accumulator and folded ({@code (s & 0xFFFFFFFF) + (s >>> 32)}, which keeps T modulo
 * 2^32 - 1 and keeps it non-zero) before it could overflow, exactly like QEMU's {@code HELPER(cksm)}.
 */
public final class Cksm {
    /** Bytes streamed per step when the operand comes from storage or a stream. */
    public static final int CHUNK_SIZE = 1 << 20;

    private static final VarHandle BIG_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final long LOW32 = 0xFFFF_FFFFL;
    /** Fold at least this often (in words): 2^30 words of < 2^32 stay below 2^62 plus a folded sum. */
    private static final int FOLD_INTERVAL_WORDS = 1 << 30;

    private long sum;
    /** Bytes of the current partial word, left-justified (big-endian) in the low 32 bits. */
    private int partialWord;
    /** How many bytes (0..3) of the current word were seen. */
    private int partialLength;
    private long length;

    /** An accumulator starting at 0, as every caller in the dump path uses. */
    public Cksm() {
        this(0);
    }

    /** An accumulator starting at {@code initial} (the CKSM instruction's first operand). */
    public Cksm(int initial) {
        this.sum = initial & LOW32;
    }

    /** One-shot CKSM of {@code len} bytes of {@code b} from {@code off}. */
    public static int of(byte[] b, int off, int len) {
        return new Cksm().update(b, off, len).value();
    }

    /** One-shot CKSM of all of {@code b}. */
    public static int of(byte[] b) {
        return of(b, 0, b.length);
    }

    /** CKSM of the remaining bytes of {@code buffer}; the buffer's position is not changed. */
    public static int of(ByteBuffer buffer) {
        return new Cksm().update(buffer.duplicate()).value();
    }

    /**
     * CKSM of storage {@code [address, address + length)}, streamed in chunks of at most {@link
     * #CHUNK_SIZE} bytes, so any length works in a small heap.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when the range is not inside storage
     */
    public static int of(AbsoluteStorage storage, long address, long length) {
        storage.checkRange(address, length);
        Cksm c = new Cksm();
        byte[] buf = new byte[(int) Math.min(CHUNK_SIZE, Math.max(length, 1))];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buf.length, length - done);
            storage.read(address + done, buf, 0, n);
            c.update(buf, 0, n);
            done += n;
        }
        return c.value();
    }

    /** CKSM of everything {@code in} delivers until its end, streamed; the stream is not closed. */
    public static int of(InputStream in) throws IOException {
        return new Cksm().update(in).value();
    }

    /** Adds {@code len} bytes of {@code b} from {@code off} to the operand. */
    public Cksm update(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + len + ") of " + b.length
                    + " bytes");
        }
        length += len;
        int i = off;
        int end = off + len;
        // Complete a word begun by an earlier chunk.
        while (partialLength != 0 && i < end) {
            partialWord |= (b[i++] & 0xFF) << (8 * (3 - partialLength));
            partialLength++;
            if (partialLength == 4) {
                addWord(partialWord);
                partialWord = 0;
                partialLength = 0;
            }
        }
        // Whole words, summed without per-word carry and folded before the accumulator overflows.
        int words = (end - i) >>> 2;
        while (words > 0) {
            int batch = Math.min(words, FOLD_INTERVAL_WORDS);
            long s = 0;
            for (int w = 0; w < batch; w++, i += 4) {
                s += (int) BIG_ENDIAN_INT.get(b, i) & LOW32;
            }
            sum = fold(fold(sum) + fold(s));
            words -= batch;
        }
        // Keep the last 1..3 bytes for the next chunk (or for padding in value()).
        while (i < end) {
            partialWord |= (b[i++] & 0xFF) << (8 * (3 - partialLength));
            partialLength++;
        }
        return this;
    }

    /** Adds all of {@code b}. */
    public Cksm update(byte[] b) {
        return update(b, 0, b.length);
    }

    /** Adds the remaining bytes of {@code buffer} and advances its position to its limit. */
    public Cksm update(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
        } else {
            byte[] tmp = new byte[Math.min(buffer.remaining(), CHUNK_SIZE)];
            while (buffer.hasRemaining()) {
                int n = Math.min(tmp.length, buffer.remaining());
                buffer.get(tmp, 0, n);
                update(tmp, 0, n);
            }
        }
        return this;
    }

    /** Adds everything {@code in} delivers until its end, in chunks; the stream is not closed. */
    public Cksm update(InputStream in) throws IOException {
        byte[] buf = new byte[CHUNK_SIZE];
        int n;
        while ((n = in.read(buf)) >= 0) {
            update(buf, 0, n);
        }
        return this;
    }

    /** Number of operand bytes seen so far. */
    public long length() {
        return length;
    }

    /**
     * The checksum of all bytes seen so far, the last partial word padded with zero bytes on the
     * right. The accumulator may be updated further afterwards.
     */
    public int value() {
        long s = sum;
        if (partialLength != 0) {
            s += partialWord & LOW32;
        }
        return (int) fold(s);
    }

    private void addWord(int word) {
        sum = fold(sum + (word & LOW32));
    }

    /** Reduces to at most 32 bits, keeping the value modulo 2^32 - 1 and keeping it non-zero. */
    private static long fold(long s) {
        while ((s >>> 32) != 0) {
            s = (s & LOW32) + (s >>> 32);
        }
        return s;
    }
}
