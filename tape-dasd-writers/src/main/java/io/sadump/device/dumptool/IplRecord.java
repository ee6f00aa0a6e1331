package io.sadump.device.dumptool;

import java.nio.ByteBuffer;

/**
 * The 24 bytes that the channel's READ IPL puts at absolute 0: the IPL PSW (8 bytes), then two format-0
 * CCWs at 8 and 16, with which the channel program continues. On a DASD they are the data of R1 of
 * track 0 ("IPL1"); on a tape, the first 24 bytes of the first block.
 *
 * <p>Source: docs/formats.md §2.2, §4.1, §4.2, §4.4.
 */
public record IplRecord(long psw, Ccw0 ccw1, Ccw0 ccw2) {
    public static final int SIZE = 24;

    /** @throws IllegalArgumentException if fewer than 24 bytes remain */
    public static IplRecord read(ByteBuffer b) {
        if (b.remaining() < SIZE) {
            throw new IllegalArgumentException("an IPL record is " + b.remaining() + " bytes, shorter than " + SIZE);
        }
        long psw = b.getLong();
        return new IplRecord(psw, Ccw0.read(b), Ccw0.read(b));
    }

    public void write(ByteBuffer b) {
        b.putLong(psw);
        ccw1.write(b);
        ccw2.write(b);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    /** The instruction address of the IPL PSW (ESA/390 format: the low 31 bits of the second word). */
    public long entryAddress() {
        return psw & 0x7FFF_FFFFL;
    }

    @Override
    public String toString() {
        return String.format("PSW %08X %08X, CCW1 %s, CCW2 %s", psw >>> 32, psw & 0xFFFFFFFFL, ccw1, ccw2);
    }
}
