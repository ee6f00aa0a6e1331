package io.sadump.dump;

/** The dump formats sadump reads and writes (names as zgetdump's input formats call them). */
public enum DumpFormat {
    /** Classic s390 format in a file: header, raw memory, end marker (magic ...fd). */
    S390("s390"),
    /** Classic s390 format on tape: header block, 32 KiB memory blocks, end-marker block. */
    S390_TAPE("s390tape"),
    /** Extended s390 format of the single-volume DASD dumper: segments, zero-skip, optional zlib. */
    S390_EXT("s390_ext"),
    /** Extended s390 format spread over several DASD volumes. */
    S390_MV_EXT("s390mv_ext"),
    /** ELF64 core (kdump vmcore layout). */
    ELF("elf");

    private final String zgetdumpName;

    DumpFormat(String zgetdumpName) {
        this.zgetdumpName = zgetdumpName;
    }

    /** The name zgetdump prints as "Dump format". */
    public String zgetdumpName() {
        return zgetdumpName;
    }
}
