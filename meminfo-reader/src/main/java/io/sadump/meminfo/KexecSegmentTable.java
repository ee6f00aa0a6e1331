package io.sadump.meminfo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sadump kexec segment table that meminfo entry 13 {@code KDUMP_SEGMENTS} points to; entry 13's
 * csum is the CKSM of the whole table (docs/abi.md §6).
 *
 * <pre>
 * 0x00       8  magic "KEXECSEG"
 * 0x08       4  version = 1
 * 0x0C       4  count, 1..16
 * 0x10       8  kdump entry point (absolute, after the swap; normally 0x10010)
 * 0x18       8  reserved, 0
 * 0x20+64*i 64  segment i ({@link KexecSegment})
 * </pre>
 *
 * @param entryPoint the kdump kernel's entry point after the swap
 * @param reserved the reserved u64 (0 when written by sadump; kept for byte-identical round trips)
 * @param segments 1..16 segments in table order
 */
public record KexecSegmentTable(long entryPoint, long reserved, List<KexecSegment> segments) {
    /** "KEXECSEG" in ASCII. */
    public static final long MAGIC = 0x4B45_5845_4353_4547L;
    public static final int VERSION = 1;
    public static final int MAX_SEGMENTS = 16;
    public static final int MAGIC_OFFSET = 0x00;
    public static final int VERSION_OFFSET = 0x08;
    public static final int COUNT_OFFSET = 0x0C;
    public static final int ENTRY_POINT_OFFSET = 0x10;
    public static final int RESERVED_OFFSET = 0x18;
    public static final int HEADER_SIZE = 0x20;
    /** Size of the largest table (16 segments). */
    public static final int MAX_SIZE = HEADER_SIZE + KexecSegment.SIZE * MAX_SEGMENTS;

    public KexecSegmentTable {
        Objects.requireNonNull(segments, "segments");
        if (segments.isEmpty() || segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("a kexec segment table has 1.." + MAX_SEGMENTS + " segments, got "
                    + segments.size());
        }
        segments = List.copyOf(segments);
    }

    public KexecSegmentTable(long entryPoint, List<KexecSegment> segments) {
        this(entryPoint, 0, segments);
    }

    /** Bytes of a table with {@code count} segments. */
    public static int sizeFor(int count) {
        return HEADER_SIZE + KexecSegment.SIZE * count;
    }

    /** Bytes of this table. */
    public int size() {
        return sizeFor(segments.size());
    }

    public KexecSegment segment(int index) {
        return segments.get(index);
    }

    /**
     * Decodes a table at the buffer's position.
     *
     * @throws MeminfoFormatException naming the field when the magic, version, count or a segment kind
     *     is wrong, or the buffer ends early
     */
    public static KexecSegmentTable read(ByteBuffer in) {
        if (in.remaining() < HEADER_SIZE) {
            throw new MeminfoFormatException("the segment table header needs " + HEADER_SIZE + " bytes, only "
                    + in.remaining() + " are there");
        }
        long magic = in.getLong();
        if (magic != MAGIC) {
            throw new MeminfoFormatException(String.format("segment table magic is 0x%016X (%s), expected \"KEXECSEG\"",
                    magic, printable(magic)));
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw new MeminfoFormatException("segment table version is " + Integer.toUnsignedString(version)
                    + ", expected " + VERSION);
        }
        int count = in.getInt();
        if (count < 1 || count > MAX_SEGMENTS) {
            throw new MeminfoFormatException("segment table count is " + Integer.toUnsignedString(count)
                    + ", expected 1.." + MAX_SEGMENTS);
        }
        long entry = in.getLong();
        long reserved = in.getLong();
        if (in.remaining() < KexecSegment.SIZE * count) {
            throw new MeminfoFormatException("the segment table has " + count + " segments (" + sizeFor(count)
                    + " bytes) but only " + (HEADER_SIZE + in.remaining()) + " bytes are there");
        }
        List<KexecSegment> segments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try {
                segments.add(KexecSegment.read(in));
            } catch (MeminfoFormatException e) {
                throw new MeminfoFormatException("segment " + i + ": " + e.getMessage());
            }
        }
        return new KexecSegmentTable(entry, reserved, segments);
    }

    public void write(ByteBuffer out) {
        out.putLong(MAGIC).putInt(VERSION).putInt(segments.size()).putLong(entryPoint).putLong(reserved);
        for (KexecSegment s : segments) {
            s.write(out);
        }
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(size());
        write(b);
        return b.array();
    }

    /** The CKSM of the whole table, the value entry 13's csum must hold. */
    public int checksum() {
        return Cksm.of(toBytes());
    }

    static String printable(long magic) {
        byte[] b = ByteBuffer.allocate(8).putLong(magic).array();
        for (int i = 0; i < b.length; i++) {
            if (b[i] < 0x20 || b[i] > 0x7E) {
                b[i] = '.';
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }
}
