package io.sadump.dump.kdump;

import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;

/**
 * Every page a memory source holds, as makedumpfile keeps them at dump levels 0 and 1: those levels
 * look at no page descriptor (level 1 stores zero pages as the shared zero page, which the writer does
 * itself). A page partly covered counts as present (reference kdump-compressed.md §1.4).
 */
public final class PresentPageSelection implements PageSelection {
    private final PageBitmap present;
    private final int dumpLevel;

    private PresentPageSelection(PageBitmap present, int dumpLevel) {
        this.present = present;
        this.dumpLevel = dumpLevel;
    }

    /**
     * @throws IllegalArgumentException for a level other than 0 or 1: those need the page filter
     */
    public static PresentPageSelection of(MemorySource memory, int dumpLevel, int pageSize) {
        if (dumpLevel != 0 && dumpLevel != 1) {
            throw new IllegalArgumentException("dump level " + dumpLevel + " excludes pages by their kind, which "
                    + "needs the page filter; without it only levels 0 and 1 can be written");
        }
        return new PresentPageSelection(presentPages(memory, pageSize), dumpLevel);
    }

    /** makedumpfile's 1st bitmap: every pfn inside a chunk, up to the end of the last one. */
    static PageBitmap presentPages(MemorySource memory, int pageSize) {
        var chunks = memory.chunks();
        long maxMapnr = chunks.isEmpty() ? 0 : ceilDiv(chunks.get(chunks.size() - 1).end(), pageSize);
        PageBitmap b = new PageBitmap(maxMapnr);
        for (MemoryChunk c : chunks) {
            b.setRange(c.start() / pageSize, ceilDiv(c.end(), pageSize));
        }
        return b.index();
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public long maxMapnr() {
        return present.pfns();
    }

    @Override
    public boolean kept(long pfn) {
        return present.get(pfn);
    }

    @Override
    public long nextKept(long pfn) {
        return present.nextSet(pfn);
    }

    @Override
    public int dumpLevel() {
        return dumpLevel;
    }
}
