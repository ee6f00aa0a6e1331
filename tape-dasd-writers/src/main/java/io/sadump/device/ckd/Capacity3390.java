package io.sadump.device.ckd;

import java.util.List;

/**
 * The real 3390 track capacity (device formula 2). The image slot would take more (13 x 4096 fits
 * 56832 bytes); a real 3390 track does not, and sadump enforces the real limit.
 *
 * <p>Source: docs/formats.md §6.3 ({@code dasdutil.c} capacity_calc, formula 2 with
 * f1 = 34, f2 = 19, f3 = 9, f4 = 6, f5 = 116, f6 = 6 and track length 58786): a record uses
 * {@code roundup34(34*19 + DL + 6 + 6*ceil((DL+6)/232))} plus, if keyed,
 * {@code roundup34(34*9 + KL + 6 + 6*ceil((KL+6)/232))}; records fit while the sum stays within 58786.
 * That gives 12 x 4096, 1 x 56664, 2 x 27998 per track.
 */
public final class Capacity3390 {
    private Capacity3390() {}

    /** Track length in the formula's units. */
    public static final int TRACK_LENGTH = 58786;
    /** The largest data length of a keyless record (one per track). */
    public static final int MAX_DATA_LENGTH = 56664;
    static final int F1 = 34;
    static final int F2 = 19;
    static final int F3 = 9;
    static final int F4 = 6;
    static final int F5 = 116;
    static final int F6 = 6;

    /** The track length one record with key length {@code kl} and data length {@code dl} uses. */
    public static int recordLength(int kl, int dl) {
        int i1 = ceilDiv(dl + F6, F5 * 2);
        int i2 = ceilDiv(kl + F6, F5 * 2);
        int dataPart = roundUp(F1 * F2 + dl + F6 + F4 * i1);
        int keyPart = kl == 0 ? 0 : roundUp(F1 * F3 + kl + F6 + F4 * i2);
        return dataPart + keyPart;
    }

    /** How many records of this shape a 3390 track holds. */
    public static int recordsPerTrack(int kl, int dl) {
        return TRACK_LENGTH / recordLength(kl, dl);
    }

    /** The track length the user records {@code counts} use together. */
    public static long used(List<CkdCount> counts) {
        long used = 0;
        for (CkdCount c : counts) {
            used += recordLength(c.keyLength(), c.dataLength());
        }
        return used;
    }

    /** Whether these user records (R1..Rn, R0 excluded as in the formula) fit on one 3390 track. */
    public static boolean fits(List<CkdCount> counts) {
        return used(counts) <= TRACK_LENGTH;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int v) {
        return ceilDiv(v, F1) * F1;
    }
}
