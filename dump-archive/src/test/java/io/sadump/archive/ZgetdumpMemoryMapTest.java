package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "Memory map" of zgetdump -i: chunks merged while on one volume (dfi_mem_map_print). */
class ZgetdumpMemoryMapTest {
    private static final long MIB = 1L << 20;

    private static MemoryChunk segment(int volume, long startMib, long sizeMib) {
        return MemoryChunk.data(startMib * MIB, sizeMib * MIB, new S390ExtDumpReader.VolumeSegment(volume, null, 0));
    }

    private static MemorySource of(MemoryChunk... chunks) {
        return MemorySource.of(List.of(chunks), chunks[chunks.length - 1].end());
    }

    private static DumpInfo.MemoryRange mib(long start, long end) {
        return new DumpInfo.MemoryRange(start * MIB, end * MIB);
    }

    @Test
    void aZeroChunkGoesWithTheSegmentAfterItAndTheLastWithTheLastVolume() {
        // dfi_s390mv_ext.c mem_chunks_add_ext: dfi_mem_chunk_add_vol(old, start - old, zero, vol->nr) before
        // each segment, and the zero chunk up to mem_size with the volume of the stop marker
        MemorySource m = of(segment(0, 0, 1), MemoryChunk.zero(MIB, MIB), segment(0, 2, 2), segment(1, 4, 3),
                MemoryChunk.zero(7 * MIB, 6 * MIB), segment(2, 13, 1), MemoryChunk.zero(14 * MIB, 2 * MIB));
        assertThat(DumpInfo.volumeMemoryMap(m)).containsExactly(mib(0, 4), mib(4, 7), mib(7, 16));
        // the JSON's map merges every adjacent chunk
        assertThat(DumpInfo.memoryMap(m)).containsExactly(mib(0, 16));
    }

    @Test
    void chunksWithoutVolumesMergeWhenAdjacentAndSplitAtHoles() {
        MemorySource m = of(MemoryChunk.zero(0, MIB), MemoryChunk.data(MIB, MIB, (o, d, off, n) -> { }),
                MemoryChunk.data(4 * MIB, MIB, (o, d, off, n) -> { }));
        assertThat(DumpInfo.volumeMemoryMap(m)).containsExactly(mib(0, 2), mib(4, 5));
    }
}
