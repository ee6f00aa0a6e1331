package io.sadump.dump.filter;

/**
 * The fields of one {@code struct page} makedumpfile reads ({@code __exclude_unnecessary_pages}),
 * big-endian as on s390x, at the offsets the VMCOREINFO gives ({@link PageLayout}).
 *
 * @param flags {@code page.flags}
 * @param mapping {@code page.mapping}
 * @param mapcount {@code page._mapcount} (the page type for buddy and offline pages)
 * @param privateValue {@code page.private} (the buddy order of a free block)
 * @param compoundHead {@code page.compound_head}; bit 0 marks a tail page
 */
record StructPage(long flags, long mapping, int mapcount, long privateValue, long compoundHead) {

    /** Decodes the struct page at {@code off} of {@code b}; fields the layout lacks read as 0. */
    static StructPage read(byte[] b, int off, PageLayout l) {
        return new StructPage(u64(b, off + l.flags()), u64(b, off + l.mapping()),
                l.mapcount() < 0 ? 0 : u32(b, off + l.mapcount()),
                l.privateOffset() < 0 ? 0 : u64(b, off + l.privateOffset()),
                l.compoundHead() < 0 ? 0 : u64(b, off + l.compoundHead()));
    }

    static long u64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static int u32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
