package io.sadump.machine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The storage pages (4 KiB) of a machine that cannot be read: uncorrectable storage errors, put there
 * by {@code sadump inject --storage-error}. Kept in the machine directory as {@code storage.errors},
 * a {@link SettingsText} file with one setting, {@code pages = 0x3000 0x1F2000}. Reading such a page
 * through the storage's memory view throws {@link StorageReadErrorException}; the raw storage reads
 * of the dumper's own control path (verdict, swap) are not affected.
 */
public final class UnreadablePages {
    /** The page size of the s390 architecture: the granule of a storage error here. */
    public static final int PAGE_SIZE = AbsoluteStorage.PAGE_SIZE;
    /** The settings key of {@code storage.errors}. */
    static final String KEY = "pages";
    /** A bound on the set, so a hostile file cannot make every read search a huge list. */
    public static final int MAX_PAGES = 4096;

    public static final UnreadablePages NONE = new UnreadablePages(new long[0]);

    /** Page addresses, sorted, distinct, page-aligned. */
    private final long[] pages;

    private UnreadablePages(long[] pages) {
        this.pages = pages;
    }

    /**
     * The set of the pages holding {@code addresses} (each rounded down to its page).
     *
     * @throws IllegalArgumentException for a negative address or more than {@link #MAX_PAGES} pages
     */
    public static UnreadablePages of(List<Long> addresses) {
        long[] p = addresses.stream().mapToLong(a -> {
            if (a < 0) {
                throw new IllegalArgumentException(String.format("page address 0x%X is negative", a));
            }
            return a & -PAGE_SIZE;
        }).sorted().distinct().toArray();
        if (p.length > MAX_PAGES) {
            throw new IllegalArgumentException(p.length + " unreadable pages; at most " + MAX_PAGES + " are modelled");
        }
        return p.length == 0 ? NONE : new UnreadablePages(p);
    }

    /** This set and the page of {@code address}. */
    public UnreadablePages with(long address) {
        List<Long> all = new ArrayList<>(pages());
        all.add(address);
        return of(all);
    }

    public boolean isEmpty() {
        return pages.length == 0;
    }

    public int count() {
        return pages.length;
    }

    /** The page addresses, ascending. */
    public List<Long> pages() {
        return Arrays.stream(pages).boxed().toList();
    }

    /**
     * The first unreadable page touched by {@code [address, address+length)}, or -1: one binary search,
     * so a read of readable memory costs the same with or without errors elsewhere.
     */
    public long firstIn(long address, long length) {
        if (pages.length == 0 || length <= 0) {
            return -1;
        }
        int i = Arrays.binarySearch(pages, address & -PAGE_SIZE);
        if (i < 0) {
            i = -i - 1;
        }
        return i < pages.length && pages[i] < address + length ? pages[i] : -1;
    }

    /** Whether the 1 MiB frame {@code frame} of the frame record holds an unreadable page. */
    public boolean inFrame(long frame) {
        return firstIn(frame << FrameRecord.FRAME_SHIFT, FrameRecord.FRAME_SIZE) >= 0;
    }

    /**
     * Parses {@code storage.errors}.
     *
     * @throws IllegalArgumentException naming the line, for anything but {@code pages = ADDR...}
     */
    public static UnreadablePages parse(String text) {
        List<Long> addresses = new ArrayList<>();
        for (SettingsText.Setting s : SettingsText.parse(text)) {
            if (!s.key().equals(KEY)) {
                throw new IllegalArgumentException("line " + s.line() + ": unknown setting '" + s.key()
                        + "' (expected '" + KEY + " = ADDRESS ...')");
            }
            for (String word : s.value().split("[\\s,]+")) {
                if (word.isEmpty()) {
                    continue;
                }
                try {
                    addresses.add(Long.parseUnsignedLong(word.startsWith("0x") || word.startsWith("0X")
                            ? word.substring(2) : word, 16));
                } catch (NumberFormatException e) {
                    throw s.error(new IllegalArgumentException("'" + word + "' is not a hexadecimal page address"));
                }
                if (addresses.size() > MAX_PAGES) {
                    throw s.error(new IllegalArgumentException("more than " + MAX_PAGES + " pages"));
                }
            }
        }
        try {
            return of(addresses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The text of {@code storage.errors}. */
    public String format() {
        StringBuilder sb = new StringBuilder("# storage pages with uncorrectable errors (sadump inject --storage-error)\n");
        sb.append(KEY).append(" =");
        for (long p : pages) {
            sb.append(String.format(" 0x%X", p));
        }
        return sb.append('\n').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnreadablePages u && Arrays.equals(pages, u.pages);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pages);
    }

    @Override
    public String toString() {
        return "UnreadablePages" + pages();
    }
}
