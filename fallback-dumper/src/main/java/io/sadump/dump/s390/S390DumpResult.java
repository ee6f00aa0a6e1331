package io.sadump.dump.s390;

import java.util.List;

/**
 * What an s390 dump writer wrote.
 *
 * @param header the header (of volume 0 for a multi-volume dump)
 * @param endMarker the end marker written after the last data
 * @param blocksPerVolume blocks used on each volume, in volume order (one entry for a single volume;
 *     for tape, the number of tape blocks written)
 * @param dumpFileBytes bytes of memory data written (zgetdump's "Dump file size")
 * @param compressedEntries 1 MiB entries stored compressed
 * @param storedEntries 1 MiB entries of compressed segments stored as is (compression did not help)
 * @param unreadablePages the storage pages that could not be read, ascending; each holds the fill
 *     pattern of {@link io.sadump.dump.MemoryFrames#UNREADABLE_MARK} in the dump
 */
public record S390DumpResult(S390DumpHeader header, S390EndMarker endMarker, List<Long> blocksPerVolume,
        long dumpFileBytes, long compressedEntries, long storedEntries, List<Long> unreadablePages) {
    public S390DumpResult {
        blocksPerVolume = List.copyOf(blocksPerVolume);
        unreadablePages = List.copyOf(unreadablePages);
    }

    /** A result in which every page could be read. */
    public S390DumpResult(S390DumpHeader header, S390EndMarker endMarker, List<Long> blocksPerVolume,
            long dumpFileBytes, long compressedEntries, long storedEntries) {
        this(header, endMarker, blocksPerVolume, dumpFileBytes, compressedEntries, storedEntries, List.of());
    }

    public int volumesUsed() {
        return blocksPerVolume.size();
    }
}
