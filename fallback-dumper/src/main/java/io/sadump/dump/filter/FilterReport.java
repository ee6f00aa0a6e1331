package io.sadump.dump.filter;

import java.util.OptionalLong;

/**
 * The page counts of a filtered dump and their rendering as makedumpfile 1.7.2 prints its report
 * ({@code print_report()} in {@code makedumpfile.c}): original pages are the frames the dump holds
 * ({@code max_mapnr} minus the holes), excluded pages the sum of the classes, the shrink percentage an
 * integer division. Counts are unsigned as makedumpfile's {@code mdf_pfn_t}.
 *
 * @param totalPages {@code max_mapnr}
 * @param memoryHole frames below {@code max_mapnr} the dump does not hold
 * @param zero pages filled with zero (counted by the writer)
 * @param excluded the filter's classes
 * @param writeBytes the size of the written file, when the writer knows it
 */
public record FilterReport(long totalPages, long memoryHole, long zero, ExcludedPages excluded,
        OptionalLong writeBytes) {

    public long originalPages() {
        return totalPages - memoryHole;
    }

    public long excludedPages() {
        return zero + excluded.total();
    }

    public long remainingPages() {
        return originalPages() - excludedPages();
    }

    /** The report lines, from the empty line that starts it to "Total pages" (and "Write bytes" when known). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        line(sb, "Original pages  : ", originalPages());
        line(sb, "  Excluded pages   : ", excludedPages());
        line(sb, "    Pages filled with zero  : ", zero);
        line(sb, "    Non-private cache pages : ", excluded.cache());
        line(sb, "    Private cache pages     : ", excluded.cachePrivate());
        line(sb, "    User process data pages : ", excluded.user());
        line(sb, "    Free pages              : ", excluded.free());
        line(sb, "    Hwpoison pages          : ", excluded.hwpoison());
        line(sb, "    Offline pages           : ", excluded.offline());
        line(sb, "  Remaining pages  : ", remainingPages());
        long original = originalPages();
        if (original != 0) {
            // makedumpfile computes the percentage in unsigned 64-bit arithmetic and prints it with %lld.
            long shrinking = Long.divideUnsigned(remainingPages() * 100, original);
            sb.append("  (The number of pages is reduced to ").append(shrinking).append("%.)\n");
        }
        line(sb, "Memory Hole     : ", memoryHole);
        sb.append("--------------------------------------------------\n");
        line(sb, "Total pages     : ", totalPages);
        writeBytes.ifPresent(n -> sb.append("Write bytes     : ").append(Long.toUnsignedString(n)).append('\n'));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, long value) {
        sb.append(label).append("0x").append(String.format("%016x", value)).append('\n');
    }
}
