package io.sadump.dump.filter;

import java.util.List;
import java.util.OptionalLong;

/**
 * The result of the dump-level filter: makedumpfile's 2nd bitmap (one bit per page frame below {@code
 * max_mapnr}, in a {@code long[]}: 2^28 bits, 32 MiB, for 1 TiB), the per-class counts and the
 * warnings makedumpfile prints while filtering. Immutable.
 */
public final class FilteredPages implements PageSelection {
    private final long[] bits;
    private final long maxMapnr;
    private final int dumpLevel;
    private final long memoryHole;
    private final ExcludedPages excluded;
    private final List<String> warnings;

    FilteredPages(long[] bits, long maxMapnr, int dumpLevel, long memoryHole, ExcludedPages excluded,
            List<String> warnings) {
        this.bits = bits;
        this.maxMapnr = maxMapnr;
        this.dumpLevel = dumpLevel;
        this.memoryHole = memoryHole;
        this.excluded = excluded;
        this.warnings = List.copyOf(warnings);
    }

    @Override
    public long maxMapnr() {
        return maxMapnr;
    }

    @Override
    public boolean kept(long pfn) {
        return pfn >= 0 && pfn < maxMapnr && (bits[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
    }

    @Override
    public long nextKept(long pfn) {
        if (pfn < 0) {
            pfn = 0;
        }
        if (pfn >= maxMapnr) {
            return -1;
        }
        int w = (int) (pfn >>> 6);
        long word = bits[w] & (-1L << pfn);
        while (word == 0) {
            if (++w >= bits.length) {
                return -1;
            }
            word = bits[w];
        }
        long found = ((long) w << 6) + Long.numberOfTrailingZeros(word);
        return found < maxMapnr ? found : -1;
    }

    @Override
    public int dumpLevel() {
        return dumpLevel;
    }

    /** Frames below {@code max_mapnr} that the dump does not hold (makedumpfile's {@code pfn_memhole}). */
    public long memoryHole() {
        return memoryHole;
    }

    /** What the filter left out, per class. */
    public ExcludedPages excluded() {
        return excluded;
    }

    /** The number of kept frames (set bits). */
    public long keptPages() {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /**
     * makedumpfile's warnings, one line each, without the "WARNING: " prefix (e.g. "Invalid free page
     * order: pfn=..., order=..., max order=10"); at most {@link DumpLevelFilter#MAX_WARNINGS}.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The report with {@code zeroPages} as counted by the writer. */
    public FilterReport report(long zeroPages, OptionalLong writeBytes) {
        return new FilterReport(maxMapnr, memoryHole, zeroPages, excluded, writeBytes);
    }
}
