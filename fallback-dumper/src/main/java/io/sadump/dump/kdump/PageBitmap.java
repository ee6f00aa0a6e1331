package io.sadump.dump.kdump;

/**
 * One of the two page bitmaps of a kdump-compressed file (reference kdump-compressed.md §1.4): the bit
 * of pfn p is bit (p &amp; 7), least significant first, of byte p &gt;&gt; 3. Held as longs with a rank
 * index, so that a pfn's descriptor index (the set bits before it) is found in constant time.
 */
public final class PageBitmap {
    private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private final long pfns;
    private final long[] words;
    /** Set bits before each block of {@link #RANK_WORDS} words; built by {@link #index()}. */
    private long[] rank;
    static final int RANK_WORDS = 64;

    public PageBitmap(long pfns) {
        if (pfns < 0 || (pfns + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a bitmap of " + pfns + " pages is beyond what is supported");
        }
        this.pfns = pfns;
        this.words = new long[(int) ((pfns + 63) / 64)];
    }

    /** The bitmap of {@code bytes} (LSB-first), {@code pfns} bits long; bits past it are dropped. */
    public static PageBitmap ofBytes(byte[] bytes, long pfns) {
        PageBitmap b = new PageBitmap(pfns);
        for (int w = 0; w < b.words.length; w++) {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                int i = w * 8 + k;
                if (i < bytes.length) {
                    v |= (bytes[i] & 0xFFL) << (8 * k);
                }
            }
            b.words[w] = v;
        }
        int tail = (int) (pfns & 63);
        if (tail != 0 && b.words.length > 0) {
            b.words[b.words.length - 1] &= (1L << tail) - 1;
        }
        b.index();
        return b;
    }

    /**
     * Sets the bits of {@code n} on-disk bitmap bytes (LSB-first) that start at bitmap byte
     * {@code byteOffset} (a multiple of 8); bits past the last pfn are dropped.
     */
    public void orBytes(long byteOffset, byte[] bytes, int n) {
        if ((byteOffset & 7) != 0) {
            throw new IllegalArgumentException("bitmap bytes are taken 8 at a time");
        }
        for (int i = 0; i < n; i += 8) {
            int w = (int) ((byteOffset + i) >>> 3);
            if (w >= words.length) {
                break;
            }
            long v = 0;
            for (int k = 0; k < 8 && i + k < n; k++) {
                v |= (bytes[i + k] & 0xFFL) << (8 * k);
            }
            words[w] |= v;
        }
        int tail = (int) (pfns & 63);
        if (tail != 0 && words.length > 0) {
            words[words.length - 1] &= (1L << tail) - 1;
        }
        rank = null;
    }

    public long pfns() {
        return pfns;
    }

    public void set(long pfn) {
        words[(int) (pfn >>> 6)] |= 1L << (pfn & 63);
        rank = null;
    }

    /** Sets [from, to). */
    public void setRange(long from, long to) {
        for (long p = from; p < to; ) {
            if ((p & 63) == 0 && to - p >= 64) {
                words[(int) (p >>> 6)] = -1L;
                p += 64;
            } else {
                set(p);
                p++;
            }
        }
        rank = null;
    }

    public boolean get(long pfn) {
        return pfn >= 0 && pfn < pfns && (words[(int) (pfn >>> 6)] & (1L << (pfn & 63))) != 0;
    }

    /** The first set bit at or after {@code pfn}, or -1. */
    public long nextSet(long pfn) {
        if (pfn < 0) {
            pfn = 0;
        }
        if (pfn >= pfns) {
            return -1;
        }
        int w = (int) (pfn >>> 6);
        long word = words[w] & (-1L << (pfn & 63));
        while (true) {
            if (word != 0) {
                long p = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return p < pfns ? p : -1;
            }
            if (++w >= words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** The first clear bit at or after {@code pfn} ({@link #pfns()} when none before the end). */
    public long nextClear(long pfn) {
        if (pfn >= pfns) {
            return pfns;
        }
        int w = (int) (pfn >>> 6);
        long word = ~words[w] & (-1L << (pfn & 63));
        while (true) {
            if (word != 0) {
                return Math.min(pfns, ((long) w << 6) + Long.numberOfTrailingZeros(word));
            }
            if (++w >= words.length) {
                return pfns;
            }
            word = ~words[w];
        }
    }

    /** Builds the rank index; call after the last change and before {@link #rank}. */
    public PageBitmap index() {
        long[] r = new long[words.length / RANK_WORDS + 1];
        long sum = 0;
        for (int w = 0; w < words.length; w++) {
            if (w % RANK_WORDS == 0) {
                r[w / RANK_WORDS] = sum;
            }
            sum += Long.bitCount(words[w]);
        }
        if (words.length % RANK_WORDS == 0) {
            r[words.length / RANK_WORDS] = sum;
        }
        rank = r;
        cardinality = sum;
        return this;
    }

    private long cardinality;

    /** The number of set bits. */
    public long cardinality() {
        if (rank == null) {
            index();
        }
        return cardinality;
    }

    /** The number of set bits before {@code pfn}: the index of its page descriptor (§1.4). */
    public long rank(long pfn) {
        if (rank == null) {
            index();
        }
        int w = (int) (pfn >>> 6);
        long sum = rank[w / RANK_WORDS];
        for (int i = w / RANK_WORDS * RANK_WORDS; i < w; i++) {
            sum += Long.bitCount(words[i]);
        }
        if ((pfn & 63) != 0) {
            sum += Long.bitCount(words[w] & ((1L << (pfn & 63)) - 1));
        }
        return sum;
    }

    /**
     * Bytes [from, from + length) of the on-disk bitmap (LSB-first); bytes past the last pfn's are 0,
     * as makedumpfile pads a bitmap to whole blocks.
     */
    public void copyBytes(long from, byte[] dst, int length) {
        int i = 0;
        if ((from & 7) == 0) {
            // whole words at a time: the on-disk order (LSB first) is a little-endian long
            int w = (int) (from >>> 3);
            for (; i + 8 <= length; i += 8, w++) {
                LITTLE_ENDIAN_LONG.set(dst, i, w < words.length ? words[w] : 0L);
            }
        }
        for (; i < length; i++) {
            long byteIndex = from + i;
            int w = (int) (byteIndex >>> 3);
            dst[i] = w < words.length ? (byte) (words[w] >>> (8 * (byteIndex & 7))) : 0;
        }
    }
}
