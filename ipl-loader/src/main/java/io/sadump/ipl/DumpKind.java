package io.sadump.ipl;

/** What a load or restart produced. */
public enum DumpKind {
    /** The kdump kernel wrote an ELF vmcore file. */
    VMCORE("vmcore"),
    /** The stand-alone dumper wrote an s390_ext dump to DASD. */
    S390_EXT("s390_ext"),
    /** The stand-alone dumper wrote a classic s390 dump to tape. */
    CLASSIC("classic"),
    /** No dump was written (storage cleared, the dump failed, or the action was stop/reipl). */
    NONE("none");

    private final String word;

    DumpKind(String word) {
        this.word = word;
    }

    /** The word scripts see in {@code --json}. */
    public String word() {
        return word;
    }
}
