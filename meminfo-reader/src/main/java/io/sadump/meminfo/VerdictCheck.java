package io.sadump.meminfo;

/**
 * The checks of the kdump verdict, in the order they run; the first failure decides, and its code
 * is the disabled-wait code (docs/abi.md §8). Codes 0x4520..0x4523 are zipl's
 * ({@code EOS_INFO_*}, docs/abi.md §8), 0x4530.. are sadump's.
 */
public enum VerdictCheck {
    /** Pointer at 0x0E18 non-zero, 4 KiB-aligned, inside storage; magic "OSINFOSZ". */
    MEMINFO_MISSING(1, 0x4520, "meminfo missing"),
    /** Header CKSM over [0x0C, 0x1000). */
    MEMINFO_CHECKSUM(2, 0x4521, "meminfo checksum"),
    /** {@code version_major <= 1}. */
    MEMINFO_VERSION(3, 0x4522, "meminfo version"),
    /** Crashkernel address non-zero, 1 MiB-aligned, inside storage. */
    NO_CRASHKERNEL(4, 0x4523, "no crashkernel"),
    /** Entry 13 {@code KDUMP_SEGMENTS} present. */
    NO_KDUMP_KERNEL(5, 0x4530, "no kdump kernel loaded"),
    /** Entry 13 inside storage, its CKSM, the table's magic, version and count. */
    SEGMENT_TABLE_DAMAGED(6, 0x4531, "segment table damaged"),
    /** Segments inside crashkernel memory, no overlaps, entry point inside the kernel segment. */
    SEGMENT_LAYOUT_INVALID(7, 0x4532, "segment layout invalid"),
    /** SHA-256 of every segment. */
    SEGMENT_CORRUPTED(8, 0x4533, "segment corrupted");

    private final int number;
    private final int code;
    private final String shortName;

    VerdictCheck(int number, int code, String shortName) {
        this.number = number;
        this.code = code;
        this.shortName = shortName;
    }

    /** Position in the order of checks, 1..8. */
    public int number() {
        return number;
    }

    /** The disabled-wait / reason code. */
    public int code() {
        return code;
    }

    public String shortName() {
        return shortName;
    }
}
