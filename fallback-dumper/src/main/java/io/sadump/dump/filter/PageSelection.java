package io.sadump.dump.filter;

/**
 * Which page frames a filtered dump keeps: makedumpfile's second ("dumpable") bitmap, before the zero
 * page check (reference kdump-compressed.md §1.4). The kdump-compressed writer takes one; the dump
 * level filter makes one from a dump's page descriptors.
 */
public interface PageSelection {
    /** One past the highest page frame number the dump describes (makedumpfile's {@code max_mapnr}). */
    long maxMapnr();

    /** Whether page frame {@code pfn} is kept; false for filtered pages, holes, and pfns past the end. */
    boolean kept(long pfn);

    /** The first kept page frame at or after {@code pfn}, or -1 when there is none. */
    long nextKept(long pfn);

    /** The makedumpfile dump level (0-31) this selection was made with. */
    int dumpLevel();
}
