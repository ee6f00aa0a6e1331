package io.sadump.dump;

/**
 * The CKSM instruction's checksum: 32-bit end-around-carry sum of big-endian words, the last word
 * padded with zero bytes on the right; not folded, not complemented (reference kernel-kdump.md §2.1).
 * Used here to verify a meminfo ({@code os_info}) page and its VMCOREINFO entry found in a dump.
 */
public final class Cksm {
    private Cksm() {}

    public static int of(byte[] b, int off, int len) {
        long s = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            int p = off + i;
            long w = ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
            s += w;
            if (s > 0xFFFF_FFFFL) {
                s = (s & 0xFFFF_FFFFL) + 1;
            }
        }
        if (i < len) {
            long w = 0;
            for (int k = 0; k < 4; k++) {
                w = (w << 8) | (i + k < len ? (b[off + i + k] & 0xFF) : 0);
            }
            s += w;
            if (s > 0xFFFF_FFFFL) {
                s = (s & 0xFFFF_FFFFL) + 1;
            }
        }
        return (int) s;
    }
}
