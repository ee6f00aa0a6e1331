package io.sadump.meminfo;

/** What a kexec segment holds; the u64 {@code kind} field of the segment table (docs/abi.md §6). */
public enum SegmentKind {
    OTHER(0, "other"),
    KERNEL(1, "kernel"),
    INITRD(2, "initrd"),
    /** The kernel command line / parmarea. */
    COMMAND_LINE(3, "cmdline"),
    PURGATORY(4, "purgatory");

    private final long code;
    private final String label;

    SegmentKind(long code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The value stored in the table. */
    public long code() {
        return code;
    }

    /** The short name used in messages: "segment 1 (initrd) ...". */
    public String label() {
        return label;
    }

    /** The kind stored as {@code code}, or {@link MeminfoFormatException} for an unknown code. */
    public static SegmentKind of(long code) {
        for (SegmentKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new MeminfoFormatException(String.format(
                "unknown segment kind %d (0 other, 1 kernel, 2 initrd, 3 cmdline, 4 purgatory)", code));
    }

    @Override
    public String toString() {
        return label;
    }
}
