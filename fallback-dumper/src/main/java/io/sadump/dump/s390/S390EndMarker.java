package io.sadump.dump.s390;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 16-byte end marker {@code struct df_s390_em}: "DUMP_END" then the TOD at dump end
 * (docs/formats.md §1.1). Valid only if the string matches and the end TOD is not before the
 * header's TOD ({@code zdump/df_s390.c: df_s390_em_verify}).
 */
public record S390EndMarker(long magic, long tod) {
    /** {@code DF_S390_EM_MAGIC}: "DUMP_END" as a big-endian number. */
    public static final long MAGIC = 0x44554d505f454e44L;
    /** {@code DF_S390_EM_SIZE}. */
    public static final int SIZE = 16;
    public static final int OFF_MAGIC = 0;
    public static final int OFF_TOD = 8;

    public static S390EndMarker at(long tod) {
        return new S390EndMarker(MAGIC, tod);
    }

    /** True if the marker says "DUMP_END" and {@code tod >= headerTod} (unsigned, as the TOD is). */
    public boolean isValidFor(S390DumpHeader header) {
        return magic == MAGIC && Long.compareUnsigned(tod, header.tod()) >= 0;
    }

    public static S390EndMarker read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        S390EndMarker m = new S390EndMarker(b.getLong(OFF_MAGIC), b.getLong(OFF_TOD));
        src.position(src.position() + SIZE);
        return m;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        b.putLong(OFF_MAGIC, magic).putLong(OFF_TOD, tod);
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    @Override
    public String toString() {
        return String.format("S390EndMarker[magic=%016x tod=%016x]", magic, tod);
    }
}
