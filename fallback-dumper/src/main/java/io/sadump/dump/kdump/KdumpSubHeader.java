package io.sadump.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * makedumpfile's {@code struct kdump_sub_header} at file offset one block (reference kdump-compressed.md
 * §1.3); makedumpfile writes all 104 bytes of version 6.
 *
 * @param offsetVmcoreinfo file offset of the VMCOREINFO note's text inside the copied notes
 * @param offsetNote file offset of the copied notes (one block + {@link #SIZE})
 */
public record KdumpSubHeader(long physBase, int dumpLevel, int split, long startPfn, long endPfn,
        long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote, long sizeNote, long offsetEraseinfo,
        long sizeEraseinfo, long startPfn64, long endPfn64, long maxMapnr64) {
    public static final int SIZE = 104;

    static final int OFF_PHYS_BASE = 0;
    static final int OFF_DUMP_LEVEL = 8;
    static final int OFF_SPLIT = 12;
    static final int OFF_START_PFN = 16;
    static final int OFF_END_PFN = 24;
    static final int OFF_OFFSET_VMCOREINFO = 32;
    static final int OFF_SIZE_VMCOREINFO = 40;
    static final int OFF_OFFSET_NOTE = 48;
    static final int OFF_SIZE_NOTE = 56;
    static final int OFF_OFFSET_ERASEINFO = 64;
    static final int OFF_SIZE_ERASEINFO = 72;
    static final int OFF_START_PFN_64 = 80;
    static final int OFF_END_PFN_64 = 88;
    static final int OFF_MAX_MAPNR_64 = 96;

    /** The sub-header of an unsplit dump without eraseinfo, as makedumpfile writes it. */
    public static KdumpSubHeader of(int dumpLevel, long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote,
            long sizeNote, long maxMapnr) {
        return new KdumpSubHeader(0, dumpLevel, 0, 0, 0, offsetVmcoreinfo, sizeVmcoreinfo, offsetNote, sizeNote, 0, 0,
                0, 0, maxMapnr);
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        b.putLong(OFF_PHYS_BASE, physBase).putInt(OFF_DUMP_LEVEL, dumpLevel).putInt(OFF_SPLIT, split)
                .putLong(OFF_START_PFN, startPfn).putLong(OFF_END_PFN, endPfn)
                .putLong(OFF_OFFSET_VMCOREINFO, offsetVmcoreinfo).putLong(OFF_SIZE_VMCOREINFO, sizeVmcoreinfo)
                .putLong(OFF_OFFSET_NOTE, offsetNote).putLong(OFF_SIZE_NOTE, sizeNote)
                .putLong(OFF_OFFSET_ERASEINFO, offsetEraseinfo).putLong(OFF_SIZE_ERASEINFO, sizeEraseinfo)
                .putLong(OFF_START_PFN_64, startPfn64).putLong(OFF_END_PFN_64, endPfn64)
                .putLong(OFF_MAX_MAPNR_64, maxMapnr64);
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    public static KdumpSubHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        KdumpSubHeader h = new KdumpSubHeader(b.getLong(OFF_PHYS_BASE), b.getInt(OFF_DUMP_LEVEL), b.getInt(OFF_SPLIT),
                b.getLong(OFF_START_PFN), b.getLong(OFF_END_PFN), b.getLong(OFF_OFFSET_VMCOREINFO),
                b.getLong(OFF_SIZE_VMCOREINFO), b.getLong(OFF_OFFSET_NOTE), b.getLong(OFF_SIZE_NOTE),
                b.getLong(OFF_OFFSET_ERASEINFO), b.getLong(OFF_SIZE_ERASEINFO), b.getLong(OFF_START_PFN_64),
                b.getLong(OFF_END_PFN_64), b.getLong(OFF_MAX_MAPNR_64));
        src.position(src.position() + SIZE);
        return h;
    }
}
