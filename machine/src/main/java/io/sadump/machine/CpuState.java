package io.sadump.machine;

import java.util.Arrays;

/**
 * The architected registers of one CPU, as store status saves them (docs/abi.md §3).
 * Immutable; array accessors return copies.
 *
 * @param cpuAddress the CPU address (as SIGP names it)
 * @param prefix prefix register: the absolute address of this CPU's lowcore pair (4 KiB aligned)
 * @param pswMask PSW bits 0-63
 * @param pswAddress PSW bits 64-127, the instruction address
 * @param todProgrammable TOD programmable register (its low 16 bits are architected; 32 are saved)
 */
public record CpuState(
        int cpuAddress,
        long prefix,
        long pswMask,
        long pswAddress,
        long[] gprs,
        int[] accessRegisters,
        long[] controlRegisters,
        long[] fprs,
        int fpc,
        long cpuTimer,
        long clockComparator,
        int todProgrammable) {

    public static final int REGISTER_COUNT = 16;

    public CpuState {
        gprs = copy16(gprs, "GPRs");
        accessRegisters = copy16(accessRegisters, "access registers");
        controlRegisters = copy16(controlRegisters, "control registers");
        fprs = copy16(fprs, "FPRs");
        if ((prefix & (AbsoluteStorage.PAGE_SIZE - 1)) != 0 || prefix < 0 || prefix > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(String.format("prefix 0x%X is not a 4 KiB-aligned 31-bit address",
                    prefix));
        }
    }

    /** A CPU after reset: every register zero, prefix 0. */
    public static CpuState reset(int cpuAddress) {
        return new CpuState(cpuAddress, 0, 0, 0, new long[16], new int[16], new long[16], new long[16], 0, 0, 0, 0);
    }

    private static long[] copy16(long[] a, String what) {
        if (a == null || a.length != REGISTER_COUNT) {
            throw new IllegalArgumentException("a CPU has 16 " + what);
        }
        return a.clone();
    }

    private static int[] copy16(int[] a, String what) {
        if (a == null || a.length != REGISTER_COUNT) {
            throw new IllegalArgumentException("a CPU has 16 " + what);
        }
        return a.clone();
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

    @Override
    public long[] fprs() {
        return fprs.clone();
    }

    public CpuState withPrefix(long newPrefix) {
        return new CpuState(cpuAddress, newPrefix, pswMask, pswAddress, gprs, accessRegisters, controlRegisters,
                fprs, fpc, cpuTimer, clockComparator, todProgrammable);
    }

    public CpuState withPsw(long mask, long address) {
        return new CpuState(cpuAddress, prefix, mask, address, gprs, accessRegisters, controlRegisters, fprs, fpc,
                cpuTimer, clockComparator, todProgrammable);
    }

    /** The store-status save area image of these registers (512 bytes, 0x1200..0x13FF). */
    public SaveArea saveArea() {
        return new SaveArea(fprs, gprs, pswMask, pswAddress, (int) prefix, fpc, todProgrammable, cpuTimer,
                clockComparator, accessRegisters, controlRegisters);
    }

    /** Registers as recovered from a save area (the CPU address is not in the save area). */
    public static CpuState fromSaveArea(int cpuAddress, SaveArea area) {
        return new CpuState(cpuAddress, area.prefix() & 0xFFFF_FFFFL, area.pswMask(), area.pswAddress(),
                area.gprs(), area.accessRegisters(), area.controlRegisters(), area.fprs(), area.fpc(),
                area.cpuTimer(), area.clockComparator(), area.todProgrammable());
    }

    /**
     * Store status: writes the save area into this CPU's prefix page at 0x1200. With {@code
     * atAbsoluteZero} it also goes to absolute 0x1200, as for the IPL CPU after a reset (its prefix
     * is then 0).
     */
    public void storeStatus(AbsoluteStorage storage, boolean atAbsoluteZero) {
        SaveArea area = saveArea();
        storage.write(prefix + Lowcore.SAVE_AREA, area.toBytes());
        if (atAbsoluteZero && prefix != 0) {
            storage.write(Lowcore.SAVE_AREA, area.toBytes());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuState c
                && cpuAddress == c.cpuAddress && prefix == c.prefix && pswMask == c.pswMask
                && pswAddress == c.pswAddress && Arrays.equals(gprs, c.gprs)
                && Arrays.equals(accessRegisters, c.accessRegisters)
                && Arrays.equals(controlRegisters, c.controlRegisters) && Arrays.equals(fprs, c.fprs)
                && fpc == c.fpc && cpuTimer == c.cpuTimer && clockComparator == c.clockComparator
                && todProgrammable == c.todProgrammable;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[] {cpuAddress, prefix, pswMask, pswAddress, Arrays.hashCode(gprs),
            Arrays.hashCode(accessRegisters), Arrays.hashCode(controlRegisters), Arrays.hashCode(fprs), fpc,
            cpuTimer, clockComparator, todProgrammable});
    }

    @Override
    public String toString() {
        return String.format("CPU %d: prefix=0x%X psw=%016X %016X", cpuAddress, prefix, pswMask, pswAddress);
    }
}
