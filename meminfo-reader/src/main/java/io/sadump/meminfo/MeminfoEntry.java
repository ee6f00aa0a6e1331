package io.sadump.meminfo;

import java.nio.ByteBuffer;

/**
 * One packed 20-byte {@code struct os_info_entry} (docs/abi.md §5.2): a data
 * entry names {@code size} bytes at physical {@code addr} secured by their CKSM; a value entry holds
 * a number in {@code addr} (the kernel's {@code val} union member) with {@code size = csum = 0}. An
 * all-zero entry is absent.
 *
 * @param addr physical address of the data, or the value of a value entry
 * @param size bytes of data (0 for a value entry)
 * @param csum CKSM of the data (0 for a value entry)
 */
public record MeminfoEntry(long addr, long size, int csum) {
    /** Size of one packed entry. */
    public static final int SIZE = 20;
    /** Offsets inside an entry. */
    public static final int ADDR_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int CSUM_OFFSET = 16;

    /** The absent entry (all zero). */
    public static final MeminfoEntry ABSENT = new MeminfoEntry(0, 0, 0);

    /** A data entry for {@code size} bytes at {@code addr} with checksum {@code csum}. */
    public static MeminfoEntry data(long addr, long size, int csum) {
        return new MeminfoEntry(addr, size, csum);
    }

    /** A value entry ({@code os_info_entry_add_val}): {@code val} in the address slot, size and csum 0. */
    public static MeminfoEntry value(long value) {
        return new MeminfoEntry(value, 0, 0);
    }

    /** True when address and size are both zero: nothing is recorded here. */
    public boolean isAbsent() {
        return addr == 0 && size == 0;
    }

    /** The value of a value entry (the {@code val} union member). */
    public long val() {
        return addr;
    }

    /** The exclusive end of the data range, or -1 when {@code addr + size} overflows 64 bits unsigned. */
    public long end() {
        long e = addr + size;
        return Long.compareUnsigned(e, addr) < 0 ? -1 : e;
    }

    /** Reads 20 bytes at the buffer's position (big-endian). */
    public static MeminfoEntry read(ByteBuffer in) {
        long addr = in.getLong();
        long size = in.getLong();
        int csum = in.getInt();
        return new MeminfoEntry(addr, size, csum);
    }

    /** Writes 20 bytes at the buffer's position (big-endian). */
    public void write(ByteBuffer out) {
        out.putLong(addr).putLong(size).putInt(csum);
    }

    @Override
    public String toString() {
        return String.format("MeminfoEntry[addr=0x%X, size=%d, csum=0x%08X]", addr, size, csum);
    }
}
