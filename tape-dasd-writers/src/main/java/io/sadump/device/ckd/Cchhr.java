package io.sadump.device.ckd;

/**
 * The address of a CKD record: cylinder CC, head HH, record number R (as in a count field or the
 * argument of Search ID Equal / Locate Record).
 */
public record Cchhr(int cyl, int head, int record) {
    public Cchhr {
        if (cyl < 0 || cyl > 0xFFFF || head < 0 || head > 0xFFFF || record < 0 || record > 0xFF) {
            throw new IllegalArgumentException(String.format("not a CCHHR: cyl %d head %d record %d", cyl, head, record));
        }
    }

    /** The record {@code record} on absolute track {@code track} of a 3390. */
    public static Cchhr onTrack(int track, int record) {
        return new Cchhr(track / CkdGeometry.HEADS, track % CkdGeometry.HEADS, record);
    }

    /** Absolute track number (cyl * 15 + head). */
    public int track() {
        return cyl * CkdGeometry.HEADS + head;
    }

    @Override
    public String toString() {
        return String.format("CCHHR %04X%04X%02X (cyl %d head %d record %d)", cyl, head, record, cyl, head, record);
    }
}
