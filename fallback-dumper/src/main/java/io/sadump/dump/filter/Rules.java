package io.sadump.dump.filter;

/**
 * makedumpfile 1.7.2's decision for one struct page ({@code __exclude_unnecessary_pages}; reference
 * kdump-compressed.md §4.4): the first rule that matches wins: tail pages are skipped (their head
 * decides them), then free (buddy), cache without private data, cache, user data, hwpoison, offline.
 * Flag numbers missing from the VMCOREINFO take makedumpfile's defaults for old kernels
 * ({@code get_value_for_old_linux}); the 32-bit {@code test_bit} of the C code is kept, so PG_lru,
 * PG_private, PG_swapcache and PG_swapbacked only see bits 0-31.
 */
final class Rules {
    static final int KEEP = 0;
    static final int TAIL = 1;
    static final int FREE = 2;
    static final int CACHE = 3;
    static final int CACHE_PRIVATE = 4;
    static final int USER = 5;
    static final int HWPOISON = 6;
    static final int OFFLINE = 7;

    // makedumpfile.h: the page flag numbers of old kernels.
    static final long PG_LRU_ORIGINAL = 5;
    static final long PG_SLAB_ORIGINAL = 7;
    static final long PG_PRIVATE_ORIGINAL = 11;
    static final long PG_COMPOUND_ORIGINAL = 14;
    static final long PG_SWAPCACHE_ORIGINAL = 15;

    private final int level;
    private final long pgLru;
    private final long pgPrivate;
    private final long pgSwapcache;
    private final long pgSwapbacked;
    private final long pgSlab;
    private final long pgHwpoison;
    private final long pgBuddy;
    private final long buddyMapcount;
    private final long offlineMapcount;
    private final long hugetlbDtor;
    private final long freeHugePage;
    private final boolean buddyByFlag;
    private final boolean buddyByMapcount;
    final long headMask;
    final long freeAreaLength;
    private final boolean keepsZero;

    Rules(KernelVmcoreinfo info, int level, PageLayout layout) throws PageFilterException {
        long nf = KernelVmcoreinfo.NOT_FOUND;
        this.level = level;
        long lru = info.numberOf("PG_lru");
        long priv = info.numberOf("PG_private");
        long swapcache = info.numberOf("PG_swapcache");
        long swapbacked = info.numberOf("PG_swapbacked");
        long slab = info.numberOf("PG_slab");
        long head = info.numberOf("PG_head_mask");
        pgLru = lru == nf ? PG_LRU_ORIGINAL : lru;
        pgPrivate = priv == nf ? PG_PRIVATE_ORIGINAL : priv;
        pgSwapcache = swapcache == nf ? PG_SWAPCACHE_ORIGINAL : swapcache;
        pgSwapbacked = swapbacked == nf && pgSwapcache < pgPrivate ? pgPrivate + 6 : swapbacked;
        pgSlab = slab == nf ? PG_SLAB_ORIGINAL : slab;
        headMask = head == nf ? 1L << PG_COMPOUND_ORIGINAL : head;
        pgHwpoison = info.numberOf("PG_hwpoison");
        pgBuddy = info.numberOf("PG_buddy");
        buddyMapcount = info.numberOf("PAGE_BUDDY_MAPCOUNT_VALUE");
        offlineMapcount = info.numberOf("PAGE_OFFLINE_MAPCOUNT_VALUE");
        hugetlbDtor = info.numberOf("HUGETLB_PAGE_DTOR");
        freeHugePage = info.symbol("free_huge_page");
        freeAreaLength = info.length("zone.free_area");
        // setup_page_is_buddy
        boolean hasPrivate = layout.privateOffset() >= 0;
        buddyByFlag = hasPrivate && pgBuddy != nf;
        buddyByMapcount = hasPrivate && pgBuddy == nf && buddyMapcount != nf && layout.mapcount() >= 0;
        keepsZero = decide(new StructPage(0, 0, 0, 0, 0), 0) == KEEP;
    }

    /** Whether free pages can be told from their struct page ({@code info->page_is_buddy} is set). */
    boolean hasBuddyTest() {
        return buddyByFlag || buddyByMapcount;
    }

    /** Whether the kernel publishes PG_hwpoison, which makes every level read struct pages. */
    boolean hasHwpoison() {
        return pgHwpoison != KernelVmcoreinfo.NOT_FOUND;
    }

    /** Whether an all-zero struct page is kept at this level (then zero descriptors can be skipped). */
    boolean keepsZero() {
        return keepsZero;
    }

    /**
     * The class of a page that is not a compound tail, given its first tail's destructor id ({@code dtor},
     * 0 unless it is a compound head).
     */
    int decide(StructPage p, long dtor) {
        long flags = p.flags();
        boolean anon = (p.mapping() & DumpLevelFilter.PAGE_MAPPING_ANON) != 0;
        if ((p.compoundHead() & 1) != 0) {
            return TAIL;
        }
        if ((level & DumpLevelFilter.EXCLUDE_FREE) != 0 && isBuddy(p)) {
            return FREE;
        }
        if ((level & DumpLevelFilter.EXCLUDE_CACHE) != 0 && isCache(flags) && !testBit(pgPrivate, flags) && !anon) {
            return CACHE;
        }
        if ((level & DumpLevelFilter.EXCLUDE_CACHE_PRIVATE) != 0 && isCache(flags) && !anon) {
            return testBit(pgPrivate, flags) ? CACHE_PRIVATE : CACHE;
        }
        if ((level & DumpLevelFilter.EXCLUDE_USER_DATA) != 0 && (anon || isHugetlb(dtor))) {
            return USER;
        }
        if (pgHwpoison != KernelVmcoreinfo.NOT_FOUND && testBit(pgHwpoison, flags)) {
            return HWPOISON;
        }
        if (offlineMapcount != KernelVmcoreinfo.NOT_FOUND && (flags & (1L << pgSlab)) == 0
                && p.mapcount() == (int) offlineMapcount) {
            return OFFLINE;
        }
        return KEEP;
    }

    private boolean isBuddy(StructPage p) {
        if (buddyByFlag) {
            return (p.flags() & (1L << pgBuddy)) != 0;
        }
        if (buddyByMapcount) {
            return (p.flags() & (1L << pgSlab)) == 0 && p.mapcount() == (int) buddyMapcount;
        }
        return false;
    }

    private boolean isCache(long flags) {
        if (testBit(pgLru, flags)) {
            return true;
        }
        return (pgSwapbacked == KernelVmcoreinfo.NOT_FOUND || testBit(pgSwapbacked, flags))
                && testBit(pgSwapcache, flags);
    }

    private boolean isHugetlb(long dtor) {
        return (hugetlbDtor != KernelVmcoreinfo.NOT_FOUND && hugetlbDtor == dtor)
                || (freeHugePage != KernelVmcoreinfo.NO_SYMBOL && freeHugePage == dtor);
    }

    /** makedumpfile's {@code test_bit}: an {@code int} mask, sign-extended against the 64-bit flags. */
    static boolean testBit(long nr, long flags) {
        long mask = 1 << (int) (nr & 0x1f);
        return (flags & mask) != 0;
    }
}
