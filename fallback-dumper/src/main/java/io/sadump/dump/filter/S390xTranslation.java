package io.sadump.dump.filter;

import java.io.IOException;

/**
 * Kernel virtual to physical addresses on s390x, exactly as makedumpfile 1.7.2 translates them
 * ({@code vaddr_to_paddr_s390x} and {@code vtop_s390x} in {@code arch/s390x.c}; reference
 * kdump-compressed.md §5.3), including where it gives up:
 * <ol>
 * <li>an address a chunk (PT_LOAD, identity on s390x) holds is itself;
 * <li>without {@code SYMBOL(high_memory)} nothing else translates;
 * <li>addresses at or above {@code *high_memory} are walked through {@code swapper_pg_dir}; the
 *     others are identity ({@code PAGE_OFFSET} 0).
 * </ol>
 * The walk takes the number of levels and the root's length from root entry 0, rejects entries with
 * bits makedumpfile calls bad (the P bit among them), follows an invalid entry of the right type, and
 * ends in a 2 GiB region-third frame, a 1 MiB segment frame or a 4 KiB page table entry.
 *
 * <p>Page tables never change during a run, so the result of a walk is kept per 1 MiB segment (frames)
 * or per page (page table entries).
 */
final class S390xTranslation {
    // DAT entry bits (z/Architecture; makedumpfile.h __s390x__ and arch/s390x.c).
    static final long TYPE_MASK = 0x0c;
    static final long LENGTH_MASK = 0x03;
    static final long INVALID = 0x20;
    static final long LARGE = 0x400;
    static final long COMMON_SEGMENT = 0x100;
    static final long REGION_ORIGIN = ~0xfffL;
    static final long SEGMENT_ORIGIN = ~0x7ffL;
    static final long PAGE_ZERO_BIT = 0x800;
    static final long PAGE_INVALID = 0x400;
    static final int TABLE_SIZE = 4096;
    static final int SEGMENT_SHIFT = 20;
    static final int REGION_INDEX_SHIFT = 11;
    /** {@code _SEGMENT_PAGE_SHIFT}: a VA must be below 2^(31 + 11 * level). */
    static final int SEGMENT_PAGE_SHIFT = 31;
    /** The bits {@code rsg_table_entry_bad} allows besides the origin. */
    private static final long ALLOWED = INVALID | TYPE_MASK | LENGTH_MASK | LARGE | COMMON_SEGMENT;
    /** Guard against page tables that make the walk read through the walk itself forever. */
    private static final int MAX_DEPTH = 8;

    private final DumpedMemory memory;
    private final long swapperPgDir;
    private final boolean hasHighMemory;
    private long vmallocStart;

    private long cachedSegment = -1;
    private long cachedSegmentBase;
    private long cachedPage = -1;
    private long cachedPageBase;

    /**
     * @param swapperPgDir {@code SYMBOL(swapper_pg_dir)}, 0 when absent
     * @param hasHighMemory whether the VMCOREINFO has {@code SYMBOL(high_memory)}
     */
    S390xTranslation(DumpedMemory memory, long swapperPgDir, boolean hasHighMemory) {
        this.memory = memory;
        this.swapperPgDir = swapperPgDir;
        this.hasHighMemory = hasHighMemory;
    }

    /** Sets the start of the walked range, the value of {@code high_memory} ({@code info->vmalloc_start}). */
    void vmallocStart(long value) {
        this.vmallocStart = value;
    }

    /** The physical address of {@code va}. */
    long physical(long va) throws IOException {
        return physical(va, 0);
    }

    /** Reads the u64 at virtual address {@code va} (8-byte aligned), as {@code readmem(VADDR)}. */
    long u64(long va) throws IOException {
        return u64(va, 0);
    }

    /** Whether the page holding virtual address {@code va} translates and can be read. */
    void checkReadable(long va) throws IOException {
        long pa = physical(va);
        if (memory.page(pa & ~(DumpedMemory.PAGE_SIZE - 1L)) == null) {
            throw new PageFilterException(String.format(
                    "virtual address 0x%x is physical 0x%x, which the dump does not hold", va, pa));
        }
    }

    private long u64(long va, int depth) throws IOException {
        if ((va & (DumpedMemory.PAGE_SIZE - 1)) > DumpedMemory.PAGE_SIZE - 8) {
            // Across a page boundary: each page is translated on its own, as readmem does.
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | u8(va + i, depth);
            }
            return v;
        }
        long pa = physical(va, depth);
        byte[] page = memory.page(pa & ~(DumpedMemory.PAGE_SIZE - 1L));
        if (page == null) {
            throw new PageFilterException(String.format(
                    "virtual address 0x%x is physical 0x%x, which the dump does not hold", va, pa));
        }
        return StructPage.u64(page, (int) (pa & (DumpedMemory.PAGE_SIZE - 1)));
    }

    private int u8(long va, int depth) throws IOException {
        long pa = physical(va, depth);
        byte[] page = memory.page(pa & ~(DumpedMemory.PAGE_SIZE - 1L));
        if (page == null) {
            throw new PageFilterException(String.format(
                    "virtual address 0x%x is physical 0x%x, which the dump does not hold", va, pa));
        }
        return page[(int) (pa & (DumpedMemory.PAGE_SIZE - 1))] & 0xff;
    }

    private long physical(long va, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new PageFilterException(String.format(
                    "the page tables for 0x%x lie in memory that is only reachable through themselves", va));
        }
        if (memory.holds(va)) {
            return va;
        }
        if (!hasHighMemory) {
            throw new PageFilterException(String.format(
                    "cannot translate 0x%x: the VMCOREINFO has no SYMBOL(high_memory)", va));
        }
        if (vmallocStart != 0 && Long.compareUnsigned(va, vmallocStart) >= 0) {
            return walk(va, depth);
        }
        return va;
    }

    private long walk(long va, int depth) throws IOException {
        if (va >>> SEGMENT_SHIFT == cachedSegment) {
            return cachedSegmentBase + (va & ((1L << SEGMENT_SHIFT) - 1));
        }
        if (va >>> DumpedMemory.PAGE_SHIFT == cachedPage) {
            return cachedPageBase + (va & (DumpedMemory.PAGE_SIZE - 1));
        }
        if (swapperPgDir == KernelVmcoreinfo.NO_SYMBOL) {
            throw new PageFilterException(String.format(
                    "cannot translate 0x%x: the VMCOREINFO has no SYMBOL(swapper_pg_dir)", va));
        }
        long table = swapperPgDir;
        long first;
        try {
            first = u64(table, depth + 1);
        } catch (PageFilterException e) {
            first = 0; // makedumpfile ignores a failed read of root entry 0 and sees its buffer's zeros
        }
        int level = (int) ((first & TYPE_MASK) >>> 2);
        int len = (int) (first & LENGTH_MASK);
        if (va >>> (SEGMENT_PAGE_SHIFT + REGION_INDEX_SHIFT * level) != 0) {
            throw new PageFilterException(String.format(
                    "cannot translate 0x%x: too big for the %d-level page tables root entry 0 (0x%x) announces",
                    va, level + 2, first));
        }
        long entry = 0;
        while (level >= 0) {
            long offset = ((va >>> (REGION_INDEX_SHIFT * level + SEGMENT_SHIFT)) & 0x7ff) * 8;
            String what = level == 0 ? "segment table" : "region-" + new String[] {"", "third", "second", "first"}[level]
                    + " table";
            if (offset >= (long) (len + 1) * TABLE_SIZE) {
                throw new PageFilterException(String.format(
                        "cannot translate 0x%x: index %d is over the %s limit (length %d%s)", va, offset / 8, what,
                        len, table == swapperPgDir ? ", taken from swapper_pg_dir entry 0" : ""));
            }
            long at = table + offset;
            try {
                entry = u64(at, depth + 1);
            } catch (PageFilterException e) {
                throw new PageFilterException(String.format("cannot translate 0x%x: cannot read the %s entry at 0x%x",
                        va, what, at));
            }
            long bad = entry & ~ALLOWED & ~(level > 0 ? REGION_ORIGIN : SEGMENT_ORIGIN);
            if (bad != 0) {
                throw new PageFilterException(String.format(
                        "cannot translate 0x%x: bad %s entry 0x%x at 0x%x (bits 0x%x%s)", va, what, entry, at, bad,
                        (bad & 0x200) != 0 ? ", the protection bit" : ""));
            }
            if ((entry & TYPE_MASK) >>> 2 != level && (entry & INVALID) != 0) {
                throw new PageFilterException(String.format(
                        "cannot translate 0x%x: invalid %s entry 0x%x at 0x%x", va, what, entry, at));
            }
            if (entry == 0) {
                throw new PageFilterException(String.format(
                        "cannot translate 0x%x: empty %s entry at 0x%x", va, what, at));
            }
            table = entry & REGION_ORIGIN;
            if ((entry & LARGE) != 0 && level == 1) {
                long base = (table & ~0x7fffffffL) + (va & 0x7fffffffL & ~((1L << SEGMENT_SHIFT) - 1));
                remember(va, base);
                return base + (va & ((1L << SEGMENT_SHIFT) - 1));
            }
            len = (int) (entry & LENGTH_MASK);
            level--;
        }
        if ((entry & LARGE) != 0) {
            long base = table & ~0xfffffL;
            remember(va, base);
            return base + (va & 0xfffffL);
        }
        long pteAt = (entry & SEGMENT_ORIGIN) + ((va >>> DumpedMemory.PAGE_SHIFT) & 0xff) * 8;
        long pte;
        try {
            pte = u64(pteAt, depth + 1);
        } catch (PageFilterException e) {
            throw new PageFilterException(String.format(
                    "cannot translate 0x%x: cannot read the page table entry at 0x%x", va, pteAt));
        }
        if ((pte & (PAGE_ZERO_BIT | PAGE_INVALID)) != 0 || pte == 0) {
            throw new PageFilterException(String.format(
                    "cannot translate 0x%x: invalid page table entry 0x%x at 0x%x", va, pte, pteAt));
        }
        cachedPage = va >>> DumpedMemory.PAGE_SHIFT;
        cachedPageBase = pte & REGION_ORIGIN;
        return cachedPageBase + (va & (DumpedMemory.PAGE_SIZE - 1));
    }

    private void remember(long va, long segmentBase) {
        cachedSegment = va >>> SEGMENT_SHIFT;
        cachedSegmentBase = segmentBase;
    }
}
