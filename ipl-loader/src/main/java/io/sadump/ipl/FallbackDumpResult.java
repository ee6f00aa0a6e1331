package io.sadump.ipl;

import io.sadump.dump.DumpFormat;
import io.sadump.machine.DeviceNumber;
import java.util.List;

/**
 * What the stand-alone dumper wrote.
 *
 * @param format {@link DumpFormat#S390_EXT} or {@link DumpFormat#S390_MV_EXT} (DASD), {@link
 *     DumpFormat#S390_TAPE} (tape)
 * @param volumes the devices written, in order
 * @param memorySize the memory the dump covers
 * @param dumpFileBytes bytes of memory data on the device (after zero-skipping and compression)
 * @param unreadablePages storage pages that could not be read, ascending; the dump holds the fill
 *     pattern there ({@link io.sadump.dump.MemoryFrames#UNREADABLE_MARK})
 */
public record FallbackDumpResult(DumpFormat format, List<DeviceNumber> volumes, long memorySize, long dumpFileBytes,
        List<Long> unreadablePages) {
    public FallbackDumpResult {
        volumes = List.copyOf(volumes);
        unreadablePages = List.copyOf(unreadablePages);
    }
}
