package io.sadump.device.dumptool;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * {@code struct stage2dump_parm_tail}, the last 16 bytes of a dump tool, which zipl patches at install
 * time: reserved[6], no_compress u8, mvdump_force u8, mem_upper_limit u64 (all ones = no limit).
 *
 * <p>Source: docs/formats.md §4.3.
 */
public record DumpParmTail(boolean noCompress, boolean mvdumpForce, long memUpperLimit) {
    public static final int SIZE = 16;
    /** mem_upper_limit meaning "no limit". */
    public static final long NO_LIMIT = -1L;
    static final int OFF_NO_COMPRESS = 6;
    static final int OFF_MVDUMP_FORCE = 7;
    static final int OFF_MEM_UPPER_LIMIT = 8;

    /** @throws IllegalArgumentException if fewer than 16 bytes remain */
    public static DumpParmTail read(ByteBuffer b) {
        if (b.remaining() < SIZE) {
            throw new IllegalArgumentException("dump tool parameters are " + b.remaining() + " bytes, shorter than "
                    + SIZE);
        }
        ByteBuffer s = b.slice();
        DumpParmTail t = new DumpParmTail(s.get(OFF_NO_COMPRESS) != 0, s.get(OFF_MVDUMP_FORCE) != 0,
                s.getLong(OFF_MEM_UPPER_LIMIT));
        b.position(b.position() + SIZE);
        return t;
    }

    public void write(ByteBuffer b) {
        ByteBuffer s = b.slice();
        for (int i = 0; i < OFF_NO_COMPRESS; i++) {
            s.put(i, (byte) 0);
        }
        s.put(OFF_NO_COMPRESS, (byte) (noCompress ? 1 : 0));
        s.put(OFF_MVDUMP_FORCE, (byte) (mvdumpForce ? 1 : 0));
        s.putLong(OFF_MEM_UPPER_LIMIT, memUpperLimit);
        b.position(b.position() + SIZE);
    }

    /** The size limit in bytes, empty for "no limit". */
    public OptionalLong sizeLimit() {
        return memUpperLimit == NO_LIMIT ? OptionalLong.empty() : OptionalLong.of(memUpperLimit);
    }
}
