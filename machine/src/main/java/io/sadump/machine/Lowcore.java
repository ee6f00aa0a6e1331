package io.sadump.machine;

/**
 * Fixed absolute addresses of the s390x ABI that the dump path relies on, in one place.
 *
 * <p>Source: docs/abi.md §2-§4 (linux {@code asm/lowcore.h}, s390-tools
 * {@code include/boot/s390.h}, {@code include/boot/linux_layout.h}).
 */
public final class Lowcore {
    private Lowcore() {}

    /** Size of one lowcore (prefix) area: two 4 KiB pages. */
    public static final int LOWCORE_SIZE = 0x2000;

    /** u64: physical address of the re-IPL parameter block (IPIB). */
    public static final long IPIB_POINTER = 0x0E00;
    /** u32: CKSM of the IPIB over its {@code hdr.len} bytes. */
    public static final long IPIB_CHECKSUM = 0x0E08;
    /** u64: physical address of the VMCOREINFO ELF note; deliberately not 8-byte aligned. */
    public static final long VMCOREINFO_POINTER = 0x0E0C;
    /** u64: physical address of the meminfo ({@code os_info}) page, 4 KiB aligned, 0 = none. */
    public static final long MEMINFO_POINTER = 0x0E18;

    /** Start of the architected store-status save area inside a prefix page. */
    public static final long SAVE_AREA = 0x1200;
    /** Size of the store-status save area (0x1200..0x13FF). */
    public static final int SAVE_AREA_SIZE = 0x200;
    public static final long SAVE_FPRS = 0x1200;
    public static final long SAVE_GPRS = 0x1280;
    public static final long SAVE_PSW = 0x1300;
    public static final long SAVE_PREFIX = 0x1318;
    public static final long SAVE_FPC = 0x131C;
    public static final long SAVE_TOD_PROGRAMMABLE = 0x1324;
    public static final long SAVE_CPU_TIMER = 0x1328;
    public static final long SAVE_CLOCK_COMPARATOR = 0x1330;
    public static final long SAVE_ACCESS_REGISTERS = 0x1340;
    public static final long SAVE_CONTROL_REGISTERS = 0x1380;

    /** Kernel image normal entry point once the kernel sits at absolute 0. */
    public static final long IMAGE_ENTRY = 0x10000;
    /** Kernel image kdump entry point; kexec's purgatory and zipl's kdump enter here. */
    public static final long IMAGE_ENTRY_KDUMP = 0x10010;
    /** Parmarea u64 fields of the kernel image. */
    public static final long IPL_DEVICE = 0x10400;
    public static final long INITRD_START = 0x10408;
    public static final long INITRD_SIZE = 0x10410;
    /** u64: base of the crashkernel area where old [0, size) now lives; non-zero in a kdump kernel. */
    public static final long OLDMEM_BASE = 0x10418;
    /** u64: size of the crashkernel area. */
    public static final long OLDMEM_SIZE = 0x10420;
    public static final long MAX_COMMAND_LINE_SIZE = 0x10430;
    public static final long COMMAND_LINE = 0x10480;
}
