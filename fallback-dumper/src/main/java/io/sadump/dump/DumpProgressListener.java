package io.sadump.dump;

/**
 * Progress of a dump writer, as events; the library never prints. The stand-alone dumper turns them
 * into {@code "%08lu / %08lu MB (Dump file size %08lu MB)"} lines at most every 5 s and at the end
 * (docs/architecture.md §6); a CLI may draw a progress bar instead.
 */
public interface DumpProgressListener {
    /** A listener that ignores every event. */
    DumpProgressListener NONE = new DumpProgressListener() {};

    /**
     * Called after each piece of memory was written (about every MiB) and once at the end.
     *
     * @param memoryDone the address up to which memory has been dumped
     * @param memoryTotal the size of the memory being dumped
     * @param dumpFileBytes bytes of memory data the dump occupies so far (after zero-skipping and
     *     compression)
     */
    default void progress(long memoryDone, long memoryTotal, long dumpFileBytes) {}

    /** A multi-volume writer starts writing volume {@code volumeNumber} (from 0) of {@code volumeCount}. */
    default void volumeStarted(int volumeNumber, int volumeCount) {}
}
