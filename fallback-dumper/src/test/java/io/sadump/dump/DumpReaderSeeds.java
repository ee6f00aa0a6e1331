package io.sadump.dump;

import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Seed inputs for {@link DumpReaderFuzzTest}, made by the project's own writers from tiny storage of
 * never-written MiBs (skipped by the dumper) and text that compresses well, so that the seeds stay
 * small (about 1 and 2 MiB as files, MiB 0 and a multi-volume dump's MiBs being stored as they are; a
 * few KiB in git):
 *
 * <ul>
 *   <li>{@code s390Ext/seed-zlib-entries}: a compressed s390_ext dump whose entries after the first MiB
 *       (which the dumper always stores as is) are zlib streams;
 *   <li>{@code s390ExtMultiVolume/seed-two-volumes}: both volumes of a two-volume dump, framed
 *       as that target takes them (u32 length of volume 0, volume 0, volume 1; each volume as far as the
 *       dumper wrote it).
 * </ul>
 *
 * {@code java -cp ... io.sadump.dump.DumpReaderSeeds DIR} writes them under DIR (the test resources'
 * {@code io/sadump/dump/DumpReaderFuzzTestInputs}); {@code DumpReaderSeedsTest} checks the committed ones.
 */
final class DumpReaderSeeds {
    static final long MIB = TestMemory.MIB;
    static final String ZLIB = "s390Ext/seed-zlib-entries";
    static final String MULTI_VOLUME = "s390ExtMultiVolume/seed-two-volumes";
    /** Fixed clocks, so that a seed made again differs only where zlib itself differs. */
    static final long TOD = 0xD5A0_1234_0000_0000L;
    static final long ZIPL_TIME = (1_700_000_000L << 20) + 123;
    /**
     * Blocks of volume 0 of the multi-volume seed: header, one segment of 1 MiB (1 + 256), and the
     * 1 MiB + 4 KiB the dumper leaves free (257); the rest of the dump goes on volume 1.
     */
    static final long VOLUME_0_BLOCKS = 1 + 257 + 257;
    static final long VOLUME_1_BLOCKS = 10_000;

    private DumpReaderSeeds() {}

    /**
     * One MiB of text that compresses well (git keeps it in a few hundred bytes too): each 4 KiB page
     * says where it is, then repeats one line.
     */
    static byte[] text(int mib) {
        byte[] frame = new byte[(int) MIB];
        byte[] filler = "sadump fuzz seed: memory that compresses well\n".getBytes(StandardCharsets.US_ASCII);
        for (int page = 0; page < MIB / 4096; page++) {
            byte[] head = String.format("MiB %d page %d%n", mib, page).getBytes(StandardCharsets.US_ASCII);
            int at = page * 4096;
            System.arraycopy(head, 0, frame, at, head.length);
            for (int o = at + head.length; o + filler.length <= at + 4096; o += filler.length) {
                System.arraycopy(filler, 0, frame, o, filler.length);
            }
        }
        return frame;
    }

    /**
     * The zlib seed's storage, 4 MiB: MiB 0 never written (a compressed dump stores it all the same),
     * MiB 1 text, MiB 2 16 KiB random then written zeros, MiB 3 never written (skipped).
     */
    static AbsoluteStorage zlibStorage() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(4 * MIB);
        s.write(MIB, text(1));
        byte[] partial = new byte[(int) MIB];
        new SplittableRandom(2).nextBytes(partial);
        Arrays.fill(partial, 16 * 1024, partial.length, (byte) 0);
        s.write(2 * MIB, partial);
        return s;
    }

    /**
     * The multi-volume seed's storage, 3 MiB: MiB 0 text (on volume 0), MiB 1 never written (skipped),
     * MiB 2 text (on volume 1). The multi-volume dumper never compresses, as zipl's.
     */
    static AbsoluteStorage multiVolumeStorage() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(3 * MIB);
        s.write(0, text(0));
        s.write(2 * MIB, text(2));
        return s;
    }

    /** {@code storage} as the seeds dump it: with the CPUs' save areas {@link #metadata} stores. */
    static AbsoluteStorage asDumped(AbsoluteStorage storage) {
        metadata(storage);
        return storage;
    }

    /** Two CPUs, their status stored in {@code storage} (as store status does). */
    static DumpMetadata metadata(AbsoluteStorage storage) {
        return DumpMetadata.of(TestMemory.cpus(storage, 2, 13), Optional.empty());
    }

    static S390DumpSettings settings(boolean compress) {
        return S390DumpSettings.defaults().withCompression(compress).withFixedTod(TOD).withThreads(1);
    }

    static byte[] zlibSeed() throws IOException {
        AbsoluteStorage s = zlibStorage();
        DumpMetadata metadata = metadata(s); // first: the save areas are memory the source must see
        MemoryVolume v = new MemoryVolume(10_000);
        new S390ExtDumpWriter(settings(true)).write(new StorageMemorySource(s), metadata, v);
        return v.bytes();
    }

    static byte[] multiVolumeSeed() throws IOException {
        AbsoluteStorage s = multiVolumeStorage();
        List<MemoryVolume> volumes = List.of(new MemoryVolume(VOLUME_0_BLOCKS), new MemoryVolume(VOLUME_1_BLOCKS));
        DumpMetadata metadata = metadata(s);
        new S390ExtDumpWriter(settings(false)).writeMultiVolume(new StorageMemorySource(s), metadata, volumes, ZIPL_TIME);
        byte[] v0 = volumes.get(0).bytes();
        byte[] v1 = volumes.get(1).bytes();
        return ByteBuffer.allocate(4 + v0.length + v1.length).putInt(v0.length).put(v0).put(v1).array();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir.resolve(ZLIB).getParent());
        Files.createDirectories(dir.resolve(MULTI_VOLUME).getParent());
        Files.write(dir.resolve(ZLIB), zlibSeed());
        Files.write(dir.resolve(MULTI_VOLUME), multiVolumeSeed());
    }
}
