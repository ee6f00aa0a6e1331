package io.sadump.dump.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sadump.dump.filter.SyntheticKernelMemory.PageClass;
import io.sadump.dump.filter.SyntheticKernelMemory.Vmemmap;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DumpLevelFilterTest {
    private static final long MIB = 1L << 20;

    /**
     * 256 MiB: region 0 holds one of every recipe class, a hole (pfns 3072-3199, as in the reference
     * run), free blocks of every order, hugetlb and THP; region 1 is untouched free memory on the shared
     * frame; region 2's struct pages lie in a frame the source knows to be zero; region 3 holds the
     * vmemmap frames.
     */
    static SyntheticKernelMemory recipes(Vmemmap variant) {
        SyntheticKernelMemory m = new SyntheticKernelMemory(256 * MIB, variant);
        PageClass[] singles = {PageClass.KERNEL, PageClass.SLAB, PageClass.CACHE, PageClass.CACHE_PRIVATE,
                PageClass.SWAPCACHE, PageClass.OWNER_PRIV, PageClass.ANON, PageClass.KSM, PageClass.MOVABLE,
                PageClass.OFFLINE, PageClass.BAD_BUDDY};
        // pfns 1024-2047: the single-page classes, round robin, with order-0 free pages between them.
        for (int i = 0; i < 1024; i++) {
            m.set(1024 + i, i % 2 == 1 ? PageClass.FREE : singles[(i / 2) % singles.length]);
        }
        // pfns 2048-3071: free blocks of orders 1..9 (aligned), and kernel pages between.
        long p = 2048;
        for (int order = 1; order <= 9; order++) {
            long size = 1L << order;
            p = (p + size - 1) / size * size;
            if (p + size > 3072) {
                break;
            }
            m.block(p, PageClass.FREE, order);
            p += size;
        }
        for (; p < 3072; p++) {
            m.set(p, PageClass.KERNEL);
        }
        m.hole(3072, 3200);
        for (long q = 3200; q < 4096; q++) {
            m.set(q, q % 3 == 0 ? PageClass.CACHE : PageClass.ANON);
        }
        m.block(4096, PageClass.HUGETLB, 8);
        m.block(4352, PageClass.HUGETLB, 8);
        m.block(4608, PageClass.THP, 9);
        m.block(5120, PageClass.FREE, 10);
        for (long q = 6144; q < 16384; q++) {
            m.set(q, PageClass.values()[(int) (q % 10)]);
        }
        m.zeroDescriptors(2);
        return m;
    }

    static Stream<Arguments> variantsAndLevels() {
        return Stream.of(Vmemmap.values()).flatMap(v -> IntStream.rangeClosed(0, 31).mapToObj(l -> Arguments.of(v, l)));
    }

    @ParameterizedTest(name = "{0} level {1}")
    @MethodSource("variantsAndLevels")
    void everyRecipeClassIsDecidedAsTheTableSaysAtEveryLevel(Vmemmap variant, int level) throws IOException {
        SyntheticKernelMemory m = recipes(variant);
        MemorySource source = m.build();
        FilteredPages f = DumpLevelFilter.filter(source, Optional.of(m.vmcoreinfo()), level);

        assertEquals(m.maxPfn(), f.maxMapnr());
        assertEquals(level, f.dumpLevel());
        assertEquals(128, f.memoryHole());
        assertKeptAsExpected(m, f, level, 0, m.maxPfn(), "");
        assertEquals(expectedCounts(m, level), f.excluded());
        if ((level & 16) != 0) {
            assertEquals(List.of(String.format("Invalid free page order: pfn=%x, order=11, max order=10",
                    firstOf(m, PageClass.BAD_BUDDY))), f.warnings().subList(0, 1));
        } else {
            assertTrue(f.warnings().isEmpty(), f.warnings().toString());
        }
        assertEquals(f.keptPages(), countByNextKept(f));
    }

    @Test
    void theRecipeRunKeepsWhatTheReferenceRunCounted() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(m.vmcoreinfo()), 31);
        ExcludedPages e = f.excluded();
        assertEquals(f.maxMapnr() - f.memoryHole() - e.total(), f.keptPages());
        assertTrue(e.free() > 16384, "the shared free region is excluded: " + e);
        assertTrue(e.user() >= 256 + 256 + 512, "hugetlb and THP blocks are user data: " + e);
    }

    private static long firstOf(SyntheticKernelMemory m, PageClass c) {
        for (long p = 0; p < m.maxPfn(); p++) {
            if (m.classOf(p) == c) {
                return p;
            }
        }
        throw new AssertionError("no " + c);
    }

    private static long countByNextKept(FilteredPages f) {
        long n = 0;
        for (long p = f.nextKept(0); p >= 0; p = f.nextKept(p + 1)) {
            assertTrue(f.kept(p));
            n++;
        }
        return n;
    }

    /** The counts the class table predicts: every frame of an excluded class counts in its class. */
    static ExcludedPages expectedCounts(SyntheticKernelMemory m, int level) {
        long cache = 0, cachePrivate = 0, user = 0, free = 0, offline = 0;
        boolean pass = (level & (2 | 4 | 8 | 16)) != 0;
        for (long p = 0; p < m.maxPfn(); p++) {
            switch (m.classOf(p)) {
                case CACHE, SWAPCACHE, MOVABLE -> cache += (level & (2 | 4)) != 0 ? 1 : 0;
                case CACHE_PRIVATE -> cachePrivate += (level & 4) != 0 ? 1 : 0;
                case ANON, KSM, HUGETLB, THP -> user += (level & 8) != 0 ? 1 : 0;
                case FREE -> free += (level & 16) != 0 ? 1 : 0;
                case OFFLINE -> offline += pass ? 1 : 0;
                default -> { }
            }
        }
        return new ExcludedPages(cache, cachePrivate, user, free, 0, offline);
    }

    static void assertKeptAsExpected(SyntheticKernelMemory m, FilteredPages f, int level, long from, long to,
            String context) {
        for (long p = from; p < to; p++) {
            boolean expected = m.expectedKept(p, level);
            if (f.kept(p) != expected) {
                throw new AssertionError(String.format("%spfn 0x%x (%s) at level %d: kept %s, expected %s", context, p,
                        m.classOf(p), level, f.kept(p), expected));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 0x5ad0, 20261202})
    void randomClassesPerFrameGiveTheExpectedSet(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Vmemmap variant = r.nextBoolean() ? Vmemmap.SEGMENT_FRAMES : Vmemmap.PAGE_TABLES;
        long regions = 2 + r.nextInt(6);
        SyntheticKernelMemory m = new SyntheticKernelMemory(regions * 64 * MIB, variant);
        PageClass[] singles = {PageClass.KERNEL, PageClass.SLAB, PageClass.CACHE, PageClass.CACHE_PRIVATE,
                PageClass.SWAPCACHE, PageClass.OWNER_PRIV, PageClass.ANON, PageClass.KSM, PageClass.MOVABLE,
                PageClass.OFFLINE, PageClass.FREE};
        for (long g = 2; g < (regions - 1) * 32; g++) { // 512-frame groups, past the kernel's 4 MiB
            long base = g * 512;
            int pick = r.nextInt(10);
            if (pick == 0) {
                continue; // stays free memory (order-10 buddies or the region's default)
            } else if (pick == 1) {
                m.block(base, PageClass.THP, 9);
            } else if (pick == 2) {
                m.block(base, PageClass.HUGETLB, 8).block(base + 256, PageClass.HUGETLB, 8);
            } else if (pick == 3 && g % 2 == 0 && r.nextBoolean()) {
                m.hole(base, base + 512 + 512);
                g++;
            } else if (pick == 4) {
                m.zeroDescriptors(base / SyntheticKernelMemory.REGION_PFNS);
                g = (base / SyntheticKernelMemory.REGION_PFNS + 1) * 32 - 1;
            } else {
                for (long p = base; p < base + 512; ) {
                    if (r.nextInt(8) == 0) {
                        int order = r.nextInt(5);
                        long size = 1L << order;
                        if (p % size == 0 && p + size <= base + 512) {
                            m.block(p, PageClass.FREE, order);
                            p += size;
                            continue;
                        }
                    }
                    m.set(p, singles[r.nextInt(singles.length)]);
                    p++;
                }
            }
        }
        int level = r.nextInt(32);
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(m.vmcoreinfo()), level);
        String context = "seed " + seed + ", " + variant + ", " + regions + " regions: ";
        assertKeptAsExpected(m, f, level, 0, m.maxPfn(), context);
        assertEquals(expectedCounts(m, level), f.excluded(), context);
    }

    @Test
    void aTebibyteWithOneGibibyteInUseFiltersThroughTheSharedFreeFrame() throws IOException {
        long tib = 1L << 40;
        SyntheticKernelMemory m = new SyntheticKernelMemory(tib, Vmemmap.SEGMENT_FRAMES);
        SplittableRandom r = new SplittableRandom(42);
        List<Long> used = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long region = 1 + r.nextInt(16000);
            used.add(region);
            long base = region * SyntheticKernelMemory.REGION_PFNS;
            for (long p = base; p < base + SyntheticKernelMemory.REGION_PFNS; p++) {
                m.set(p, PageClass.values()[r.nextInt(10)]);
            }
        }
        MemorySource source = m.build();
        FilteredPages f = DumpLevelFilter.filter(source, Optional.of(m.vmcoreinfo()), 31);
        assertEquals(1L << 28, f.maxMapnr());
        long expectedKept = 0;
        for (long region : m.usedRegions()) {
            long base = region * SyntheticKernelMemory.REGION_PFNS;
            assertKeptAsExpected(m, f, 31, base, base + SyntheticKernelMemory.REGION_PFNS, "1 TiB: ");
            for (long p = base; p < base + SyntheticKernelMemory.REGION_PFNS; p++) {
                expectedKept += m.expectedKept(p, 31) ? 1 : 0;
            }
        }
        // Every kept frame lies in a region that is not free memory, and there are exactly as many.
        long kept = 0;
        for (long p = f.nextKept(0); p >= 0; p = f.nextKept(p + 1)) {
            assertTrue(m.expectedKept(p, 31), String.format("pfn 0x%x kept", p));
            kept++;
        }
        assertEquals(expectedKept, kept);
        long usedPfns = (long) m.usedRegionCount() * SyntheticKernelMemory.REGION_PFNS;
        assertEquals((1L << 28) - usedPfns, f.excluded().free() - freeInUsedRegions(m));
    }

    private static long freeInUsedRegions(SyntheticKernelMemory m) {
        long n = 0;
        for (long region : m.usedRegions()) {
            long base = region * SyntheticKernelMemory.REGION_PFNS;
            for (long p = base; p < base + SyntheticKernelMemory.REGION_PFNS; p++) {
                n += m.classOf(p) == PageClass.FREE ? 1 : 0;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void levelsZeroAndOneNeverReadStructPages(int level) throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES).protectFirstVmemmapSegment();
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(m.vmcoreinfo()), level);
        assertEquals(m.maxPfn() - 128, f.keptPages());
        assertEquals(ExcludedPages.NONE, f.excluded());
    }

    @Test
    void withoutVmcoreinfoLevelsZeroAndOneKeepEveryPresentFrame() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        MemorySource source = m.build();
        FilteredPages f = DumpLevelFilter.filter(source, Optional.empty(), 1);
        assertEquals(m.maxPfn() - 128, f.keptPages());
        assertFalse(f.kept(3072));
        assertTrue(f.kept(3200));
        PageFilterException e = assertThrows(PageFilterException.class,
                () -> DumpLevelFilter.filter(source, Optional.empty(), 31));
        assertEquals("the dump has no VMCOREINFO, which dump level 31 needs to find the kernel's struct pages "
                + "(levels 0 and 1 work without it)", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Vmemmap.class)
    void theProtectionBitOnTheVmemmapPathIsRefused(Vmemmap variant) throws IOException {
        SyntheticKernelMemory m = recipes(variant).protectFirstVmemmapSegment();
        String message = refusal(m, m.vmcoreinfo(), 31);
        assertTrue(message.startsWith("cannot read the struct pages of pfns 0x0-0x1ff at 0x37200000000: "
                + "cannot translate 0x37200000000: bad segment table entry"), message);
        assertTrue(message.endsWith(", the protection bit)"), message);
    }

    @Test
    void anEmptyRootEntryZeroLimitsTheRootTable() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES).emptyRootEntry0();
        assertEquals("cannot read the struct pages of pfns 0x0-0x1ff at 0x37200000000: cannot translate "
                + "0x37200000000: index 1764 is over the region-third table limit (length 0, taken from "
                + "swapper_pg_dir entry 0)", refusal(m, m.vmcoreinfo(), 2));
        // Level 1 reads no struct pages and still works.
        SyntheticKernelMemory again = recipes(Vmemmap.SEGMENT_FRAMES).emptyRootEntry0();
        assertEquals(again.maxPfn() - 128,
                DumpLevelFilter.filter(again.build(), Optional.of(again.vmcoreinfo()), 1).keptPages());
    }

    @Test
    void aSymbolOfZeroIsInvalidData() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        String text = m.vmcoreinfo().replace("SYMBOL(mem_section)=212000", "SYMBOL(mem_section)=0");
        assertEquals("the VMCOREINFO line SYMBOL(mem_section)=0 is invalid data (makedumpfile refuses a symbol of 0 "
                + "or one that is not hex)", refusal(m, text, 1));
    }

    @Test
    void theFirstLineOfAKeyWins() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        String text = m.vmcoreinfo() + "NUMBER(PG_lru)=5\nSYMBOL(mem_section)=999000\n";
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(text), 31);
        assertKeptAsExpected(m, f, 31, 0, m.maxPfn(), "");
    }

    static Stream<Arguments> missingKeys() {
        return Stream.of(
                Arguments.of("SYMBOL(mem_section)", 31, "the VMCOREINFO has no SYMBOL(mem_section) with "
                        + "SIZE(mem_section) and OFFSET(mem_section.section_mem_map), so the struct pages cannot be "
                        + "found (FLATMEM kernels are not read)"),
                Arguments.of("SYMBOL(mem_section)", 0, "the VMCOREINFO has no SYMBOL(mem_section) with "
                        + "SIZE(mem_section) and OFFSET(mem_section.section_mem_map), so the struct pages cannot be "
                        + "found (FLATMEM kernels are not read)"),
                Arguments.of("OSRELEASE", 31, "the VMCOREINFO has no OSRELEASE line (makedumpfile: Invalid format)"),
                Arguments.of("PAGESIZE", 31, "the VMCOREINFO has no valid PAGESIZE line (makedumpfile: Invalid format)"),
                Arguments.of("SYMBOL(_stext)", 31, "the VMCOREINFO has no SYMBOL(_stext), which makedumpfile needs on s390x"),
                Arguments.of("SIZE(page)", 31, "the VMCOREINFO lacks SIZE(page), so the kernel's memory model cannot be "
                        + "told (makedumpfile: Can't distinguish the memory type)"),
                Arguments.of("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 16, "dump level 16 excludes free pages, but the "
                        + "VMCOREINFO has no NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) with OFFSET(page._mapcount) and "
                        + "OFFSET(page.private) (the zones' free lists makedumpfile would walk instead are not read)"),
                Arguments.of("SYMBOL(high_memory)", 8, "cannot read the struct pages of pfns 0x0-0x1ff at "
                        + "0x37200000000: cannot translate 0x37200000000: the VMCOREINFO has no SYMBOL(high_memory)"),
                Arguments.of("SYMBOL(swapper_pg_dir)", 8, "cannot read the struct pages of pfns 0x0-0x1ff at "
                        + "0x37200000000: cannot translate 0x37200000000: the VMCOREINFO has no "
                        + "SYMBOL(swapper_pg_dir)"));
    }

    @ParameterizedTest(name = "without {0} at level {1}")
    @MethodSource("missingKeys")
    void aMissingKeyIsNamed(String key, int level, String message) throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        StringBuilder text = new StringBuilder();
        for (String line : m.vmcoreinfo().split("\n")) {
            if (!line.startsWith(key + "=")) {
                text.append(line).append('\n');
            }
        }
        assertEquals(message, refusal(m, text.toString(), level));
    }

    @Test
    void withoutTheBuddyKeyLevelsWithoutFreeStillRun() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        String text = m.vmcoreinfo().replace("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n", "");
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(text), 15);
        assertKeptAsExpected(m, f, 15, 0, m.maxPfn(), "");
    }

    @Test
    void noPresentSectionIsRefused() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES).poke(0x232800, 0x232900);
        String text = m.vmcoreinfo().replace("SYMBOL(mem_section)=212000", "SYMBOL(mem_section)=232800");
        assertEquals("no present memory section is found through SYMBOL(mem_section)=0x232800, as an array of roots "
                + "or as a pointer to one (makedumpfile: Could not validate mem_section)", refusal(m, text, 0));
    }

    @Test
    void mem_sectionAsAPointerToTheRootsIsFoundOnTheRetry() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES).poke(0x232800, SyntheticKernelMemory.MEM_SECTION);
        String text = m.vmcoreinfo().replace("SYMBOL(mem_section)=212000", "SYMBOL(mem_section)=232800");
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(text), 31);
        assertKeptAsExpected(m, f, 31, 0, m.maxPfn(), "");
    }

    @Test
    void aDumpLevelOutsideZeroToThirtyOneIsRefused() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        assertEquals("dump level 32 is not one of 0-31", refusal(m, m.vmcoreinfo(), 32));
    }

    @Test
    void aCompoundHeadAtTheEndOfAReadWindowOrMisalignedCountsAsOnePage() throws IOException {
        SyntheticKernelMemory m = new SyntheticKernelMemory(64 * MIB, Vmemmap.SEGMENT_FRAMES);
        m.block(2047, PageClass.THP, 1); // head at pfn % 512 == 511: its tail is not looked at
        m.block(3000, PageClass.THP, 1); // the tail says order 9, which 3000 is not aligned to
        FilteredPages f = DumpLevelFilter.filter(m.build(), Optional.of(m.vmcoreinfo()), 8);
        assertFalse(f.kept(2047));
        assertTrue(f.kept(2048), "a tail of a head decided alone is kept");
        assertFalse(f.kept(3000));
        assertTrue(f.kept(3001));
        assertEquals(2, f.excluded().user());
    }

    @Test
    void structPagesInsideAnExcludedFreeBlockPastTheReadWindowAreNeverRead() throws IOException {
        // pfns 4096-5119 are one order-10 free block; the window read at 4096 ends at 4607, and the
        // struct pages of 4800-4863 sit in a vmemmap page whose page table entry is invalid.
        SyntheticKernelMemory m = new SyntheticKernelMemory(64 * MIB, Vmemmap.PAGE_TABLES);
        m.block(4096, PageClass.FREE, 10).invalidatePte(4800);
        MemorySource source = m.build();
        FilteredPages f = DumpLevelFilter.filter(source, Optional.of(m.vmcoreinfo()), 16);
        assertKeptAsExpected(m, f, 16, 0, m.maxPfn(), "");
        assertEquals(expectedCounts(m, 16), f.excluded());
        String message = assertThrows(PageFilterException.class,
                () -> DumpLevelFilter.filter(source, Optional.of(m.vmcoreinfo()), 2)).getMessage();
        assertTrue(message.startsWith("cannot read the struct pages of pfns 0x1200-0x13ff at 0x37200048000: cannot "
                + "translate 0x3720004b000: invalid page table entry 0x400 at "), message);
    }

    @Test
    void aLengthOfMemSectionThatIsNotTheRootCountMeansAFlatArray() throws IOException {
        SyntheticKernelMemory m = recipes(Vmemmap.SEGMENT_FRAMES);
        String flat = m.vmcoreinfo().replace("LENGTH(mem_section)=1024", "LENGTH(mem_section)=2048");
        assertEquals("no present memory section is found through SYMBOL(mem_section)=0x212000, as an array of "
                + "sections or as a pointer to one (makedumpfile: Could not validate mem_section)", refusal(m, flat, 31));
        SyntheticKernelMemory again = recipes(Vmemmap.SEGMENT_FRAMES);
        String noLength = again.vmcoreinfo().replace("LENGTH(mem_section)=1024\n", "");
        FilteredPages f = DumpLevelFilter.filter(again.build(), Optional.of(noLength), 31);
        assertKeptAsExpected(again, f, 31, 0, again.maxPfn(), "without LENGTH(mem_section): ");
    }

    private static String refusal(SyntheticKernelMemory m, String text, int level) {
        MemorySource source = m.build();
        return assertThrows(PageFilterException.class,
                () -> DumpLevelFilter.filter(source, Optional.of(text), level)).getMessage();
    }
}
