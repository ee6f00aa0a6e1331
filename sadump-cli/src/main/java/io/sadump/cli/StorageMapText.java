package io.sadump.cli;

import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.fixtures.StorageLayout.Region;
import io.sadump.fixtures.StorageLayout.RegionKind;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.Sizes;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a storage layout as text bars a person reads at a glance: the whole storage, the first
 * kernel's 4 MiB, and the crashkernel with its kexec segments; then the legend and the exact regions.
 */
final class StorageMapText {
    static final int WIDTH = 64;

    private final List<Region> regions;
    private final FrameRecord frames;
    private final long size;

    StorageMapText(List<Region> regions, FrameRecord frames, long size) {
        this.regions = regions;
        this.frames = frames;
        this.size = size;
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        bar(out, "storage", 0, size, true);
        bar(out, "first kernel", 0, Math.min(size, FirstKernelLayout.IMAGE_END), false);
        regions.stream().filter(r -> r.kind() == RegionKind.CRASHKERNEL).findFirst()
                .ifPresent(ck -> bar(out, "crashkernel", ck.start(), ck.end(), false));
        out.add("  legend: L lowcore  K kernel image  D kernel data  M meminfo  P CPU prefix pages  C crashkernel (free)");
        out.add("          k i c p kexec segments (kernel, initrd, cmdline, purgatory)  # memory written  . never"
                + " written (zero)");
        out.add("  regions:");
        for (Region r : regions) {
            if (r.kind() == RegionKind.WORKLOAD || (r.kind() == RegionKind.KERNEL && r.start() == 0
                    && r.size() > FirstKernelLayout.TEXT_END)) {
                continue;
            }
            String indent = r.kind() == RegionKind.SEGMENT ? "    " : "  ";
            out.add(String.format("  %s[0x%09X, 0x%09X) %7s  %s", indent, r.start(), r.end(),
                    MachineText.size(r.size()), r.name()));
        }
        return out;
    }

    /**
     * One bar over [lo, hi). In the overview the whole first kernel is one 'K', so the small structures
     * do not hide it; in the zooms every region shows with its own mark.
     */
    private void bar(List<String> out, String title, long lo, long hi, boolean overview) {
        long span = hi - lo;
        long step = Math.max(4096, (span + WIDTH - 1) / WIDTH);
        step = (step + 4095) / 4096 * 4096;
        StringBuilder sb = new StringBuilder();
        for (long a = lo; a < hi; a += step) {
            long b = Math.min(hi, a + step);
            sb.append(overview && a < FirstKernelLayout.IMAGE_END ? RegionKind.KERNEL.mark() : mark(a, b));
        }
        out.add(String.format("  %s [%s, %s), one mark = %s", title, Sizes.format(lo), Sizes.format(hi),
                MachineText.size(step)));
        out.add("    |" + sb + "|");
    }

    /** The mark of the most telling region that meets [a, b). */
    char mark(long a, long b) {
        char best = 0;
        int bestRank = Integer.MAX_VALUE;
        for (Region r : regions) {
            if (r.end() <= a || r.start() >= b || r.kind() == RegionKind.WORKLOAD
                    || (r.kind() == RegionKind.KERNEL && r.start() == 0 && r.size() > FirstKernelLayout.TEXT_END)) {
                continue;
            }
            char m = r.kind() == RegionKind.SEGMENT ? segmentMark(r.name()) : r.kind().mark();
            int rank = rank(r.kind());
            if (rank < bestRank) {
                bestRank = rank;
                best = m;
            }
        }
        if (best != 0) {
            return best;
        }
        if (b <= FirstKernelLayout.IMAGE_END) {
            return '.';
        }
        long first = a >>> FrameRecord.FRAME_SHIFT;
        long last = (b - 1) >>> FrameRecord.FRAME_SHIFT;
        long w = frames.nextWritten(first);
        return w >= 0 && w <= last ? '#' : '.';
    }

    private static char segmentMark(String name) {
        if (name.contains("(kernel)")) {
            return 'k';
        }
        if (name.contains("(initrd)")) {
            return 'i';
        }
        if (name.contains("(cmdline)")) {
            return 'c';
        }
        if (name.contains("(purgatory)")) {
            return 'p';
        }
        return 's';
    }

    private static int rank(RegionKind k) {
        switch (k) {
            case SEGMENT:
                return 0;
            case MEMINFO:
                return 1;
            case KERNEL_DATA:
                return 2;
            case PREFIX:
                return 3;
            case LOWCORE:
                return 4;
            case KERNEL:
                return 5;
            case CRASHKERNEL:
                return 6;
            default:
                return 7;
        }
    }
}
