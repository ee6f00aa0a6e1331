package io.sadump.archive;

import io.sadump.machine.InvalidValueException;
import java.util.Locale;

/** What a conversion writes (zgetdump {@code -f}; reference s390-tools-dump.md §3 "Output formats"). */
public enum OutputFormat {
    /** The classic s390 format: header, all memory with holes as zeros, end marker. */
    S390("dump.s390"),
    /** An s390x ELF core: notes from the CPUs and the VMCOREINFO, one PT_LOAD per memory range. */
    ELF("dump.elf");

    private final String fileName;

    OutputFormat(String fileName) {
        this.fileName = fileName;
    }

    /** The name of the converted dump inside an archive. */
    public String fileName() {
        return fileName;
    }

    public static OutputFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("the output format is elf or s390, not '" + s + "'");
        }
    }
}
