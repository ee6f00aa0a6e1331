package io.sadump.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 512-byte store-status save area at 0x1200..0x13FF of a prefix page (docs/abi.md §3). Offsets
 * here are relative to 0x1200. Reserved bytes are written as zero.
 */
public record SaveArea(
        long[] fprs,
        long[] gprs,
        long pswMask,
        long pswAddress,
        int prefix,
        int fpc,
        int todProgrammable,
        long cpuTimer,
        long clockComparator,
        int[] accessRegisters,
        long[] controlRegisters) {

    public static final int SIZE = Lowcore.SAVE_AREA_SIZE;
    static final int FPRS = (int) (Lowcore.SAVE_FPRS - Lowcore.SAVE_AREA);
    static final int GPRS = (int) (Lowcore.SAVE_GPRS - Lowcore.SAVE_AREA);
    static final int PSW = (int) (Lowcore.SAVE_PSW - Lowcore.SAVE_AREA);
    static final int PREFIX = (int) (Lowcore.SAVE_PREFIX - Lowcore.SAVE_AREA);
    static final int FPC = (int) (Lowcore.SAVE_FPC - Lowcore.SAVE_AREA);
    static final int TOD_PROGRAMMABLE = (int) (Lowcore.SAVE_TOD_PROGRAMMABLE - Lowcore.SAVE_AREA);
    static final int CPU_TIMER = (int) (Lowcore.SAVE_CPU_TIMER - Lowcore.SAVE_AREA);
    static final int CLOCK_COMPARATOR = (int) (Lowcore.SAVE_CLOCK_COMPARATOR - Lowcore.SAVE_AREA);
    static final int ACCESS_REGISTERS = (int) (Lowcore.SAVE_ACCESS_REGISTERS - Lowcore.SAVE_AREA);
    static final int CONTROL_REGISTERS = (int) (Lowcore.SAVE_CONTROL_REGISTERS - Lowcore.SAVE_AREA);

    public SaveArea {
        if (fprs == null || fprs.length != 16 || gprs == null || gprs.length != 16 || accessRegisters == null
                || accessRegisters.length != 16 || controlRegisters == null || controlRegisters.length != 16) {
            throw new IllegalArgumentException("a save area holds 16 FPRs, GPRs, access and control registers");
        }
        fprs = fprs.clone();
        gprs = gprs.clone();
        accessRegisters = accessRegisters.clone();
        controlRegisters = controlRegisters.clone();
    }

    @Override
    public long[] fprs() {
        return fprs.clone();
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }

    @Override
    public int[] accessRegisters() {
        return accessRegisters.clone();
    }

    @Override
    public long[] controlRegisters() {
        return controlRegisters.clone();
    }

    /** Reads 512 bytes from the buffer's position (big-endian regardless of the buffer's order). */
    public static SaveArea read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        long[] fprs = new long[16];
        long[] gprs = new long[16];
        int[] acrs = new int[16];
        long[] crs = new long[16];
        for (int i = 0; i < 16; i++) {
            fprs[i] = b.getLong(FPRS + 8 * i);
            gprs[i] = b.getLong(GPRS + 8 * i);
            acrs[i] = b.getInt(ACCESS_REGISTERS + 4 * i);
            crs[i] = b.getLong(CONTROL_REGISTERS + 8 * i);
        }
        SaveArea area = new SaveArea(fprs, gprs, b.getLong(PSW), b.getLong(PSW + 8), b.getInt(PREFIX), b.getInt(FPC),
                b.getInt(TOD_PROGRAMMABLE), b.getLong(CPU_TIMER), b.getLong(CLOCK_COMPARATOR), acrs, crs);
        src.position(src.position() + SIZE);
        return area;
    }

    /** Writes 512 bytes at the buffer's position. */
    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        for (int i = 0; i < 16; i++) {
            b.putLong(FPRS + 8 * i, fprs[i]);
            b.putLong(GPRS + 8 * i, gprs[i]);
            b.putInt(ACCESS_REGISTERS + 4 * i, accessRegisters[i]);
            b.putLong(CONTROL_REGISTERS + 8 * i, controlRegisters[i]);
        }
        b.putLong(PSW, pswMask).putLong(PSW + 8, pswAddress);
        b.putInt(PREFIX, prefix).putInt(FPC, fpc).putInt(TOD_PROGRAMMABLE, todProgrammable);
        b.putLong(CPU_TIMER, cpuTimer).putLong(CLOCK_COMPARATOR, clockComparator);
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    /** Reads the save area of the prefix page at {@code prefix} from storage. */
    public static SaveArea readFrom(AbsoluteStorage storage, long prefix) {
        return read(ByteBuffer.wrap(storage.bytes(prefix + Lowcore.SAVE_AREA, SIZE)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaveArea s && java.util.Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
