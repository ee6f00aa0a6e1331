package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** makedumpfile's exclude_nodata_pages: whole pages past a PT_LOAD's p_filesz are not dumped. */
class ElfNoDataExclusionTest {
    static final int PAGE = 4096;

    @Test
    void wholePagesPastTheFileBytesAreLeftOutAPartlyFiledPageStays() {
        // PT_LOAD [0, 64 KiB) with p_filesz 5.5 pages, PT_LOAD [64 KiB, 96 KiB) whole
        MemoryChunk.Data data = (o, d, off, n) -> { };
        MemorySource elf = MemorySource.of(List.of(MemoryChunk.data(0, 5 * PAGE + PAGE / 2, data),
                MemoryChunk.zero(5 * PAGE + PAGE / 2, 16 * PAGE - (5 * PAGE + PAGE / 2)),
                MemoryChunk.data(16 * PAGE, 8 * PAGE, data)), 24 * PAGE);
        PageSelection all = PresentPageSelection.of(elf, 1, PAGE);
        PageSelection s = ElfNoDataExclusion.apply(all, elf);
        List<Long> kept = new ArrayList<>();
        for (long p = s.nextKept(0); p >= 0; p = s.nextKept(p + 1)) {
            kept.add(p);
            assertThat(s.kept(p)).isTrue();
        }
        assertThat(kept).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L);
        assertThat(s.kept(6)).isFalse();
        assertThat(s.dumpLevel()).isEqualTo(1);
        assertThat(s.maxMapnr()).isEqualTo(24);
        MemorySource whole = MemorySource.of(List.of(MemoryChunk.data(0, 8 * PAGE, data)), 8 * PAGE);
        PageSelection none = PresentPageSelection.of(whole, 0, PAGE);
        assertThat(ElfNoDataExclusion.apply(none, whole)).isSameAs(none);
    }
}
