package io.sadump.campaign;

import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.DumpLevelPrediction;
import io.sadump.fixtures.PageClasses;
import io.sadump.fixtures.PageDescriptorLayout;
import io.sadump.fixtures.PageClass;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * The page frames a filtered vmcore of a production system must hold: what {@link DumpLevelPrediction}
 * says the dump level keeps, from the fixture's own page classes (never from struct pages read back),
 * without the crashkernel range, which old memory does not have. Safe for several threads.
 *
 * @param dumpLevel makedumpfile's {@code -d}
 * @param presentPages the frames of old memory (storage without the crashkernel)
 */
public record KeptPagePrediction(int dumpLevel, BitSet kept, long presentPages, DumpLevelPrediction classes,
        CrashkernelRange oldMemoryHole, PageDescriptorLayout layout) {
    /** makedumpfile's largest free block on s390x (MAX_ORDER 11: order 10, 1024 pages). */
    static final int MAX_BLOCK_PAGES = 1024;

    public KeptPagePrediction {
        Objects.requireNonNull(kept, "kept");
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(oldMemoryHole, "oldMemoryHole");
        Objects.requireNonNull(layout, "layout");
    }

    /**
     * The prediction for {@code machine} (a production system: its workload and seed), built with its
     * configured crashkernel; {@code hole} is the crashkernel range the kdump kernel left out (the one
     * meminfo named).
     *
     * @throws MachineException when the machine is no production system
     */
    public static KeptPagePrediction of(MachineDirectory machine, CrashkernelRange hole, int dumpLevel) {
        ProductionState state = ProductionSystem.stateOf(machine).orElseThrow(() -> new MachineException(
                machine.path() + " is not a production system: its page classes are not known"));
        long storage = machine.config().storageSize();
        DumpLevelPrediction p = DumpLevelPrediction.of(state.workload(), state.seed(), storage,
                machine.config().crashkernel());
        PageDescriptorLayout layout = PageDescriptorLayout.plan(storage, machine.config().crashkernel(),
                state.workload(), state.seed());
        BitSet kept = p.kept(dumpLevel);
        int pages = (int) p.pageCount();
        int from = (int) Math.min(pages, hole.base() / PageDigests.PAGE);
        int to = (int) Math.min(pages, hole.end() / PageDigests.PAGE);
        kept.clear(from, to);
        return new KeptPagePrediction(dumpLevel, kept, pages - (to - from), p, hole, layout);
    }

    /**
     * The frames whose place in the dump the fixture's page classes no longer decide after {@code changes}
     * to storage (an injection): a change in the struct page of frame {@code p} may change how makedumpfile
     * classes {@code p}, the block a free or compound head there starts (up to {@link #MAX_BLOCK_PAGES}), and
     * the head before it when {@code p} is its first tail; a change elsewhere in the first kernel's memblock
     * area (mem_section, the vmemmap's DAT tables) may change any frame. Empty for changes outside it.
     */
    public BitSet framesDecidedOtherwise(List<ByteChange> changes) {
        BitSet excused = new BitSet();
        long pages = classes.pageCount();
        long[] frames = layout.regionFrames();
        for (ByteChange c : changes) {
            long end = c.address() + c.after().length;
            if (end <= layout.memblockStart() || c.address() >= layout.memblockEnd()) {
                continue;
            }
            boolean inStructPages = false;
            for (int r = 0; r < frames.length; r++) {
                long first = frames[r];
                long last = first + (long) PageClasses.PAGES_PER_REGION * PageDescriptorLayout.STRUCT_PAGE_SIZE;
                if (c.address() >= first && end <= last) {
                    inStructPages = true;
                    for (long a = c.address(); a < end; a++) {
                        long pfn = (long) r * PageClasses.PAGES_PER_REGION + (a - first) / PageDescriptorLayout.STRUCT_PAGE_SIZE;
                        excused.set((int) Math.max(0, pfn - 1), (int) Math.min(pages, pfn + MAX_BLOCK_PAGES));
                    }
                }
            }
            if (!inStructPages) {
                excused.set(0, (int) pages);
            }
        }
        return excused;
    }

    /** Whether frame {@code pfn} is in old memory (storage outside the crashkernel). */
    public boolean present(long pfn) {
        return pfn >= 0 && pfn < classes.pageCount()
                && (pfn < oldMemoryHole.base() / PageDigests.PAGE || pfn >= oldMemoryHole.end() / PageDigests.PAGE);
    }

    /** The class of frame {@code pfn}, in the words of the fixture ({@code page_cache}, {@code free}, ...). */
    public String classOf(long pfn) {
        if (pfn < 0 || pfn >= classes.pageCount()) {
            return "outside storage";
        }
        PageClass c;
        synchronized (classes) { // the prediction caches one region
            c = classes.classOf(pfn);
        }
        return c.name().toLowerCase(java.util.Locale.ROOT);
    }
}
