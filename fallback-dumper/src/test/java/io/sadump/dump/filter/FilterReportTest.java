package io.sadump.dump.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FilterReportTest {
    @Test
    void rendersMakedumpfilesReportLineForLine() {
        // The counts of the reference run (kdump-compressed.md §4.5): 4096 frames, 128 in a hole.
        FilterReport r = new FilterReport(4096, 128, 978, new ExcludedPages(10, 4, 778, 1417, 0, 1), OptionalLong.empty());
        assertEquals("""

                Original pages  : 0x0000000000000f80
                  Excluded pages   : 0x0000000000000c74
                    Pages filled with zero  : 0x00000000000003d2
                    Non-private cache pages : 0x000000000000000a
                    Private cache pages     : 0x0000000000000004
                    User process data pages : 0x000000000000030a
                    Free pages              : 0x0000000000000589
                    Hwpoison pages          : 0x0000000000000000
                    Offline pages           : 0x0000000000000001
                  Remaining pages  : 0x000000000000030c
                  (The number of pages is reduced to 19%.)
                Memory Hole     : 0x0000000000000080
                --------------------------------------------------
                Total pages     : 0x0000000000001000
                """, r.text());
        assertEquals(3968, r.originalPages());
        assertEquals(3188, r.excludedPages());
        assertEquals(780, r.remainingPages());
    }

    @Test
    void writeBytesFollowWhenKnownAndNoPercentageWithoutPages() {
        FilterReport r = new FilterReport(0, 0, 0, ExcludedPages.NONE, OptionalLong.of(4096));
        assertEquals("""

                Original pages  : 0x0000000000000000
                  Excluded pages   : 0x0000000000000000
                    Pages filled with zero  : 0x0000000000000000
                    Non-private cache pages : 0x0000000000000000
                    Private cache pages     : 0x0000000000000000
                    User process data pages : 0x0000000000000000
                    Free pages              : 0x0000000000000000
                    Hwpoison pages          : 0x0000000000000000
                    Offline pages           : 0x0000000000000000
                  Remaining pages  : 0x0000000000000000
                Memory Hole     : 0x0000000000000000
                --------------------------------------------------
                Total pages     : 0x0000000000000000
                Write bytes     : 4096
                """, r.text());
    }
}
