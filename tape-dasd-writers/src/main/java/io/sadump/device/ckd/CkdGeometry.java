package io.sadump.device.ckd;

/**
 * The geometry of a 3390 volume in a Hercules {@code CKD_P370} image.
 *
 * <p>Source: docs/formats.md §6.3 ({@code dasdtab.c}: 15 heads for every 3390 model; image
 * track size {@code ROUND_UP(5 + 8 + 8 + 8 + 56664 + 8, 512)} = 56832) and docs/formats.md §6.1 (file size
 * {@code 512 + cyls * heads * trksize}).
 *
 * @param cylinders 1..65520 (3390-54 has 65520)
 */
public record CkdGeometry(int cylinders) {
    /** Tracks per cylinder of every 3390 model. */
    public static final int HEADS = 15;
    /** Bytes of one track slot in the image (docs/formats.md §6.3). */
    public static final int TRACK_SIZE = 56832;
    /** The device-type byte of the device header: last two hex digits of 3390. */
    public static final int DEVTYPE = 0x90;
    /** The largest 3390 (3390-54 / -JJ). */
    public static final int MAX_CYLINDERS = 65520;
    /** 3390-1, -2, -3, -9 primary cylinders (docs/formats.md §6.3). */
    public static final int CYLINDERS_3390_1 = 1113;
    public static final int CYLINDERS_3390_2 = 2226;
    public static final int CYLINDERS_3390_3 = 3339;
    public static final int CYLINDERS_3390_9 = 10017;

    public CkdGeometry {
        if (cylinders < 1 || cylinders > MAX_CYLINDERS) {
            throw new IllegalArgumentException("a 3390 has 1.." + MAX_CYLINDERS + " cylinders, got " + cylinders);
        }
    }

    /** Number of tracks: cylinders * 15. */
    public int tracks() {
        return cylinders * HEADS;
    }

    /** The exact image file size Hercules requires: 512 + tracks * 56832. */
    public long imageSize() {
        return CkdDeviceHeader.SIZE + (long) tracks() * TRACK_SIZE;
    }

    /** File offset of track {@code track}'s slot. */
    public long trackOffset(int track) {
        return CkdDeviceHeader.SIZE + (long) track * TRACK_SIZE;
    }

    /** Absolute track number of cylinder {@code cyl}, head {@code head}. */
    public int track(int cyl, int head) {
        return cyl * HEADS + head;
    }

    /** Whether {@code track} is on this volume. */
    public boolean hasTrack(long track) {
        return track >= 0 && track < tracks();
    }
}
