package io.sadump.dump.filter;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.util.List;

/**
 * Physical pages of a dump as makedumpfile reads them from an ELF vmcore ({@code readpage_elf}): the
 * memory source's chunks play the PT_LOADs; a page is readable when any chunk overlaps it, and the
 * parts of it no chunk covers read as zeros; a page no chunk touches cannot be read. Pages are cached
 * (a small direct-mapped cache), and a page only ZERO chunks cover is the shared zero page without a
 * read, so struct pages in frames the source knows to be zero cost nothing.
 */
final class DumpedMemory {
    static final int PAGE_SIZE = 4096;
    static final int PAGE_SHIFT = 12;
    /** Shared content of every known-zero page; never written. */
    static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];
    private static final int CACHE_SLOTS = 1024;

    private final MemorySource source;
    private final List<MemoryChunk> chunks;
    private final long[] cachedBase = new long[CACHE_SLOTS];
    private final byte[][] cachedPage = new byte[CACHE_SLOTS][];

    DumpedMemory(MemorySource source) {
        this.source = source;
        this.chunks = source.chunks();
        java.util.Arrays.fill(cachedBase, -1);
    }

    List<MemoryChunk> chunks() {
        return chunks;
    }

    /** One past the highest address any chunk holds (makedumpfile's {@code get_max_paddr}). */
    long maxAddress() {
        long max = 0;
        for (MemoryChunk c : chunks) {
            max = Math.max(max, c.end());
        }
        return max;
    }

    /** Whether a chunk holds {@code address}: a PT_LOAD covers it ({@code is_in_segs}, {@code vaddr_to_paddr_general}). */
    boolean holds(long address) {
        return address >= 0 && MemoryChunk.indexHolding(chunks, address) >= 0;
    }

    /**
     * The page at {@code base} (page aligned), or null when no chunk overlaps it. The returned array is
     * shared: read it, never change it.
     */
    byte[] page(long base) throws IOException {
        if (base < 0) {
            return null;
        }
        int slot = (int) ((base >>> PAGE_SHIFT) & (CACHE_SLOTS - 1));
        if (cachedBase[slot] == base) {
            return cachedPage[slot];
        }
        int i = MemoryChunk.indexFrom(chunks, base);
        long end = base + PAGE_SIZE;
        if (i >= chunks.size() || chunks.get(i).start() >= end) {
            return null;
        }
        boolean allZero = true;
        for (int j = i; j < chunks.size() && chunks.get(j).start() < end; j++) {
            if (chunks.get(j).kind() == MemoryChunk.Kind.DATA) {
                allZero = false;
                break;
            }
        }
        byte[] page;
        if (allZero) {
            page = ZERO_PAGE;
        } else {
            page = new byte[PAGE_SIZE];
            source.readFilled(base, page, 0, PAGE_SIZE);
        }
        cachedBase[slot] = base;
        cachedPage[slot] = page;
        return page;
    }
}
