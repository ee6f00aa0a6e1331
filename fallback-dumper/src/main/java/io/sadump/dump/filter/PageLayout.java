package io.sadump.dump.filter;

/**
 * Where the fields makedumpfile reads sit in a {@code struct page} (offsets from the VMCOREINFO; -1
 * where a key is missing), and how wide the compound order and destructor fields are for the kernel
 * version ({@code __exclude_unnecessary_pages}: u8 since 4.16, u16 since 4.4, a pointer before).
 *
 * @param size {@code SIZE(page)}
 * @param compoundOrder offset of the order in the first tail page, 0 when makedumpfile reads none
 * @param compoundDtor offset of the destructor id in the first tail page, 0 when makedumpfile reads none
 * @param fieldWidth 1, 2 or 8: the width of those two fields
 */
record PageLayout(int size, int flags, int mapping, int mapcount, int privateOffset, int compoundHead,
        int compoundOrder, int compoundDtor, int fieldWidth) {}
