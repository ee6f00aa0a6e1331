package io.sadump.dump.filter;

/**
 * How many page frames the filter left out per class, counted as makedumpfile 1.7.2 counts them
 * ({@code pfn_cache}, {@code pfn_cache_private}, {@code pfn_user}, {@code pfn_free}, {@code
 * pfn_hwpoison}, {@code pfn_offline}): every frame of an excluded range below {@code max_mapnr} counts,
 * holes inside a free block included. Zero pages are counted by the writer, which reads page contents.
 */
public record ExcludedPages(long cache, long cachePrivate, long user, long free, long hwpoison, long offline) {
    public static final ExcludedPages NONE = new ExcludedPages(0, 0, 0, 0, 0, 0);

    /** All classes together. */
    public long total() {
        return cache + cachePrivate + user + free + hwpoison + offline;
    }
}
