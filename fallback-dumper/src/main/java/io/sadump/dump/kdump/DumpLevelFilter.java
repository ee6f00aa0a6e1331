package io.sadump.dump.kdump;

import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;

/**
 * How the pages a makedumpfile dump level keeps are found for a dump: the one place a kdump-compressed
 * conversion asks. Levels 0 and 1 keep every present page and need nothing from the dump; the levels
 * with bits 2, 4, 8 or 16 need the page filter, which reads the dump's page descriptors.
 */
@FunctionalInterface
public interface DumpLevelFilter {
    /** The highest makedumpfile dump level (all five bits). */
    int MAX_LEVEL = 31;

    /**
     * The pages {@code dumpLevel} keeps of {@code memory}.
     *
     * @throws DumpLevelException when this filter cannot decide that level for this dump
     * @throws IOException when the dump cannot be read
     */
    PageSelection select(MemorySource memory, DumpMetadata metadata, int dumpLevel) throws IOException;

    /** Levels 0 and 1 only: every present page. */
    static DumpLevelFilter presentPagesOnly() {
        return (memory, metadata, level) -> {
            if (level != 0 && level != 1) {
                throw new DumpLevelException("dump level " + level + " leaves out pages by their kind (bits 2 cache, "
                        + "4 cache with private data, 8 user, 16 free), which needs the page filter; without it "
                        + "levels 0 and 1 can be written");
            }
            return PresentPageSelection.of(memory, level, KdumpCompressedWriter.PAGE_SIZE);
        };
    }

    /** The filter conversions use: every level the build can decide. */
    static DumpLevelFilter standard() {
        return presentPagesOnly();
    }
}
