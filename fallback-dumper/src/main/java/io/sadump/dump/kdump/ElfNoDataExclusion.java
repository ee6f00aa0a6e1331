package io.sadump.dump.kdump;

import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;

/**
 * makedumpfile's {@code exclude_nodata_pages}: pages of an ELF vmcore's {@code PT_LOAD} past its
 * {@code p_filesz} (memory the core declares but does not hold, as a filtered ELF dump leaves it) are not
 * dumpable, whatever the dump level says. The ELF reader shows them as ZERO chunks; every whole page
 * from {@code roundup(p_paddr + p_filesz)} to {@code roundup(p_paddr + p_memsz)} is taken out.
 */
public final class ElfNoDataExclusion implements PageSelection {
    private final PageSelection selection;
    private final PageBitmap noData;

    private ElfNoDataExclusion(PageSelection selection, PageBitmap noData) {
        this.selection = selection;
        this.noData = noData;
    }

    /** {@code selection} without the ZERO chunks of {@code elfMemory} (an ELF core as read). */
    public static PageSelection apply(PageSelection selection, MemorySource elfMemory) {
        int b = KdumpCompressedWriter.PAGE_SIZE;
        PageBitmap noData = new PageBitmap(selection.maxMapnr());
        boolean any = false;
        for (MemoryChunk c : elfMemory.chunks()) {
            if (c.kind() != MemoryChunk.Kind.ZERO) {
                continue;
            }
            long from = (c.start() + b - 1) / b;
            long to = Math.min(selection.maxMapnr(), (c.end() + b - 1) / b);
            if (from < to) {
                noData.setRange(from, to);
                any = true;
            }
        }
        return any ? new ElfNoDataExclusion(selection, noData.index()) : selection;
    }

    @Override
    public long maxMapnr() {
        return selection.maxMapnr();
    }

    @Override
    public boolean kept(long pfn) {
        return selection.kept(pfn) && !noData.get(pfn);
    }

    @Override
    public long nextKept(long pfn) {
        long p = selection.nextKept(pfn);
        while (p >= 0 && noData.get(p)) {
            long next = noData.nextClear(p);
            p = next >= maxMapnr() ? -1 : selection.nextKept(next);
        }
        return p;
    }

    @Override
    public int dumpLevel() {
        return selection.dumpLevel();
    }
}
