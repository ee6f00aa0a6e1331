package io.sadump.device.dumptool;

import java.nio.ByteBuffer;

/**
 * A format-0 channel command word (8 bytes, big-endian): command code, 24-bit data address, flags,
 * a zero byte, 16-bit count. Format 0 is what an IPL channel program runs (docs/formats.md §4.2).
 */
public record Ccw0(int command, int address, int flags, int count) {
    public static final int SIZE = 8;
    /** Chain data. */
    public static final int CD = 0x80;
    /** Chain command. */
    public static final int CC = 0x40;
    /** Suppress incorrect length. */
    public static final int SLI = 0x20;
    /** Skip: no data is transferred to storage. */
    public static final int SKIP = 0x10;

    /** Read IPL (the channel's implicit first CCW). */
    public static final int CMD_READ_IPL = 0x02;
    /** Read (tape: read forward). */
    public static final int CMD_READ = 0x02;
    /** No operation. */
    public static final int CMD_NOP = 0x03;
    /** ECKD Read Data: the data field of the next record. */
    public static final int CMD_READ_DATA = 0x06;
    /** Tape rewind. */
    public static final int CMD_REWIND = 0x07;
    /** Transfer in channel. */
    public static final int CMD_TIC = 0x08;

    public Ccw0 {
        if (command < 0 || command > 0xFF || address < 0 || address > 0xFFFFFF || flags < 0 || flags > 0xFF
                || count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException(String.format("invalid format-0 CCW: %x %x %x %x", command, address,
                    flags, count));
        }
    }

    public static Ccw0 read(ByteBuffer b) {
        int word0 = b.getInt();
        int flags = Byte.toUnsignedInt(b.get());
        b.get();
        int count = Short.toUnsignedInt(b.getShort());
        return new Ccw0(word0 >>> 24, word0 & 0xFFFFFF, flags, count);
    }

    public void write(ByteBuffer b) {
        b.putInt((command << 24) | address);
        b.put((byte) flags);
        b.put((byte) 0);
        b.putShort((short) count);
    }

    @Override
    public String toString() {
        return String.format("%02X%06X %02X00%04X", command, address, flags, count);
    }
}
