package io.sadump.dump.filter;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small synthetic s390x Linux 6.1 first kernel for the filter's tests (reference
 * kdump-compressed.md §7): identity map by 2 GiB region-third frames, the vmemmap at
 * 0x372_0000_0000 mapped by 1 MiB segment frames or by 4 KiB page table entries, SPARSEMEM_EXTREME
 * mem_section, struct pages by the §4.5 recipes. Memory is described per 64 MiB region (16384 page
 * frames, one 1 MiB vmemmap frame): a region nobody set is all free memory (order-10 buddies) and
 * shares one vmemmap frame with every other such region, as the shared design has it; a region any
 * page of which is set gets its own frame and starts as free single pages.
 *
 * <p>Kept by the tests as data: {@link #expectedKept} says what every level keeps from the class table
 * alone, never from the filter's code.
 */
final class SyntheticKernelMemory {
    static final long VMEMMAP = 0x0000_0372_0000_0000L;
    static final int PAGE = 4096;
    static final int REGION_PFNS = 16384;
    static final long MIB = 1L << 20;
    static final long SWAPPER_PG_DIR = 0x204000;
    static final long MEM_SECTION = 0x212000;
    static final long SECTION_PAGES = 0x214000;
    static final long HIGH_MEMORY = 0x230000;
    static final long INIT_UTS_NS = 0x231000;
    static final long SEGMENT_TABLES = 0x240000;
    static final long PAGE_TABLES = 0x300000;
    /** Everything below 4 MiB is the kernel's own (lowcore, tables, text). */
    static final int KERNEL_PFNS = 1024;

    /** Page classes of reference §4.5. */
    enum PageClass {
        KERNEL, SLAB, CACHE, CACHE_PRIVATE, SWAPCACHE, OWNER_PRIV, ANON, KSM, MOVABLE, OFFLINE, FREE, HUGETLB,
        THP, BAD_BUDDY, HOLE, ZERO_DESCRIPTOR;

        /** Whether {@code level} keeps a page of this class: the recipe table, written out. */
        boolean keptAt(int level) {
            boolean pass = (level & (2 | 4 | 8 | 16)) != 0;
            return switch (this) {
                case KERNEL, SLAB, OWNER_PRIV, BAD_BUDDY, ZERO_DESCRIPTOR -> true;
                case CACHE, SWAPCACHE, MOVABLE -> (level & (2 | 4)) == 0;
                case CACHE_PRIVATE -> (level & 4) == 0;
                case ANON, KSM, HUGETLB, THP -> (level & 8) == 0;
                case FREE -> (level & 16) == 0;
                case OFFLINE -> !pass;
                case HOLE -> false;
            };
        }
    }

    enum Vmemmap {
        SEGMENT_FRAMES, PAGE_TABLES
    }

    private final long memorySize;
    private final Vmemmap variant;
    private final long regions;
    /** Per used region: class and (for heads) order per page frame; head flags. */
    private final TreeMap<Long, byte[]> classes = new TreeMap<>();
    private final TreeMap<Long, byte[]> orders = new TreeMap<>();
    private final TreeMap<Long, boolean[]> heads = new TreeMap<>();
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private final List<long[]> holes = new ArrayList<>();
    private final List<Long> invalidPtes = new ArrayList<>();
    private boolean protectFirstVmemmapSegment;
    private boolean emptyRootEntry0;
    private boolean built;

    SyntheticKernelMemory(long memorySize, Vmemmap variant) {
        if (memorySize % (64 * MIB) != 0 || memorySize == 0) {
            throw new IllegalArgumentException("memory in 64 MiB regions");
        }
        this.memorySize = memorySize;
        this.variant = variant;
        this.regions = memorySize / (64 * MIB);
    }

    long maxPfn() {
        return memorySize / PAGE;
    }

    private byte[] region(long r) {
        return classes.computeIfAbsent(r, k -> {
            orders.put(k, new byte[REGION_PFNS]);
            heads.put(k, new boolean[REGION_PFNS]);
            byte[] c = new byte[REGION_PFNS];
            byte[] o = orders.get(k);
            boolean[] h = heads.get(k);
            // A region someone touches starts as free single pages, so any block set later stands alone.
            Arrays.fill(c, (byte) PageClass.FREE.ordinal());
            Arrays.fill(h, true);
            return c;
        });
    }

    /** One page frame of a single-page class. */
    SyntheticKernelMemory set(long pfn, PageClass c) {
        return block(pfn, c, 0);
    }

    /** A block of 2^order page frames at {@code pfn} (aligned): free buddy, hugetlb, THP, or a single page. */
    SyntheticKernelMemory block(long pfn, PageClass c, int order) {
        long n = 1L << order;
        for (long p = pfn; p < pfn + n; p++) {
            long r = p / REGION_PFNS;
            int i = (int) (p % REGION_PFNS);
            region(r)[i] = (byte) c.ordinal();
            orders.get(r)[i] = (byte) (p == pfn ? order : 0);
            heads.get(r)[i] = p == pfn;
        }
        return this;
    }

    /** Page frames {@code [from, to)} are not in the dump; their struct pages are zero. */
    SyntheticKernelMemory hole(long from, long to) {
        holes.add(new long[] {from, to});
        for (long p = from; p < to; p++) {
            set(p, PageClass.HOLE);
        }
        return this;
    }

    /** A whole region whose vmemmap frame is never written (the source knows it is zero). */
    SyntheticKernelMemory zeroDescriptors(long region) {
        byte[] c = region(region);
        for (int i = 0; i < REGION_PFNS; i++) {
            if (c[i] != (byte) PageClass.HOLE.ordinal()) {
                c[i] = (byte) PageClass.ZERO_DESCRIPTOR.ordinal();
                heads.get(region)[i] = false;
            }
        }
        return this;
    }

    /** Writes a u64 into memory before {@link #build} (an extra pointer a test needs). */
    SyntheticKernelMemory poke(long address, long value) {
        u64(address, value);
        return this;
    }

    /** With 4 KiB page tables: the page table entry that maps the struct page of {@code pfn} becomes invalid. */
    SyntheticKernelMemory invalidatePte(long pfn) {
        invalidPtes.add(pfn);
        return this;
    }

    SyntheticKernelMemory protectFirstVmemmapSegment() {
        protectFirstVmemmapSegment = true;
        return this;
    }

    SyntheticKernelMemory emptyRootEntry0() {
        emptyRootEntry0 = true;
        return this;
    }

    PageClass classOf(long pfn) {
        byte[] c = classes.get(pfn / REGION_PFNS);
        return c == null ? PageClass.FREE : PageClass.values()[c[(int) (pfn % REGION_PFNS)]];
    }

    /** Whether {@code level} keeps {@code pfn}, from the class table alone. */
    boolean expectedKept(long pfn, int level) {
        return classOf(pfn).keptAt(level);
    }

    /** The used regions (all others are free and share one vmemmap frame). */
    Iterable<Long> usedRegions() {
        return classes.keySet();
    }

    int usedRegionCount() {
        return classes.size();
    }

    private byte[] page(long address) {
        return pages.computeIfAbsent(address & ~(PAGE - 1L), k -> new byte[PAGE]);
    }

    private void u64(long address, long v) {
        byte[] p = page(address);
        int o = (int) (address & (PAGE - 1));
        for (int i = 7; i >= 0; i--) {
            p[o + i] = (byte) v;
            v >>>= 8;
        }
    }

    private void u32(long address, int v) {
        byte[] p = page(address);
        int o = (int) (address & (PAGE - 1));
        p[o] = (byte) (v >>> 24);
        p[o + 1] = (byte) (v >>> 16);
        p[o + 2] = (byte) (v >>> 8);
        p[o + 3] = (byte) v;
    }

    private void u8(long address, int v) {
        page(address)[(int) (address & (PAGE - 1))] = (byte) v;
    }

    /** Lays out tables and struct pages; returns the memory as a source of DATA and ZERO chunks. */
    MemorySource build() {
        if (built) {
            throw new IllegalStateException("built twice");
        }
        built = true;
        for (int p = 0; p < KERNEL_PFNS; p++) {
            set(p, PageClass.KERNEL);
        }
        // vmemmap frames at the top of memory, as memblock places them: one per used region, one shared,
        // one spare (marking them may add the top region to the used ones).
        int frames = classes.size() + 3;
        long top = memorySize - frames * MIB;
        for (long p = top / PAGE; p < maxPfn(); p++) {
            set(p, PageClass.KERNEL);
        }
        List<Long> used = new ArrayList<>(classes.keySet());
        if (used.size() + 1 > frames) {
            throw new IllegalStateException("frame budget");
        }
        long sharedFrame = top;
        Map<Long, Long> frameOf = new TreeMap<>();
        for (int i = 0; i < used.size(); i++) {
            frameOf.put(used.get(i), top + (i + 1) * MIB);
        }
        // Root: identity by 2 GiB frames, the vmemmap's region-third entries to segment tables.
        for (int i = 0; i < 2048; i++) {
            u64(SWAPPER_PG_DIR + 8L * i, 0x24);
        }
        long twoGib = 1L << 31;
        for (long i = 0; i * twoGib < memorySize; i++) {
            u64(SWAPPER_PG_DIR + 8 * i, (i * twoGib) | 0x3507);
        }
        if (emptyRootEntry0) {
            u64(SWAPPER_PG_DIR, 0x24);
        }
        long vmemmapBytes = regions * MIB;
        int segmentTables = (int) ((vmemmapBytes + twoGib - 1) / twoGib);
        int rootIndex = (int) (VMEMMAP >>> 31);
        for (int t = 0; t < segmentTables; t++) {
            long table = SEGMENT_TABLES + t * 16384L;
            u64(SWAPPER_PG_DIR + 8L * (rootIndex + t), table | 0x07);
            for (int i = 0; i < 2048; i++) {
                u64(table + 8L * i, 0x20);
            }
        }
        long sharedPageTable = PAGE_TABLES;
        int nextPageTable = 1;
        for (long r = 0; r < regions; r++) {
            boolean isUsed = classes.containsKey(r);
            long frame = isUsed ? frameOf.get(r) : sharedFrame;
            long entryAt = SEGMENT_TABLES + 8 * r; // tables are contiguous, 2048 entries each
            long entry;
            if (variant == Vmemmap.SEGMENT_FRAMES) {
                entry = frame | 0x3503;
            } else {
                long pt = isUsed ? PAGE_TABLES + 2048L * nextPageTable++ : sharedPageTable;
                if (pt + 2048 > 0x400000) {
                    throw new IllegalStateException("too many page tables for the model");
                }
                for (int i = 0; i < 256; i++) {
                    u64(pt + 8L * i, (frame + (long) i * PAGE) | 0x13d);
                }
                for (long pfn : invalidPtes) {
                    if (pfn / REGION_PFNS == r) {
                        u64(pt + 8L * ((pfn % REGION_PFNS) * 64 / PAGE), 0x400);
                    }
                }
                entry = pt;
            }
            if (r == 0 && protectFirstVmemmapSegment) {
                entry |= 0x200;
            }
            u64(entryAt, entry);
        }
        // mem_section: roots of 256 sections of 16 bytes each; one section per 256 MiB.
        long sections = (memorySize + (256 * MIB) - 1) / (256 * MIB);
        for (long n = 0; n < sections; n++) {
            long root = n / 256;
            long sectionPage = SECTION_PAGES + root * PAGE;
            u64(MEM_SECTION + 8 * root, sectionPage);
            u64(sectionPage + 16 * (n % 256), VMEMMAP | 0xf);
            u64(sectionPage + 16 * (n % 256) + 8, 0x2_0000_0000L + n); // usage, any non-zero
        }
        u64(HIGH_MEMORY, memorySize);
        writeStructPages(frameOf, sharedFrame);
        return source();
    }

    private void writeStructPages(Map<Long, Long> frameOf, long sharedFrame) {
        // The shared free pattern: order-10 buddy heads every 1024 frames, tails -1.
        for (int i = 0; i < REGION_PFNS; i++) {
            long at = sharedFrame + 64L * i;
            if (i % 1024 == 0) {
                structPage(at, 0, 0x0000_0002_0000_0100L, 0, 10, -129, 0);
            } else {
                structPage(at, 0, 0, 0, 0, -1, 0);
            }
        }
        for (Map.Entry<Long, byte[]> e : classes.entrySet()) {
            long r = e.getKey();
            byte[] c = e.getValue();
            byte[] o = orders.get(r);
            boolean[] h = heads.get(r);
            long frame = frameOf.get(r);
            long head = -1;
            for (int i = 0; i < REGION_PFNS; i++) {
                long pfn = r * REGION_PFNS + i;
                long at = frame + 64L * i;
                PageClass pc = PageClass.values()[c[i]];
                if (h[i]) {
                    head = pfn;
                }
                long headVa = (VMEMMAP + 64 * head) | 1;
                long lruPtr = 0x0000_0002_0000_1000L + 16L * (i % 64);
                long cacheMapping = 0x0000_0002_0010_0000L;
                switch (pc) {
                    case KERNEL -> structPage(at, 1L << 12, 0, 0, 0, -1, 1);
                    case SLAB -> structPage(at, 1L << 9, lruPtr, 0x0000_0002_0020_0000L, 0, -1, 1);
                    case CACHE -> structPage(at, (1L << 4) | (1L << 2), lruPtr, cacheMapping, 0, -1, 1);
                    case CACHE_PRIVATE -> structPage(at, (1L << 4) | (1L << 13), lruPtr, cacheMapping,
                            0x0000_0002_0030_0000L, -1, 1);
                    case SWAPCACHE -> structPage(at, (1L << 19) | (1L << 10), lruPtr, 0, 0x55, -1, 1);
                    case OWNER_PRIV -> structPage(at, 1L << 10, lruPtr, 0, 0, -1, 1);
                    case ANON -> structPage(at, (1L << 4) | (1L << 19), lruPtr, 0x0000_0002_0040_0000L | 1, 0, -1, 1);
                    case KSM -> structPage(at, 1L << 4, lruPtr, 0x0000_0002_0050_0000L | 3, 0, -1, 1);
                    case MOVABLE -> structPage(at, 1L << 4, lruPtr, 0x0000_0002_0060_0000L | 2, 0, -1, 1);
                    case OFFLINE -> structPage(at, 0, 0, 0, 0, -257, 0);
                    case BAD_BUDDY -> structPage(at, 0, lruPtr, 0, 11, -129, 0);
                    case HOLE, ZERO_DESCRIPTOR -> { }
                    case FREE -> {
                        if (h[i]) {
                            structPage(at, 0, lruPtr, 0, o[i], -129, 0);
                        } else {
                            structPage(at, 0, 0, 0, 0, -1, 0);
                        }
                    }
                    case HUGETLB, THP -> {
                        boolean thp = pc == PageClass.THP;
                        if (h[i]) {
                            long flags = (1L << 16) | (thp ? (1L << 4) | (1L << 19) : 0);
                            structPage(at, flags, lruPtr, thp ? 0x0000_0002_0070_0000L | 1 : 0, 0, -1, 1);
                        } else {
                            structPage(at, 0, headVa, 0, 0, -1, 0);
                            if (pfn == head + 1) {
                                u8(at + 16, thp ? 3 : 2);
                                u8(at + 17, thp ? 9 : 8);
                            }
                        }
                    }
                }
            }
        }
    }

    private void structPage(long at, long flags, long lru, long mapping, long priv, int mapcount, int refcount) {
        u64(at, flags);
        u64(at + 8, lru);
        u64(at + 24, mapping);
        u64(at + 40, priv);
        u32(at + 48, mapcount);
        u32(at + 52, refcount);
    }

    private MemorySource source() {
        List<long[]> present = new ArrayList<>();
        holes.sort((a, b) -> Long.compare(a[0], b[0]));
        long at = 0;
        for (long[] h : holes) {
            if (h[0] * PAGE > at) {
                present.add(new long[] {at, h[0] * PAGE});
            }
            at = Math.max(at, h[1] * PAGE);
        }
        if (at < memorySize) {
            present.add(new long[] {at, memorySize});
        }
        List<MemoryChunk> chunks = new ArrayList<>();
        for (long[] range : present) {
            long a = range[0];
            while (a < range[1]) {
                Long written = pages.ceilingKey(a);
                if (written == null || written >= range[1]) {
                    chunks.add(MemoryChunk.zero(a, range[1] - a));
                    break;
                }
                if (written > a) {
                    chunks.add(MemoryChunk.zero(a, written - a));
                    a = written;
                }
                long end = a;
                while (end < range[1] && pages.containsKey(end)) {
                    end += PAGE;
                }
                long base = a;
                chunks.add(MemoryChunk.data(a, end - a, (offset, dst, dstOffset, length) -> {
                    long addr = base + offset;
                    int done = 0;
                    while (done < length) {
                        long p = (addr + done) & ~(PAGE - 1L);
                        int o = (int) ((addr + done) - p);
                        int n = Math.min(length - done, PAGE - o);
                        byte[] src = pages.get(p);
                        if (src == null) {
                            Arrays.fill(dst, dstOffset + done, dstOffset + done + n, (byte) 0);
                        } else {
                            System.arraycopy(src, o, dst, dstOffset + done, n);
                        }
                        done += n;
                    }
                }));
                a = end;
            }
        }
        return MemorySource.of(chunks, memorySize);
    }

    /** The VMCOREINFO a 6.1 s390x kernel writes (reference §3.3), with this memory's symbols. */
    String vmcoreinfo() {
        return String.join("\n",
                "OSRELEASE=6.1.0-28-s390x",
                "BUILD-ID=0123456789abcdef0123456789abcdef01234567",
                "PAGESIZE=4096",
                "SYMBOL(init_uts_ns)=" + Long.toHexString(INIT_UTS_NS),
                "OFFSET(uts_namespace.name)=0",
                "SYMBOL(node_online_map)=232000",
                "SYMBOL(swapper_pg_dir)=" + Long.toHexString(SWAPPER_PG_DIR),
                "SYMBOL(_stext)=100000",
                "SYMBOL(vmap_area_list)=232100",
                "SYMBOL(mem_map)=232200",
                "SYMBOL(contig_page_data)=232300",
                "SYMBOL(mem_section)=" + Long.toHexString(MEM_SECTION),
                "LENGTH(mem_section)=1024",
                "SIZE(mem_section)=16",
                "OFFSET(mem_section.section_mem_map)=0",
                "NUMBER(SECTION_SIZE_BITS)=28",
                "NUMBER(MAX_PHYSMEM_BITS)=46",
                "SIZE(page)=64",
                "SIZE(pglist_data)=2560",
                "SIZE(zone)=1280",
                "SIZE(free_area)=104",
                "SIZE(list_head)=16",
                "SIZE(nodemask_t)=8",
                "OFFSET(page.flags)=0",
                "OFFSET(page._refcount)=52",
                "OFFSET(page.mapping)=24",
                "OFFSET(page.lru)=8",
                "OFFSET(page._mapcount)=48",
                "OFFSET(page.private)=40",
                "OFFSET(page.compound_dtor)=16",
                "OFFSET(page.compound_order)=17",
                "OFFSET(page.compound_head)=8",
                "OFFSET(pglist_data.node_zones)=0",
                "OFFSET(pglist_data.nr_zones)=2336",
                "OFFSET(pglist_data.node_start_pfn)=2344",
                "OFFSET(pglist_data.node_spanned_pages)=2360",
                "OFFSET(pglist_data.node_id)=2368",
                "OFFSET(zone.free_area)=192",
                "OFFSET(zone.vm_stat)=1216",
                "OFFSET(zone.spanned_pages)=104",
                "OFFSET(free_area.free_list)=0",
                "OFFSET(list_head.next)=0",
                "OFFSET(list_head.prev)=8",
                "OFFSET(vmap_area.va_start)=0",
                "OFFSET(vmap_area.list)=40",
                "LENGTH(zone.free_area)=11",
                "LENGTH(free_area.free_list)=4",
                "NUMBER(NR_FREE_PAGES)=0",
                "NUMBER(PG_lru)=4",
                "NUMBER(PG_private)=13",
                "NUMBER(PG_swapcache)=10",
                "NUMBER(PG_swapbacked)=19",
                "NUMBER(PG_slab)=9",
                "NUMBER(PG_head_mask)=65536",
                "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129",
                "NUMBER(HUGETLB_PAGE_DTOR)=2",
                "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257",
                "SYMBOL(lowcore_ptr)=232400",
                "SYMBOL(high_memory)=" + Long.toHexString(HIGH_MEMORY),
                "LENGTH(lowcore_ptr)=64",
                "SAMODE31=0",
                "EAMODE31=0",
                "KERNELOFFSET=0",
                "CRASHTIME=1764663000",
                "");
    }
}
