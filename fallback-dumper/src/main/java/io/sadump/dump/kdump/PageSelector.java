package io.sadump.dump.kdump;

import io.sadump.dump.filter.DumpLevelFilter;
import io.sadump.dump.filter.PageFilterException;
import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;

/**
 * How the pages a makedumpfile dump level keeps are found for a dump: the one place a kdump-compressed
 * conversion asks. Levels 0 and 1 keep every present page; the levels with bits 2, 4, 8 or 16 need the
 * dump level filter ({@link DumpLevelFilter}), which reads the dump's page descriptors through its
 * VMCOREINFO.
 */
@FunctionalInterface
public interface PageSelector {
    /** The highest makedumpfile dump level (all five bits). */
    int MAX_LEVEL = DumpLevelFilter.MAX_DUMP_LEVEL;

    /**
     * The pages {@code dumpLevel} keeps of {@code memory}.
     *
     * @throws DumpLevelException when this selector cannot decide that level for this dump
     * @throws IOException when the dump cannot be read
     */
    PageSelection select(MemorySource memory, DumpMetadata metadata, int dumpLevel) throws IOException;

    /** Levels 0 and 1 only: every present page, without reading page descriptors. */
    static PageSelector presentPagesOnly() {
        return (memory, metadata, level) -> {
            if (level != 0 && level != 1) {
                throw new DumpLevelException("dump level " + level + " leaves out pages by their kind (bits 2 cache, "
                        + "4 cache with private data, 8 user, 16 free), which needs the page filter; without it "
                        + "levels 0 and 1 can be written");
            }
            return PresentPageSelection.of(memory, level, KdumpCompressedWriter.PAGE_SIZE);
        };
    }

    /**
     * makedumpfile's decision at every level: the dump level filter. Levels 0 and 1 need no page
     * descriptors, so a dump whose VMCOREINFO does not describe them (another kernel's, an old one) still
     * gets every present page there; the other levels refuse such a dump with what is missing.
     */
    static PageSelector standard() {
        return (memory, metadata, level) -> {
            try {
                return DumpLevelFilter.filter(memory, metadata.vmcoreinfo(), level);
            } catch (PageFilterException e) {
                if (level <= DumpLevelFilter.EXCLUDE_ZERO) {
                    return PresentPageSelection.of(memory, level, KdumpCompressedWriter.PAGE_SIZE);
                }
                throw new DumpLevelException(e.getMessage(), e);
            }
        };
    }
}
