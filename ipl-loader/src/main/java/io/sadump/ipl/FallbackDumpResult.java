package io.sadump.ipl;

import io.sadump.machine.DeviceNumber;
import java.util.List;

/**
 * What the stand-alone dumper wrote.
 *
 * @param kind {@link DumpKind#S390_EXT} (DASD) or {@link DumpKind#CLASSIC} (tape)
 * @param volumes the devices written, in order
 * @param memorySize the memory the dump covers
 * @param dumpFileBytes bytes of memory data on the device (after zero-skipping and compression)
 */
public record FallbackDumpResult(DumpKind kind, List<DeviceNumber> volumes, long memorySize, long dumpFileBytes) {
    public FallbackDumpResult {
        volumes = List.copyOf(volumes);
    }
}
