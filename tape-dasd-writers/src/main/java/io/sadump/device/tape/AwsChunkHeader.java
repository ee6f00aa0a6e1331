package io.sadump.device.tape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 6-byte header in front of each chunk of an AWSTAPE file ({@code tapedev.h} AWSTAPE_BLKHDR):
 * curblkl (u16, <b>little-endian</b>), prvblkl (u16, little-endian), flags1, flags2.
 *
 * <p>Source: docs/formats.md §8. A block of up to 65535 bytes is one chunk with flags1
 * {@code 0xA0} (start and end of record); a tape mark is a header alone with flags1 {@code 0x40}; prvblkl
 * is the length of the previous chunk (0 at the load point and after a tape mark); flags2 is 0 for AWS.
 *
 * @param length curblkl: bytes of data after this header
 * @param previousLength prvblkl: the previous chunk's curblkl
 * @param flags1 {@link #NEWREC}, {@link #TAPEMARK}, {@link #ENDREC} bits (HET also uses the low 2 bits)
 * @param flags2 0 for AWS
 */
public record AwsChunkHeader(int length, int previousLength, int flags1, int flags2) {
    public static final int SIZE = 6;
    /** Start of a record (BOR). */
    public static final int NEWREC = 0x80;
    /** A tape mark. */
    public static final int TAPEMARK = 0x40;
    /** End of a record (EOR). */
    public static final int ENDREC = 0x20;
    /** flags1 of a whole block in one chunk. */
    public static final int BLOCK = NEWREC | ENDREC;
    /** HET compression bits of flags1 (0x01 zlib, 0x02 bzip2). */
    public static final int HET_COMPRESSION_MASK = 0x03;
    /** The largest chunk (curblkl is a u16). */
    public static final int MAX_LENGTH = 0xFFFF;

    public AwsChunkHeader {
        if (length < 0 || length > MAX_LENGTH || previousLength < 0 || previousLength > MAX_LENGTH
                || flags1 < 0 || flags1 > 0xFF || flags2 < 0 || flags2 > 0xFF) {
            throw new IllegalArgumentException("invalid AWS chunk header: length " + length + ", previous "
                    + previousLength + ", flags " + flags1 + "/" + flags2);
        }
    }

    /** The header of a whole block of {@code length} bytes. */
    public static AwsChunkHeader block(int length, int previousLength) {
        return new AwsChunkHeader(length, previousLength, BLOCK, 0);
    }

    /** The header of a tape mark. */
    public static AwsChunkHeader tapemark(int previousLength) {
        return new AwsChunkHeader(0, previousLength, TAPEMARK, 0);
    }

    /**
     * Whether a file of {@code fileSize} bytes that starts with {@code start[0 .. length)} looks like an
     * AWSTAPE (or HET) image: its first chunk header is a plausible tape mark or start of a block at the
     * load point. For recognising a file by its first bytes; {@link TapeDrive#mount} checks the chain.
     */
    public static boolean startsAwsImage(byte[] start, int length, long fileSize) {
        if (length < SIZE) {
            return false;
        }
        AwsChunkHeader h = read(ByteBuffer.wrap(start, 0, SIZE));
        if (h.previousLength() != 0 || h.flags2() != 0) {
            return false;
        }
        if (h.isTapemark()) {
            return h.length() == 0 && (h.flags1() & ~TAPEMARK) == 0;
        }
        return h.startsRecord() && h.length() > 0 && (h.flags1() & ~(BLOCK | HET_COMPRESSION_MASK)) == 0
                && SIZE + (long) h.length() <= fileSize;
    }

    public static AwsChunkHeader read(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        AwsChunkHeader h = new AwsChunkHeader(Short.toUnsignedInt(b.getShort(0)), Short.toUnsignedInt(b.getShort(2)),
                Byte.toUnsignedInt(b.get(4)), Byte.toUnsignedInt(b.get(5)));
        buf.position(buf.position() + SIZE);
        return h;
    }

    public void write(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) length);
        b.putShort(2, (short) previousLength);
        b.put(4, (byte) flags1);
        b.put(5, (byte) flags2);
        buf.position(buf.position() + SIZE);
    }

    public boolean isTapemark() {
        return (flags1 & TAPEMARK) != 0;
    }

    public boolean startsRecord() {
        return (flags1 & NEWREC) != 0;
    }

    public boolean endsRecord() {
        return (flags1 & ENDREC) != 0;
    }
}
