package io.sadump.dump;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.dump.s390.S390SegmentHeader;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds of {@link DumpReaderSeeds} reach the code they were made for: the zlib seed's
 * entries are zlib streams that the reader inflates into the storage they were written from, and the
 * multi-volume seed, framed as its fuzz target frames it, is a complete dump whose memory continues on
 * the second volume.
 */
class DumpReaderSeedsTest {
    private static byte[] seed(String name) throws IOException {
        String resource = "/io/sadump/dump/DumpReaderFuzzTestInputs/" + name;
        try (InputStream in = DumpReaderSeedsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("the committed seed %s", resource).isNotNull();
            return in.readAllBytes();
        }
    }

    /** What the segment headers of one volume say, walked as the dumper wrote them. */
    record Segments(int count, int zlibEntries, int storedEntries, boolean last, long firstStart) {}

    private static Segments walk(byte[] volume) {
        ByteBuffer b = ByteBuffer.wrap(volume);
        int count = 0;
        int zlib = 0;
        int stored = 0;
        long firstStart = -1;
        long off = S390DumpHeader.SIZE;
        while (off + S390SegmentHeader.SIZE <= volume.length) {
            S390SegmentHeader h = S390SegmentHeader.read(b.position((int) off));
            if (h.length() == 0 && h.start() == 0 && !h.isLast()) {
                break; // the end marker or unwritten blocks: no segment here
            }
            count++;
            if (firstStart < 0) {
                firstStart = h.start();
            }
            for (int e : h.entryOffsets()) {
                if ((e & S390SegmentHeader.ENTRY_UNCOMPRESSED) != 0) {
                    stored++;
                } else {
                    zlib++;
                }
            }
            if (h.isLast()) {
                return new Segments(count, zlib, stored, true, firstStart);
            }
            off += S390SegmentHeader.SIZE + (h.isCompressed() ? (long) h.sizeOnDisk() * 4096 : h.length());
        }
        return new Segments(count, zlib, stored, false, firstStart);
    }

    @Test
    void theZlibSeedIsACompressedDumpWhoseEntriesInflateToItsStorage() throws IOException {
        byte[] seed = seed(DumpReaderSeeds.ZLIB);
        assertThat(seed.length).as("small: MiB 0 as is, the rest compressed").isLessThan((int) (DumpReaderSeeds.MIB + 64 * 1024));
        S390DumpHeader h = S390DumpHeader.read(ByteBuffer.wrap(seed));
        assertThat(h.isCompressed()).isTrue();
        Segments s = walk(seed);
        assertThat(s.last()).isTrue();
        assertThat(s.zlibEntries()).as("zlib entries for the inflater: MiB 1 and MiB 2").isEqualTo(2);
        try (ReadBackDump dump = S390ExtDumpReader.open(DumpBlockSource.ofBytes(seed), "seed")) {
            assertThat(dump.metadata().cpus()).hasSize(2);
            long size = 4 * DumpReaderSeeds.MIB;
            assertThat(TestMemory.digests(dump.memory(), size))
                    .isEqualTo(TestMemory.digests(DumpReaderSeeds.asDumped(DumpReaderSeeds.zlibStorage()), size));
        }
    }

    @Test
    void theMultiVolumeSeedIsACompleteDumpContinuedOnItsSecondVolume() throws IOException {
        byte[] seed = seed(DumpReaderSeeds.MULTI_VOLUME);
        assertThat(seed.length).as("two stored MiBs and their headers").isLessThan((int) (2 * DumpReaderSeeds.MIB + 64 * 1024));
        int first = ByteBuffer.wrap(seed).getInt();
        byte[] v0 = java.util.Arrays.copyOfRange(seed, 4, 4 + first);
        byte[] v1 = java.util.Arrays.copyOfRange(seed, 4 + first, seed.length);
        Segments s0 = walk(v0);
        Segments s1 = walk(v1);
        assertThat(s0).as("volume 0: MiB 0, not the last segment").isEqualTo(new Segments(1, 0, 0, false, 0));
        assertThat(s1).as("volume 1: MiB 2 (MiB 1 skipped), the last segment")
                .isEqualTo(new Segments(1, 0, 0, true, 2 * DumpReaderSeeds.MIB));

        List<DumpBlockSource> volumes = DumpReaderFuzzTest.volumes(seed);
        try (ReadBackDump dump = S390ExtDumpReader.openMultiVolume(volumes, List.of("v0", "v1"))) {
            assertThat(dump.format()).isEqualTo(DumpFormat.S390_MV_EXT);
            assertThat(dump.complete()).isTrue();
            long size = 3 * DumpReaderSeeds.MIB;
            assertThat(TestMemory.digests(dump.memory(), size))
                    .isEqualTo(TestMemory.digests(DumpReaderSeeds.asDumped(DumpReaderSeeds.multiVolumeStorage()), size));
        }
    }
}
