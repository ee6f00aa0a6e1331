package io.sadump.device.ckd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 512-byte device header at the start of a Hercules CKD image ({@code hstructs.h} CKDDASD_DEVHDR).
 * Its numbers are <b>little-endian</b>; the devid is ASCII.
 *
 * <p>Source: docs/formats.md §6.1.
 *
 * @param devid {@code CKD_P370} for a plain CKD image
 * @param heads tracks per cylinder (15)
 * @param trackSize bytes per track slot (56832)
 * @param devtype last two hex digits of the device type (0x90)
 * @param fileSeq 0 when the volume is one file
 * @param highCyl highest cylinder in this file, 0 for the last or only file
 */
public record CkdDeviceHeader(String devid, int heads, int trackSize, int devtype, int fileSeq, int highCyl) {
    public static final int SIZE = 512;
    /** A plain (uncompressed) CKD image. */
    public static final String DEVID_PLAIN = "CKD_P370";
    /** A compressed CKD image (CCKD); sadump does not read those. */
    public static final String DEVID_COMPRESSED = "CKD_C370";
    /** A CCKD shadow file. */
    public static final String DEVID_SHADOW = "CKD_S370";
    /** The 64-bit variants of newer Hyperion (docs/formats.md §6.1), which Hercules 3.13 rejects. */
    public static final String DEVID_PLAIN_64 = "CKD_P064";

    static final int OFF_DEVID = 0;
    static final int DEVID_LENGTH = 8;
    static final int OFF_HEADS = 8;
    static final int OFF_TRKSIZE = 12;
    static final int OFF_DEVTYPE = 16;
    static final int OFF_FILESEQ = 17;
    static final int OFF_HIGHCYL = 18;

    /** The header of a single-file 3390 image. */
    public static CkdDeviceHeader for3390() {
        return new CkdDeviceHeader(DEVID_PLAIN, CkdGeometry.HEADS, CkdGeometry.TRACK_SIZE, CkdGeometry.DEVTYPE, 0, 0);
    }

    /** Reads 512 bytes at the buffer's position. */
    public static CkdDeviceHeader read(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        byte[] id = new byte[DEVID_LENGTH];
        b.get(OFF_DEVID, id);
        String devid = new String(id, StandardCharsets.ISO_8859_1);
        int heads = b.getInt(OFF_HEADS);
        int trackSize = b.getInt(OFF_TRKSIZE);
        int devtype = Byte.toUnsignedInt(b.get(OFF_DEVTYPE));
        int fileSeq = Byte.toUnsignedInt(b.get(OFF_FILESEQ));
        int highCyl = Short.toUnsignedInt(b.getShort(OFF_HIGHCYL));
        buf.position(buf.position() + SIZE);
        return new CkdDeviceHeader(devid, heads, trackSize, devtype, fileSeq, highCyl);
    }

    /** Writes 512 bytes (reserved bytes zero) at the buffer's position. */
    public void write(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        byte[] id = devid.getBytes(StandardCharsets.ISO_8859_1);
        if (id.length != DEVID_LENGTH) {
            throw new IllegalArgumentException("devid must be 8 characters: '" + devid + "'");
        }
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        b.put(OFF_DEVID, id);
        b.putInt(OFF_HEADS, heads);
        b.putInt(OFF_TRKSIZE, trackSize);
        b.put(OFF_DEVTYPE, (byte) devtype);
        b.put(OFF_FILESEQ, (byte) fileSeq);
        b.putShort(OFF_HIGHCYL, (short) highCyl);
        buf.position(buf.position() + SIZE);
    }
}
