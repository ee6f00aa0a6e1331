package io.sadump.device.ckd;

import java.nio.ByteBuffer;

/**
 * The 8-byte count field of a CKD record ({@code hstructs.h} CKDDASD_RECHDR), big-endian:
 * CC(2) HH(2) R(1) KL(1) DL(2).
 *
 * <p>Source: docs/formats.md §6.2.
 */
public record CkdCount(int cyl, int head, int record, int keyLength, int dataLength) {
    public static final int SIZE = 8;

    public CkdCount {
        if (cyl < 0 || cyl > 0xFFFF || head < 0 || head > 0xFFFF || record < 0 || record > 0xFF
                || keyLength < 0 || keyLength > 0xFF || dataLength < 0 || dataLength > 0xFFFF) {
            throw new IllegalArgumentException(String.format("invalid count field: CC %d HH %d R %d KL %d DL %d",
                    cyl, head, record, keyLength, dataLength));
        }
    }

    public static CkdCount read(ByteBuffer buf) {
        int cc = Short.toUnsignedInt(buf.getShort());
        int hh = Short.toUnsignedInt(buf.getShort());
        int r = Byte.toUnsignedInt(buf.get());
        int kl = Byte.toUnsignedInt(buf.get());
        int dl = Short.toUnsignedInt(buf.getShort());
        return new CkdCount(cc, hh, r, kl, dl);
    }

    public void write(ByteBuffer buf) {
        buf.putShort((short) cyl);
        buf.putShort((short) head);
        buf.put((byte) record);
        buf.put((byte) keyLength);
        buf.putShort((short) dataLength);
    }

    public Cchhr id() {
        return new Cchhr(cyl, head, record);
    }

    /** Bytes the record takes in the image track: count + key + data. */
    public int imageLength() {
        return SIZE + keyLength + dataLength;
    }
}
