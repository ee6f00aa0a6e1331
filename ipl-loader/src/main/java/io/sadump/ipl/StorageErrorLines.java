package io.sadump.ipl;

import java.util.ArrayList;
import java.util.List;

/**
 * The dumper's console lines for storage pages it could not read: one line a page (the first {@link
 * #MAX_LINES}), then a count, so thousands of bad pages do not flood the console.
 */
final class StorageErrorLines {
    /** Pages named one by one before the rest is only counted. */
    static final int MAX_LINES = 16;

    private StorageErrorLines() {}

    /**
     * "Storage read error at 0x0000000001234000: page not dumped (written as the fill pattern)" per page,
     * and a closing count; nothing when every page could be read.
     *
     * @param how what the dump holds instead of the page
     */
    static List<String> of(List<Long> pages, String how) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Math.min(pages.size(), MAX_LINES); i++) {
            lines.add(String.format("Storage read error at 0x%016X: page not dumped (%s)", pages.get(i), how));
        }
        if (pages.size() > MAX_LINES) {
            lines.add(String.format("... and %d more unreadable pages", pages.size() - MAX_LINES));
        }
        if (!pages.isEmpty()) {
            lines.add(String.format("%d page%s (%d KiB) could not be read: uncorrectable storage errors",
                    pages.size(), pages.size() == 1 ? "" : "s", pages.size() * 4L));
        }
        return lines;
    }
}
