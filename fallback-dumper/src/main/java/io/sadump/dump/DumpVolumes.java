package io.sadump.dump;

import io.sadump.machine.channel.DumpBlockSink;
import java.io.IOException;
import java.util.List;

/**
 * The volumes of a multi-volume dump device, in the order of zipl's multi-volume table
 * (docs/formats.md §5). The writer opens them one after the other, only as far as the dump reaches,
 * so the dumper can check each volume right before it is written, as {@code check_volume} does
 * (table timestamp: 0x4605; signature, unless forced: 0x4604) and say "Dumping to: ...".
 */
public interface DumpVolumes {
    /** The number of volumes in the table (1 to 32). */
    int count();

    /**
     * Prepares volume {@code index} (from 0) for writing and returns its partition; called once per
     * volume, in order. A failed check is thrown and stops the dump.
     */
    DumpBlockSink open(int index) throws IOException;

    /** Volumes that need no checks. */
    static DumpVolumes of(List<? extends DumpBlockSink> sinks) {
        List<DumpBlockSink> copy = List.copyOf(sinks);
        return new DumpVolumes() {
            @Override
            public int count() {
                return copy.size();
            }

            @Override
            public DumpBlockSink open(int index) {
                return copy.get(index);
            }
        };
    }
}
