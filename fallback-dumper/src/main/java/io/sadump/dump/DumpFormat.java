package io.sadump.dump;

/**
 * The dump formats sadump reads and writes: the one list of them. Each is recognised, read and written
 * through the format registry of dump-archive; the IPL reports with it what a load wrote.
 */
public enum DumpFormat {
    /** Classic s390 format in a file: header, raw memory, end marker (magic ...fd). */
    S390("s390", "classic"),
    /** Classic s390 format on tape: header block, 32 KiB memory blocks, end-marker block. */
    S390_TAPE("s390tape", "classic"),
    /** Extended s390 format of the single-volume DASD dumper: segments, zero-skip, optional zlib. */
    S390_EXT("s390_ext", "s390_ext"),
    /** Extended s390 format spread over several DASD volumes. */
    S390_MV_EXT("s390mv_ext", "s390_ext"),
    /** ELF64 core (kdump vmcore layout). */
    ELF("elf", "vmcore"),
    /** makedumpfile's kdump-compressed file ({@code KDUMP   }): bitmaps, page descriptors, pages compressed one by one. */
    KDUMP("kdump", "kdump"),
    /** makedumpfile's flattened stream ({@code -F}) of a kdump-compressed file. */
    KDUMP_FLAT("kdump_flat", "kdump"),
    /** A dump archive ({@code sadump archive create}): a container that holds a dump of another format. */
    ARCHIVE("archive", "archive");

    private final String zgetdumpName;
    private final String loadWord;

    DumpFormat(String zgetdumpName, String loadWord) {
        this.zgetdumpName = zgetdumpName;
        this.loadWord = loadWord;
    }

    /** The name zgetdump prints as "Dump format" (and its {@code -f} word for the formats it writes). */
    public String zgetdumpName() {
        return zgetdumpName;
    }

    /**
     * The word a load's report gives scripts for a dump of this format ({@code hmc load --json}):
     * {@code vmcore}, {@code s390_ext} (single- or multi-volume), {@code classic}.
     */
    public String loadWord() {
        return loadWord;
    }
}
