package io.sadump.campaign;

import io.sadump.fixtures.DumpLevelPrediction;
import io.sadump.fixtures.PageClass;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import java.util.BitSet;
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
        CrashkernelRange oldMemoryHole) {
    public KeptPagePrediction {
        Objects.requireNonNull(kept, "kept");
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(oldMemoryHole, "oldMemoryHole");
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
        BitSet kept = p.kept(dumpLevel);
        int pages = (int) p.pageCount();
        int from = (int) Math.min(pages, hole.base() / PageDigests.PAGE);
        int to = (int) Math.min(pages, hole.end() / PageDigests.PAGE);
        kept.clear(from, to);
        return new KeptPagePrediction(dumpLevel, kept, pages - (to - from), p, hole);
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
