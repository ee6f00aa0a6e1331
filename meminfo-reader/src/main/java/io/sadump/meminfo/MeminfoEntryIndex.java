package io.sadump.meminfo;

/**
 * The entry slots of the meminfo page. Indices 0..12 are upstream {@code os_info} (current kernel
 * and s390-tools, docs/abi.md §5.2: {@code OS_INFO_VMCOREINFO} ...
 * {@code OS_INFO_IMAGE_PHYS}, {@code OS_INFO_MAX 13}); index 13 is the sadump extension {@code
 * KDUMP_SEGMENTS} (docs/abi.md §5.3), which lies in upstream's reserved area.
 */
public enum MeminfoEntryIndex {
    /** The VMCOREINFO note data (data entry). */
    VMCOREINFO(0, false),
    /** The re-IPL parameter block (data entry). */
    REIPL_BLOCK(1, false),
    /** An 8-byte flags word, bit 0 = REIPL_CLEAR (data entry). */
    FLAGS(2, false),
    /** Reserved by upstream. */
    RESERVED(3, false),
    IDENTITY_BASE(4, true),
    KASLR_OFFSET(5, true),
    KASLR_OFF_PHYS(6, true),
    VMEMMAP(7, true),
    AMODE31_START(8, true),
    AMODE31_END(9, true),
    IMAGE_START(10, true),
    IMAGE_END(11, true),
    IMAGE_PHYS(12, true),
    /** sadump: the kexec segment table; its csum is the CKSM of the whole table (data entry). */
    KDUMP_SEGMENTS(13, false);

    /** Number of entry slots upstream {@code os_info} defines ({@code OS_INFO_MAX}). */
    public static final int UPSTREAM_COUNT = 13;
    /** Number of entry slots this layout defines (upstream plus {@code KDUMP_SEGMENTS}). */
    public static final int COUNT = 14;

    private final int index;
    private final boolean valueEntry;

    MeminfoEntryIndex(int index, boolean valueEntry) {
        this.index = index;
        this.valueEntry = valueEntry;
    }

    public int index() {
        return index;
    }

    /** True for the slots the kernel fills with {@code os_info_entry_add_val} (indices 4..12). */
    public boolean isValueEntry() {
        return valueEntry;
    }

    /** True for the sadump extension (not part of upstream {@code os_info}). */
    public boolean isSadumpExtension() {
        return index >= UPSTREAM_COUNT;
    }

    public static MeminfoEntryIndex of(int index) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("meminfo entry index " + index + " is outside 0.." + (COUNT - 1));
        }
        return values()[index];
    }
}
