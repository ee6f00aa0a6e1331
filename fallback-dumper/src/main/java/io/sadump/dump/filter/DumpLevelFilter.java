package io.sadump.dump.filter;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * makedumpfile 1.7.2's dump-level filter for an s390x Linux kernel, over any {@link MemorySource}
 * (reference kdump-compressed.md §3-§5; docs/filtering.md): the VMCOREINFO names {@code mem_section},
 * whose present sections give the virtual address of each section's struct pages; those are read
 * through the s390x page tables ({@link S390xTranslation}) and each page frame is decided by
 * makedumpfile's rules, in its order, with its quirks (compound pages, buddy order bound, 512-page read
 * windows). Without VMCOREINFO only levels 0 and 1 run; levels 0 and 1 never read struct pages but,
 * as in makedumpfile, a VMCOREINFO that is there must still describe {@code mem_section}.
 *
 * <p>The memory source's chunks play the vmcore's PT_LOADs: a page frame is present when a chunk holds
 * its first byte, and {@code max_mapnr} is the highest chunk end in pages, lowered to the end of the
 * last present section.
 *
 * <p>Speed: the loop jumps over holes and over excluded blocks; translations and physical pages are
 * cached, so a shared vmemmap frame of free memory costs one decision per buddy block, and struct
 * pages in frames the source knows to be zero are skipped a page of descriptors at a time when such a
 * descriptor would be kept anyway.
 */
public final class DumpLevelFilter {
    /** Dump level bits (makedumpfile {@code DL_EXCLUDE_*}; reference §4.1). */
    public static final int EXCLUDE_ZERO = 1;
    public static final int EXCLUDE_CACHE = 2;
    public static final int EXCLUDE_CACHE_PRIVATE = 4;
    public static final int EXCLUDE_USER_DATA = 8;
    public static final int EXCLUDE_FREE = 16;
    public static final int MAX_DUMP_LEVEL = 31;

    /** Struct pages read at once ({@code PGMM_CACHED}); a read window ends at a multiple of it. */
    static final int PGMM_CACHED = 512;
    /** The most warnings kept in a result. */
    public static final int MAX_WARNINGS = 100;

    /** s390x default section size ({@code _SECTION_SIZE_BITS}, used when the VMCOREINFO has none). */
    static final int S390X_SECTION_SIZE_BITS = 28;
    /** s390x physical address bits before and since Linux 3.3, tried when the VMCOREINFO lacks the number. */
    static final int[] S390X_MAX_PHYSMEM_BITS = {42, 46};
    /** {@code SECTION_MARKED_PRESENT}. */
    static final long SECTION_MARKED_PRESENT = 1;
    /** makedumpfile masks the low bits of {@code section_mem_map} up to {@code SECTION_MAP_LAST_BIT} (1 << 5). */
    static final long SECTION_MAP_MASK = ~((1L << 5) - 1);
    /** {@code PAGE_MAPPING_ANON}. */
    static final long PAGE_MAPPING_ANON = 1;

    private DumpLevelFilter() {}

    /**
     * Decides which page frames of {@code source} a dump at {@code dumpLevel} keeps.
     *
     * @param vmcoreinfo the dumped kernel's VMCOREINFO text, when the dump has one
     * @throws PageFilterException when the dump lacks what the level needs, with what is missing
     * @throws IOException when the source cannot be read
     */
    public static FilteredPages filter(MemorySource source, Optional<String> vmcoreinfo, int dumpLevel)
            throws IOException {
        if (dumpLevel < 0 || dumpLevel > MAX_DUMP_LEVEL) {
            throw new PageFilterException("dump level " + dumpLevel + " is not one of 0-31");
        }
        DumpedMemory memory = new DumpedMemory(source);
        long maxMapnr = ceilDiv(memory.maxAddress(), DumpedMemory.PAGE_SIZE);
        if (vmcoreinfo.isEmpty()) {
            if (dumpLevel > EXCLUDE_ZERO) {
                throw new PageFilterException("the dump has no VMCOREINFO, which dump level " + dumpLevel
                        + " needs to find the kernel's struct pages (levels 0 and 1 work without it)");
            }
            return new Pass(memory, null, dumpLevel, maxMapnr).withoutPageDescriptors();
        }
        KernelVmcoreinfo info = KernelVmcoreinfo.parse(vmcoreinfo.get());
        if (info.pageSize() != DumpedMemory.PAGE_SIZE) {
            throw new PageFilterException("the VMCOREINFO says PAGESIZE=" + info.pageSize()
                    + ", but s390x pages are 4096 bytes");
        }
        return new Pass(memory, info, dumpLevel, maxMapnr).run();
    }

    static long ceilDiv(long a, long b) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    /** One run of the filter: makedumpfile's {@code initial()} start-up, then {@code create_2nd_bitmap}. */
    private static final class Pass {
        private final DumpedMemory memory;
        private final KernelVmcoreinfo info;
        private final int level;
        private long maxMapnr;
        private long[] bits;
        private final List<String> warnings = new ArrayList<>();
        private long cache, cachePrivate, user, free, hwpoison, offline;
        /**
         * An exclusion reached past {@code max_mapnr}: makedumpfile keeps it pending and skips every later
         * section with it, so they are neither decided nor counted.
         */
        private boolean pastTheEnd;

        Pass(DumpedMemory memory, KernelVmcoreinfo info, int level, long maxMapnr) {
            this.memory = memory;
            this.info = info;
            this.level = level;
            this.maxMapnr = maxMapnr;
        }

        FilteredPages withoutPageDescriptors() {
            long present = markPresent();
            return result(present);
        }

        FilteredPages run() throws IOException {
            // get_machdep_info_s390x
            int sectionSizeBits = S390X_SECTION_SIZE_BITS;
            int maxPhysmemBits = maxPhysmemBits(sectionSizeBits);
            if (info.symbol("_stext") == KernelVmcoreinfo.NO_SYMBOL) {
                throw new PageFilterException("the VMCOREINFO has no SYMBOL(_stext), which makedumpfile needs on s390x");
            }
            long highMemory = info.symbol("high_memory");
            S390xTranslation dat = new S390xTranslation(memory, info.symbol("swapper_pg_dir"),
                    highMemory != KernelVmcoreinfo.NO_SYMBOL);
            if (highMemory != KernelVmcoreinfo.NO_SYMBOL) {
                try {
                    dat.vmallocStart(dat.u64(highMemory));
                } catch (PageFilterException e) {
                    throw new PageFilterException(String.format("cannot read high_memory at 0x%x: %s", highMemory,
                            e.getMessage()));
                }
            }
            // get_versiondep_info
            long ssb = info.numberOf("SECTION_SIZE_BITS");
            if (ssb > 0) {
                sectionSizeBits = (int) Math.min(ssb, 63);
            }
            if (sectionSizeBits <= DumpedMemory.PAGE_SHIFT || maxPhysmemBits < sectionSizeBits
                    || maxPhysmemBits > 63) {
                throw new PageFilterException("the VMCOREINFO's SECTION_SIZE_BITS " + sectionSizeBits
                        + " and MAX_PHYSMEM_BITS " + maxPhysmemBits + " do not describe sections of pages");
            }
            PageLayout layout = layout();
            long[] memMaps = sectionMemMaps(dat, sectionSizeBits, maxPhysmemBits, layout.size());
            long pagesPerSection = 1L << (sectionSizeBits - DumpedMemory.PAGE_SHIFT);

            // get_mem_map: "max_mapnr" shrinks to the end of the last present section.
            long maxPfn = 0;
            boolean anyValid = false;
            for (int nr = 0; nr < memMaps.length; nr++) {
                if (memMaps[nr] != 0) {
                    anyValid = true;
                    maxPfn = Math.max(maxPfn, Math.min((nr + 1) * pagesPerSection, maxMapnr));
                }
            }
            long sectionLimit = maxMapnr;
            if (anyValid) {
                maxMapnr = Math.min(maxMapnr, maxPfn);
            }
            long present = markPresent();

            Rules rules = new Rules(info, level, layout);
            if ((level & EXCLUDE_FREE) != 0 && !rules.hasBuddyTest()) {
                throw new PageFilterException("dump level " + level + " excludes free pages, but the VMCOREINFO has no "
                        + "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) with OFFSET(page._mapcount) and OFFSET(page.private) "
                        + "(the zones' free lists makedumpfile would walk instead are not read)");
            }
            if ((level & (EXCLUDE_CACHE | EXCLUDE_CACHE_PRIVATE | EXCLUDE_USER_DATA)) != 0 || rules.hasHwpoison()
                    || ((level & EXCLUDE_FREE) != 0 && rules.hasBuddyTest())) {
                StructPageReader reader = new StructPageReader(memory, dat, layout);
                for (int nr = 0; nr < memMaps.length && !pastTheEnd; nr++) {
                    if (memMaps[nr] != 0) {
                        long start = nr * pagesPerSection;
                        excludeSection(reader, rules, memMaps[nr], start, Math.min(start + pagesPerSection,
                                sectionLimit));
                    }
                }
            }
            return result(present);
        }

        private FilteredPages result(long present) {
            return new FilteredPages(bits, maxMapnr, level, maxMapnr - present,
                    new ExcludedPages(cache, cachePrivate, user, free, hwpoison, offline), warnings);
        }

        /** The 1st bitmap, copied into the 2nd ({@code create_bitmap_from_memhole}); returns how many are set. */
        private long markPresent() {
            bits = new long[(int) ceilDiv(maxMapnr, 64)];
            long n = 0;
            for (MemoryChunk c : memory.chunks()) {
                long from = c.start() >>> DumpedMemory.PAGE_SHIFT;
                long to = Math.min(c.end() >>> DumpedMemory.PAGE_SHIFT, maxMapnr);
                for (long p = from; p < to; ) {
                    int w = (int) (p >>> 6);
                    long wordEnd = Math.min(((long) w + 1) << 6, to);
                    long mask = wordEnd - p == 64 ? -1L : ((1L << (wordEnd - p)) - 1) << p;
                    n += Long.bitCount(mask & ~bits[w]);
                    bits[w] |= mask;
                    p = wordEnd;
                }
            }
            return n;
        }

        /** Clears {@code [from, to)} within {@code max_mapnr}; returns how many frames makedumpfile counts. */
        private long clear(long from, long to) {
            to = Math.min(to, maxMapnr);
            long counted = Math.max(0, to - from);
            for (long p = from; p < to; ) {
                int w = (int) (p >>> 6);
                long wordEnd = Math.min(((long) w + 1) << 6, to);
                long mask = wordEnd - p == 64 ? -1L : ((1L << (wordEnd - p)) - 1) << p;
                bits[w] &= ~mask;
                p = wordEnd;
            }
            return counted;
        }

        private int maxPhysmemBits(int sectionSizeBits) throws PageFilterException {
            long n = info.numberOf("MAX_PHYSMEM_BITS");
            if (n != KernelVmcoreinfo.NOT_FOUND) {
                return (int) Math.max(0, Math.min(n, 64));
            }
            // set_s390x_max_physmem_bits: the bits whose section count gives LENGTH(mem_section).
            long arrayLength = info.length("mem_section");
            long size = info.size("mem_section");
            for (int bits : S390X_MAX_PHYSMEM_BITS) {
                long sections = 1L << (bits - sectionSizeBits);
                long perRoot = size > 0 ? DumpedMemory.PAGE_SIZE / size : 0;
                if ((perRoot > 0 && arrayLength == sections / perRoot) || arrayLength == sections) {
                    return bits;
                }
            }
            throw new PageFilterException("the VMCOREINFO has no NUMBER(MAX_PHYSMEM_BITS), and LENGTH(mem_section)="
                    + arrayLength + " fits no s390x memory size");
        }

        /** The struct page offsets makedumpfile needs ({@code get_mem_type} refuses without the first four). */
        private PageLayout layout() throws PageFilterException {
            long size = info.size("page");
            long flags = info.offset("page.flags");
            long refcount = info.offset("page._refcount");
            if (refcount == KernelVmcoreinfo.NOT_FOUND) {
                refcount = info.offset("page._count");
            }
            long mapping = info.offset("page.mapping");
            List<String> missing = new ArrayList<>();
            if (size == KernelVmcoreinfo.NOT_FOUND) {
                missing.add("SIZE(page)");
            }
            if (flags == KernelVmcoreinfo.NOT_FOUND) {
                missing.add("OFFSET(page.flags)");
            }
            if (refcount == KernelVmcoreinfo.NOT_FOUND) {
                missing.add("OFFSET(page._refcount)");
            }
            if (mapping == KernelVmcoreinfo.NOT_FOUND) {
                missing.add("OFFSET(page.mapping)");
            }
            if (!missing.isEmpty()) {
                throw new PageFilterException("the VMCOREINFO lacks " + String.join(", ", missing)
                        + ", so the kernel's memory model cannot be told (makedumpfile: Can't distinguish the memory type)");
            }
            if (info.symbol("node_data") != KernelVmcoreinfo.NO_SYMBOL && info.length("node_data") != KernelVmcoreinfo.NOT_FOUND
                    && info.size("pglist_data") != KernelVmcoreinfo.NOT_FOUND
                    && info.offset("pglist_data.node_mem_map") != KernelVmcoreinfo.NOT_FOUND
                    && info.offset("pglist_data.node_start_pfn") != KernelVmcoreinfo.NOT_FOUND
                    && info.offset("pglist_data.node_spanned_pages") != KernelVmcoreinfo.NOT_FOUND) {
                throw new PageFilterException("the VMCOREINFO describes a DISCONTIGMEM kernel; only SPARSEMEM is read");
            }
            if (info.symbol("mem_section") == KernelVmcoreinfo.NO_SYMBOL || info.size("mem_section") <= 0
                    || info.offset("mem_section.section_mem_map") == KernelVmcoreinfo.NOT_FOUND) {
                throw new PageFilterException("the VMCOREINFO has no SYMBOL(mem_section) with SIZE(mem_section) and "
                        + "OFFSET(mem_section.section_mem_map), so the struct pages cannot be found"
                        + (info.symbol("mem_map") != KernelVmcoreinfo.NO_SYMBOL ? " (FLATMEM kernels are not read)" : ""));
            }
            long mapcount = info.offset("page._mapcount");
            long priv = info.offset("page.private");
            long head = info.offset("page.compound_head");
            int version = info.kernelVersion();
            long order = info.offset("page.compound_order");
            long dtor = info.offset("page.compound_dtor");
            long lru = info.offset("page.lru");
            if (order == KernelVmcoreinfo.NOT_FOUND) {
                order = version < KernelVmcoreinfo.version(4, 4, 0) && lru != KernelVmcoreinfo.NOT_FOUND
                        ? lru + Math.max(0, info.offset("list_head.prev")) : 0;
            }
            if (dtor == KernelVmcoreinfo.NOT_FOUND) {
                dtor = version < KernelVmcoreinfo.version(4, 4, 0) && lru != KernelVmcoreinfo.NOT_FOUND
                        ? lru + Math.max(0, info.offset("list_head.next")) : 0;
            }
            int width = version >= KernelVmcoreinfo.version(4, 16, 0) ? 1 : version >= KernelVmcoreinfo.version(4, 4, 0) ? 2 : 8;
            long[] offsets = {flags, mapping, mapcount, priv, head, order, dtor};
            for (long o : offsets) {
                if (o != KernelVmcoreinfo.NOT_FOUND && (o < 0 || o + 8 > size)) {
                    throw new PageFilterException("the VMCOREINFO puts a struct page field at offset " + o
                            + ", outside SIZE(page)=" + size);
                }
            }
            if (size <= 0 || size > DumpedMemory.PAGE_SIZE) {
                throw new PageFilterException("the VMCOREINFO says SIZE(page)=" + size);
            }
            return new PageLayout((int) size, (int) flags, (int) mapping, (int) mapcount, (int) priv, (int) head,
                    (int) order, (int) dtor, width);
        }

        /**
         * makedumpfile's {@code get_mm_sparsemem}: the struct page address of each section's first page
         * frame, 0 where the section is not present.
         */
        private long[] sectionMemMaps(S390xTranslation dat, int sectionSizeBits, int maxPhysmemBits, long pageSize)
                throws IOException {
            long symbol = info.symbol("mem_section");
            long sectionSize = info.size("mem_section");
            long mapOffset = info.offset("mem_section.section_mem_map");
            long arrayLength = info.length("mem_section");
            long nrMemSections = 1L << (maxPhysmemBits - sectionSizeBits);
            long perRootExtreme = Math.max(1, DumpedMemory.PAGE_SIZE / sectionSize);
            boolean extreme = arrayLength == ceilDiv(nrMemSections, perRootExtreme)
                    || arrayLength == KernelVmcoreinfo.NOT_FOUND;
            long pagesPerSection = 1L << (sectionSizeBits - DumpedMemory.PAGE_SHIFT);
            long numSection = ceilDiv(maxMapnr, pagesPerSection);
            if (numSection > Integer.MAX_VALUE) {
                throw new PageFilterException("the dump has too many memory sections to filter");
            }
            long perRoot = extreme ? perRootExtreme : 1;
            long readSize = extreme ? 8 * ceilDiv(numSection, perRoot) : sectionSize * numSection;
            Sections s = new Sections(dat, symbol, sectionSize, mapOffset, extreme, perRoot, pagesPerSection, pageSize,
                    (int) numSection);
            long[] maps = s.validate(symbol, readSize);
            if (maps == null && extreme) {
                long pointer;
                try {
                    pointer = dat.u64(symbol);
                } catch (PageFilterException e) {
                    throw new PageFilterException(String.format(
                            "cannot read mem_section at 0x%x: %s", symbol, e.getMessage()));
                }
                maps = s.validate(pointer, readSize);
            }
            if (maps == null) {
                throw new PageFilterException(String.format("no present memory section is found through "
                        + "SYMBOL(mem_section)=0x%x, as an array of %s or as a pointer to one "
                        + "(makedumpfile: Could not validate mem_section)", symbol, extreme ? "roots" : "sections"));
            }
            return maps;
        }

        private void excludeSection(StructPageReader reader, Rules rules, long memMap, long pfnStart, long pfnEnd)
                throws IOException {
            int size = reader.layout.size();
            long readStart = Long.MAX_VALUE;
            long readEnd = 0;
            List<MemoryChunk> chunks = memory.chunks();
            int ci = -1;
            for (long pfn = pfnStart; pfn < pfnEnd; pfn++) {
                long address = pfn << DumpedMemory.PAGE_SHIFT;
                // pfns only grow, so the chunk found for the last one still is the first to end past this
                // one while it does: no search per pfn
                if (ci < 0 || chunks.get(ci).end() <= address) {
                    ci = MemoryChunk.indexFrom(chunks, address);
                }
                if (ci >= chunks.size()) {
                    return;
                }
                MemoryChunk chunk = chunks.get(ci);
                if (!chunk.contains(address)) {
                    // A hole: makedumpfile skips it without reading; jump to the next chunk's first page start.
                    pfn = ceilDiv(chunk.start(), DumpedMemory.PAGE_SIZE) - 1;
                    continue;
                }
                long va = memMap + (pfn - pfnStart) * size;
                long index = pfn % PGMM_CACHED;
                if (pfn < readStart || readEnd < pfn) {
                    long count = roundUp(pfn + 1, PGMM_CACHED) < pfnEnd ? PGMM_CACHED - index : pfnEnd - pfn;
                    reader.checkWindow(va, count * size, pfn, count);
                    readStart = pfn;
                    readEnd = pfn + count - 1;
                }
                byte[] page = reader.pageOf(va);
                int off = (int) (va & (DumpedMemory.PAGE_SIZE - 1));
                if (page == DumpedMemory.ZERO_PAGE && rules.keepsZero() && off + size <= DumpedMemory.PAGE_SIZE) {
                    // Every struct page in this page of descriptors is zero, so kept: skip them together.
                    long inPage = (DumpedMemory.PAGE_SIZE - off) / size;
                    pfn = Math.min(Math.min(pfn + inPage - 1, readEnd), pfnEnd - 1);
                    continue;
                }
                StructPage p = reader.read(va, page);
                long order = 0;
                long dtor = 0;
                if (index < PGMM_CACHED - 1 && (p.flags() & rules.headMask) != 0) {
                    long[] od = reader.compound(va + size, pfn + 1 <= readEnd);
                    order = od[0];
                    dtor = od[1];
                    if (Long.compareUnsigned(order, 64) >= 0 || (pfn & ((1L << order) - 1)) != 0) {
                        order = 0;
                    }
                }
                long pages = (long) (1 << (int) (order & 31)); // makedumpfile shifts an int
                int decision = rules.decide(p, dtor);
                switch (decision) {
                    case Rules.KEEP, Rules.TAIL -> {
                        continue;
                    }
                    case Rules.FREE -> {
                        long max = rules.freeAreaLength;
                        if (max != KernelVmcoreinfo.NOT_FOUND && Long.compareUnsigned(p.privateValue(), max) >= 0) {
                            if (warnings.size() < MAX_WARNINGS) {
                                warnings.add(String.format("Invalid free page order: pfn=%x, order=%s, max order=%d",
                                        pfn, Long.toUnsignedString(p.privateValue()), max - 1));
                            }
                            continue;
                        }
                        pages = (long) (1 << (int) (p.privateValue() & 31));
                    }
                    default -> { }
                }
                long counted;
                if (pages == 1) {
                    counted = clear(pfn, pfn + 1);
                } else if (pages <= 0) {
                    // 1 << 31 sign-extends to a huge unsigned count: everything to the end goes.
                    counted = clear(pfn, maxMapnr);
                    pastTheEnd = true;
                    pfn = pfnEnd;
                } else {
                    counted = clear(pfn, pfn + pages);
                    pastTheEnd |= pfn + pages > maxMapnr;
                    pfn += pages - 1;
                }
                switch (decision) {
                    case Rules.FREE -> free += counted;
                    case Rules.CACHE -> cache += counted;
                    case Rules.CACHE_PRIVATE -> cachePrivate += counted;
                    case Rules.USER -> user += counted;
                    case Rules.HWPOISON -> hwpoison += counted;
                    case Rules.OFFLINE -> offline += counted;
                    default -> throw new IllegalStateException("decision " + decision);
                }
            }
        }

        private static long roundUp(long x, long to) {
            return (x + to - 1) / to * to;
        }

        /** {@code validate_mem_section} over one candidate root address. */
        private final class Sections {
            final S390xTranslation dat;
            final long symbol;
            final long sectionSize;
            final long mapOffset;
            final boolean extreme;
            final long perRoot;
            final long pagesPerSection;
            final long pageSize;
            final int numSection;

            Sections(S390xTranslation dat, long symbol, long sectionSize, long mapOffset, boolean extreme, long perRoot,
                    long pagesPerSection, long pageSize, int numSection) {
                this.dat = dat;
                this.symbol = symbol;
                this.sectionSize = sectionSize;
                this.mapOffset = mapOffset;
                this.extreme = extreme;
                this.perRoot = perRoot;
                this.pagesPerSection = pagesPerSection;
                this.pageSize = pageSize;
                this.numSection = numSection;
            }

            /** The mem_maps, or null when the roots cannot be read or no section is present. */
            long[] validate(long roots, long readSize) throws IOException {
                if (!readable(roots, readSize)) {
                    return null;
                }
                long[] maps = new long[numSection];
                boolean any = false;
                for (int nr = 0; nr < numSection; nr++) {
                    long section;
                    if (extreme) {
                        long root = dat.u64(roots + 8 * (nr / perRoot));
                        section = root == 0 ? 0 : root + (nr % perRoot) * sectionSize;
                    } else {
                        section = symbol + nr * sectionSize;
                    }
                    if (section == 0 || !readable(section, sectionSize)) {
                        continue;
                    }
                    long map = dat.u64(section + mapOffset);
                    if ((map & SECTION_MARKED_PRESENT) == 0) {
                        continue;
                    }
                    maps[nr] = (map & SECTION_MAP_MASK) + nr * pagesPerSection * pageSize;
                    any = true;
                }
                return any ? maps : null;
            }

            private boolean readable(long va, long length) throws IOException {
                try {
                    for (long p = va & ~(DumpedMemory.PAGE_SIZE - 1L); p < va + length; p += DumpedMemory.PAGE_SIZE) {
                        dat.checkReadable(Math.max(p, va));
                    }
                    return true;
                } catch (PageFilterException e) {
                    return false;
                }
            }
        }
    }
}
