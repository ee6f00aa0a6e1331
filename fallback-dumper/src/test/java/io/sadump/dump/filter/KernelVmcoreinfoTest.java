package io.sadump.dump.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sadump.dump.filter.KernelVmcoreinfo.CNumber;
import org.junit.jupiter.api.Test;

class KernelVmcoreinfoTest {
    private static final String BASE = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";

    @Test
    void numbersAreDecimalWithAHexFallbackAndMissingIsMinusOne() throws PageFilterException {
        KernelVmcoreinfo v = KernelVmcoreinfo.parse(BASE + "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
                + "NUMBER(PG_head_mask)=65536\nSIZE(page)=4a\nOFFSET(page.flags)=0\n");
        assertEquals(-129, v.numberOf("PAGE_BUDDY_MAPCOUNT_VALUE"));
        assertEquals(65536, v.numberOf("PG_head_mask"));
        assertEquals(0x4a, v.size("page"));
        assertEquals(0, v.offset("page.flags"));
        assertEquals(KernelVmcoreinfo.NOT_FOUND, v.numberOf("PG_hwpoison"));
        assertEquals(KernelVmcoreinfo.version(6, 1, 0), v.kernelVersion());
    }

    @Test
    void symbolsAreHexAndZeroOrGarbageIsRefused() throws PageFilterException {
        assertEquals(0x37200000000L, KernelVmcoreinfo.parse(BASE + "SYMBOL(vmemmap_list)=37200000000\n")
                .symbol("vmemmap_list"));
        assertEquals(KernelVmcoreinfo.NO_SYMBOL, KernelVmcoreinfo.parse(BASE).symbol("mem_section"));
        assertEquals("the VMCOREINFO line SYMBOL(_stext)=10zz is invalid data (makedumpfile refuses a symbol of 0 "
                + "or one that is not hex)", assertThrows(PageFilterException.class,
                        () -> KernelVmcoreinfo.parse(BASE + "SYMBOL(_stext)=10zz\n")).getMessage());
        assertEquals("the VMCOREINFO line SIZE(page)=6z is invalid data", assertThrows(PageFilterException.class,
                () -> KernelVmcoreinfo.parse(BASE + "SIZE(page)=6z\n").size("page")).getMessage());
    }

    @Test
    void cNumbersFollowStrtol() {
        assertEquals(12L, CNumber.parse("12", 10, false));
        assertNull(CNumber.parse("12x", 10, false));
        assertEquals(0x12aL, CNumber.parse("12a", 16, false));
        assertEquals(0x12aL, CNumber.parse("0x12a", 16, true));
        assertEquals(Long.MAX_VALUE, CNumber.parse("99999999999999999999", 10, false));
        assertEquals(-1L, CNumber.parse("fffffffffffffffff", 16, true));
        assertEquals(0L, CNumber.parse("", 10, false));
        assertNull(CNumber.parse("-", 10, false));
    }
}
