package io.sadump.dump.filter;

import java.io.IOException;

/**
 * Reads struct pages by their kernel virtual address, as makedumpfile does with {@code
 * readmem(VADDR)}: each 4 KiB page of the range is translated on its own; a read window that cannot be
 * translated or read fails the whole run, as makedumpfile stops with "Can't read the buffer of struct
 * page".
 */
final class StructPageReader {
    final PageLayout layout;
    private final DumpedMemory memory;
    private final S390xTranslation dat;
    private final byte[] scratch;

    StructPageReader(DumpedMemory memory, S390xTranslation dat, PageLayout layout) {
        this.memory = memory;
        this.dat = dat;
        this.layout = layout;
        this.scratch = new byte[layout.size()];
    }

    /** Checks that the {@code count} struct pages from pfn {@code pfn} at {@code va} can be read. */
    void checkWindow(long va, long length, long pfn, long count) throws IOException {
        long end = va + length;
        for (long p = va; p < end; p = (p & ~(DumpedMemory.PAGE_SIZE - 1L)) + DumpedMemory.PAGE_SIZE) {
            try {
                dat.checkReadable(p);
            } catch (PageFilterException e) {
                throw new PageFilterException(String.format(
                        "cannot read the struct pages of pfns 0x%x-0x%x at 0x%x: %s", pfn, pfn + count - 1, va,
                        e.getMessage()));
            }
        }
    }

    /** The (cached, shared) physical page holding virtual address {@code va}, which must be readable. */
    byte[] pageOf(long va) throws IOException {
        long pa = dat.physical(va);
        return memory.page(pa & ~(DumpedMemory.PAGE_SIZE - 1L));
    }

    /** The struct page at {@code va}, whose window was checked, with {@code page} its {@link #pageOf}. */
    StructPage read(long va, byte[] page) throws IOException {
        int off = (int) (va & (DumpedMemory.PAGE_SIZE - 1));
        if (off + layout.size() <= DumpedMemory.PAGE_SIZE) {
            return StructPage.read(page, off, layout);
        }
        copy(va, scratch);
        return StructPage.read(scratch, 0, layout);
    }

    /**
     * The compound order and destructor id in the first tail page at {@code va}, with the width the
     * kernel version has. {@code inWindow} is false only for a head at the very end of the last section
     * when {@code max_mapnr} is not a multiple of 512: makedumpfile then looks at stale buffer bytes; this
     * reads the real tail when it can and takes 0 otherwise.
     */
    long[] compound(long va, boolean inWindow) throws IOException {
        byte[] b = new byte[layout.size()];
        try {
            copy(va, b);
        } catch (PageFilterException e) {
            if (inWindow) {
                throw e;
            }
            return new long[] {0, 0};
        }
        long order = layout.compoundOrder() == 0 ? 0 : field(b, layout.compoundOrder(), layout.fieldWidth());
        long dtor = layout.compoundDtor() == 0 ? 0 : field(b, layout.compoundDtor(), layout.fieldWidth());
        return new long[] {order, dtor};
    }

    private static long field(byte[] b, int off, int width) {
        return switch (width) {
            case 1 -> b[off] & 0xff;
            case 2 -> StructPage.u16(b, off);
            default -> StructPage.u64(b, off);
        };
    }

    private void copy(long va, byte[] dst) throws IOException {
        int done = 0;
        while (done < dst.length) {
            long a = va + done;
            dat.checkReadable(a);
            byte[] page = pageOf(a);
            int off = (int) (a & (DumpedMemory.PAGE_SIZE - 1));
            int n = Math.min(dst.length - done, DumpedMemory.PAGE_SIZE - off);
            System.arraycopy(page, off, dst, done, n);
            done += n;
        }
    }
}
