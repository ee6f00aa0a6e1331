package io.sadump.device.dumptool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The IPL records and the tool bodies that sadump installs. The dump itself is done by sadump's Java
 * dumper; what a real machine (Hercules) runs when it IPLs a prepared device is this small program,
 * which loads the tool into storage and stops in a disabled wait whose address names the tool:
 *
 * <table>
 *   <caption>disabled-wait PSWs (ESA/390 format, as Hercules displays them)</caption>
 *   <tr><th>tool</th><th>PSW</th></tr>
 *   <tr><td>XECKD64 single-volume DASD</td><td>{@code 000A0000 005AD002}</td></tr>
 *   <tr><td>XMULT64 multi-volume DASD</td><td>{@code 000A0000 005AD004}</td></tr>
 *   <tr><td>tape</td><td>{@code 000A0000 005AD006}</td></tr>
 * </table>
 *
 * <h2>DASD (CDL track 0)</h2>
 * <ul>
 *   <li>R1 "IPL1" (24 bytes): PSW {@code 00080000 80002008} (ESA/390, bit 12 set, 31-bit, entry
 *       0x2008 in the tool), CCW1 = Read Data of R2 (144 bytes) to 0x200 with command chaining,
 *       CCW2 = TIC to 0x200.
 *   <li>R2 "IPL2" (144 bytes): the rest of the channel program: Read Data of R3 (VOL1) with skip, then
 *       one Read Data per 4096-byte tool block (R4..) to 0x2000, 0x3000, ...
 *   <li>The tool at block 3 (R4..): magic at +0, code at +8: {@code BASR 13,0; LPSW 6(13); NOPR 0},
 *       the wait PSW at +0x10 (doubleword-aligned, 0x2010), a text banner at +0x18, the parameter tail in
 *       its last 16 bytes.
 * </ul>
 *
 * <h2>Tape (file 1 = one 4096-byte block)</h2>
 * Like zipl's tape tool (docs/formats.md §4.1): +0 PSW {@code 00080000 80002018}, CCW1
 * rewind, CCW2 read the block (4096 bytes) to 0x2000; entry 0x2018: the same two instructions, the wait
 * PSW at +0x20 (0x2020), the marker {@code XTAPE64} v1 at +0x28, a banner at +0x30, the parameter
 * tail in the last 16 bytes.
 *
 * <p>Instruction encodings: BASR R1,R2 = {@code 0D} R1R2; LPSW D2(B2) = {@code 82 00} B2 D2(12 bits);
 * NOPR = {@code 07 00}. IPL runs in ESA/390 mode, even in a z/Arch configuration, and needs bit 12 of
 * the PSW set (docs/formats.md §4.1).
 */
public final class SadumpIplProgram {
    private SadumpIplProgram() {}

    /** Where the DASD channel program puts the tool, and where the tape tool block is read. */
    public static final int TOOL_LOAD_ADDRESS = 0x2000;
    /** Where IPL1's CCW1 reads the IPL2 record (the rest of the channel program). */
    public static final int IPL2_LOAD_ADDRESS = 0x200;
    /** Where the skipped VOL1 read "goes". */
    public static final int SCRATCH_ADDRESS = 0x300;
    /** The DASD tool's entry: 8 bytes after its magic. */
    public static final int DASD_ENTRY = TOOL_LOAD_ADDRESS + 0x08;
    /** The tape tool's entry: after the 24-byte IPL record. */
    public static final int TAPE_ENTRY = TOOL_LOAD_ADDRESS + IplRecord.SIZE;

    /** ESA/390 disabled wait (bit 12 + wait bit 14), address = the code. */
    static final long WAIT_PSW_BASE = 0x000A0000_00000000L;
    public static final long WAIT_PSW_ECKD_SINGLE = WAIT_PSW_BASE | 0x005AD002L;
    public static final long WAIT_PSW_ECKD_MULTI = WAIT_PSW_BASE | 0x005AD004L;
    public static final long WAIT_PSW_TAPE = WAIT_PSW_BASE | 0x005AD006L;
    /** ESA/390 IPL PSW: bit 12 set, 31-bit addressing (bit 32), the entry address. */
    static final long IPL_PSW_BASE = 0x00080000_80000000L;

    static final int DASD_CODE_OFFSET = 0x08;
    static final int DASD_WAIT_PSW_OFFSET = 0x10;
    static final int DASD_BANNER_OFFSET = 0x18;
    static final int TAPE_CODE_OFFSET = 0x18;
    static final int TAPE_WAIT_PSW_OFFSET = 0x20;
    /** Where the tape tool block carries its {@code XTAPE64} marker. */
    public static final int TAPE_MAGIC_OFFSET = 0x28;
    static final int TAPE_BANNER_OFFSET = 0x30;
    /** BASR 13,0; LPSW 6(13); NOPR 0: R13 = address of the LPSW, and the PSW sits 6 bytes further. */
    static final byte[] CODE = {0x0D, (byte) 0xD0, (byte) 0x82, 0x00, (byte) 0xD0, 0x06, 0x07, 0x00};

    static final String BANNER = "sadump dump tool: the dump is written by sadump's simulated dumper; "
            + "on a real machine this program stops in a disabled wait.";

    /** The disabled-wait PSW the IPL of a device with this tool ends in. */
    public static long waitPsw(DumpToolKind kind) {
        switch (kind) {
            case ECKD_SINGLE:
                return WAIT_PSW_ECKD_SINGLE;
            case ECKD_MULTI:
                return WAIT_PSW_ECKD_MULTI;
            default:
                return WAIT_PSW_TAPE;
        }
    }

    /** R1 of track 0 of a prepared DASD. */
    public static IplRecord dasdIplRecord() {
        return new IplRecord(IPL_PSW_BASE | DASD_ENTRY,
                new Ccw0(Ccw0.CMD_READ_DATA, IPL2_LOAD_ADDRESS, Ccw0.CC | Ccw0.SLI, ipl2Length()),
                new Ccw0(Ccw0.CMD_TIC, IPL2_LOAD_ADDRESS, 0, 0));
    }

    private static int ipl2Length() {
        return io.sadump.device.ckd.EckdDasd.IPL2_LENGTH;
    }

    /** R2 of track 0: the channel program that reads the VOL1 record (skipped) and the tool's blocks. */
    public static byte[] dasdIpl2Record(DumpToolKind kind) {
        int blocks = kind.size() / 4096;
        ByteBuffer b = ByteBuffer.allocate(ipl2Length());
        new Ccw0(Ccw0.CMD_READ_DATA, SCRATCH_ADDRESS, Ccw0.CC | Ccw0.SLI | Ccw0.SKIP,
                io.sadump.device.ckd.EckdDasd.VOL1_LENGTH).write(b);
        for (int i = 0; i < blocks; i++) {
            int flags = i == blocks - 1 ? Ccw0.SLI : Ccw0.CC | Ccw0.SLI;
            new Ccw0(Ccw0.CMD_READ_DATA, TOOL_LOAD_ADDRESS + i * 4096, flags, 4096).write(b);
        }
        return b.array();
    }

    /** The DASD tool body ({@code kind.size()} bytes) with its parameter tail. */
    public static byte[] dasdTool(DumpToolKind kind, DumpParmTail tail) {
        if (kind == DumpToolKind.TAPE) {
            throw new IllegalArgumentException("the tape tool is built by tapeToolBlock");
        }
        ByteBuffer b = ByteBuffer.allocate(kind.size());
        b.putLong(0, kind.magic());
        b.put(DASD_CODE_OFFSET, CODE);
        b.putLong(DASD_WAIT_PSW_OFFSET, waitPsw(kind));
        b.put(DASD_BANNER_OFFSET, BANNER.getBytes(StandardCharsets.US_ASCII));
        tail.write(b.position(kind.size() - DumpParmTail.SIZE));
        return b.array();
    }

    /** The tape tool: file 1's only block. */
    public static byte[] tapeToolBlock(DumpParmTail tail) {
        int size = DumpToolKind.TAPE.size();
        ByteBuffer b = ByteBuffer.allocate(size);
        new IplRecord(IPL_PSW_BASE | TAPE_ENTRY, new Ccw0(Ccw0.CMD_REWIND, 0, Ccw0.CC | Ccw0.SLI, 1),
                new Ccw0(Ccw0.CMD_READ, TOOL_LOAD_ADDRESS, Ccw0.SLI, size)).write(b);
        b.put(TAPE_CODE_OFFSET, CODE);
        b.putLong(TAPE_WAIT_PSW_OFFSET, WAIT_PSW_TAPE);
        b.putLong(TAPE_MAGIC_OFFSET, DumpToolKind.TAPE.magic());
        b.put(TAPE_BANNER_OFFSET, BANNER.getBytes(StandardCharsets.US_ASCII));
        tail.write(b.position(size - DumpParmTail.SIZE));
        return b.array();
    }

    /** The wait PSW a tool body carries, read from its code (DASD: +0x10, tape block: +0x20). */
    static long toolWaitPsw(byte[] tool, DumpToolKind kind) {
        return ByteBuffer.wrap(tool).getLong(kind == DumpToolKind.TAPE ? TAPE_WAIT_PSW_OFFSET : DASD_WAIT_PSW_OFFSET);
    }
}
