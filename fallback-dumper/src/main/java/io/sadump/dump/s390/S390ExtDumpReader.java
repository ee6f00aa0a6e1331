package io.sadump.dump.s390;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.MemoryFrames;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads s390_ext dumps, single- and multi-volume, as zgetdump does ({@code zdump/dfi_s390.c:
 * mem_chunks_add_ext}, {@code zdump/dfi_s390mv_ext.c}; docs/formats.md §3, §5, §10):
 * walks the segment chain from the header to the segment with the stop marker, maps gaps to ZERO
 * chunks and segments to DATA chunks (decompressing zlib entries on read), and checks the end marker.
 *
 * <p>{@code open...} fail with {@link io.sadump.dump.IncompleteDumpException} when the dump is not
 * complete; {@code inspect...} return it with {@link ReadBackDump#complete()} false and the memory
 * that could be located. Both fail with {@link DumpFormatException} when the bytes are no s390_ext
 * dump.
 */
public final class S390ExtDumpReader {
    private S390ExtDumpReader() {}

    static final int BLOCK = 4096;

    /** A complete single-volume dump. */
    public static ReadBackDump open(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name).requireComplete();
    }

    /** A single-volume dump, complete or not. The result reads from {@code source} and closes it. */
    public static ReadBackDump inspect(DumpBlockSource source, String name) throws IOException {
        S390DumpHeader h = S390HeaderChecks.readHeader(source, name);
        S390HeaderChecks.check(h, S390DumpHeader.MAGIC_EXT, name);
        Walk walk = new Walk(h);
        walk.volume(source, name, -1, 0);
        return walk.finish(DumpFormat.S390_EXT, List.of(source));
    }

    /** A complete multi-volume dump; {@code volumes} in table order, each sized as its partition. */
    public static ReadBackDump openMultiVolume(List<DumpBlockSource> volumes, List<String> names) throws IOException {
        return inspectMultiVolume(volumes, names).requireComplete();
    }

    /**
     * A multi-volume dump, complete or not. A volume takes part when its header says this dump's
     * volume number (and the dump start TOD of volume 0) with a non-zero memory size, as zgetdump's
     * "active" volumes; a volume without the multi-volume signature makes the dump incomplete.
     */
    public static ReadBackDump inspectMultiVolume(List<DumpBlockSource> volumes, List<String> names)
            throws IOException {
        if (volumes.isEmpty() || volumes.size() != names.size()) {
            throw new IllegalArgumentException("need one name per volume and at least one volume");
        }
        S390DumpHeader h0 = S390HeaderChecks.readHeader(volumes.get(0), names.get(0));
        S390HeaderChecks.check(h0, S390DumpHeader.MAGIC_EXT, names.get(0));
        if (h0.multiVolume() != 1 || h0.multiVolumeSignature() != S390DumpHeader.MAGIC_EXT) {
            throw new DumpFormatException(names.get(0) + ": not a multi-volume dump (mvdump=" + h0.multiVolume()
                    + ", mvdump_sign=" + Long.toHexString(h0.multiVolumeSignature()) + ")");
        }
        Walk walk = new Walk(h0);
        for (int i = 0; i < volumes.size() && !walk.stopped; i++) {
            DumpBlockSource v = volumes.get(i);
            String name = names.get(i);
            S390DumpHeader h;
            try {
                h = S390HeaderChecks.readHeader(v, name);
            } catch (DumpFormatException e) {
                walk.problem(name + ": volume " + i + " has no readable dump header");
                break;
            }
            if (h.multiVolumeSignature() != S390DumpHeader.MAGIC_EXT) {
                walk.problem(String.format("%s: volume %d has a wrong multi-volume signature %016x", name, i,
                        h.multiVolumeSignature()));
                break;
            }
            boolean active = h.volumeNumber() == i && h.memSize() != 0 && h.tod() == h0.tod()
                    && h.magic() == S390DumpHeader.MAGIC_EXT;
            if (!active) {
                continue;
            }
            walk.volume(v, name, v.size(), i);
        }
        return walk.finish(DumpFormat.S390_MV_EXT, volumes);
    }

    /**
     * The bytes of an uncompressed segment: where they are on which volume of the set (0 for a single
     * volume). zgetdump keeps the volume of each memory chunk to draw its memory map per volume
     * ({@code dfi_mem_chunk_add_vol} in {@code zdump/dfi_s390mv_ext.c}).
     */
    public record VolumeSegment(int volume, DumpBlockSource source, long fileOffset) implements MemoryChunk.Data {
        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
            source.read(fileOffset + offset, dst, dstOffset, length);
        }
    }

    /** The segment chain as it is walked over one or more volumes. */
    private static final class Walk {
        final S390DumpHeader header;
        final long memSize;
        final List<MemoryChunk> chunks = new ArrayList<>();
        /** One decompressed entry for the whole dump, so reading holds one entry's memory, not one per segment. */
        final CompressedSegmentData.EntryCache entryCache = new CompressedSegmentData.EntryCache();
        long old;
        long dumpFileBytes;
        boolean stopped;
        String problem;
        S390EndMarker endMarker;

        Walk(S390DumpHeader header) {
            this.header = header;
            this.memSize = header.memSize();
        }

        void problem(String p) {
            if (problem == null) {
                problem = p;
            }
        }

        /**
         * Reads the segments of one volume. A single volume ({@code partitionSize < 0}) is read to the
         * stop marker; a volume of a multi-volume set while more than 1 MiB + 4 KiB of its partition
         * remain (zgetdump's rule, which matches the dumper's free-space rule).
         */
        void volume(DumpBlockSource source, String name, long partitionSize, int volume) throws IOException {
            long size = source.size();
            long off = S390DumpHeader.SIZE;
            byte[] hb = new byte[S390SegmentHeader.SIZE];
            while (problem == null) {
                if (partitionSize >= 0 && off >= partitionSize - MemoryFrames.FRAME_SIZE - BLOCK) {
                    return;
                }
                if (off + S390SegmentHeader.SIZE > size) {
                    problem(String.format("%s: the dump ends at byte 0x%X without a segment carrying the stop marker",
                            name, off));
                    return;
                }
                try {
                    source.read(off, hb, 0, hb.length);
                } catch (EOFException e) {
                    problem(String.format("%s: the dump data ends at byte 0x%X, before the segment with the stop marker",
                            name, off));
                    return;
                }
                ByteBuffer bb = ByteBuffer.wrap(hb);
                long rawCount = S390SegmentHeader.rawEntryCount(bb);
                S390SegmentHeader s = S390SegmentHeader.read(bb);
                String bad = validate(s, rawCount);
                if (bad != null) {
                    problem(String.format("%s: the segment header at byte 0x%X is damaged or stale: %s", name, off, bad));
                    return;
                }
                off += S390SegmentHeader.SIZE;
                if (s.length() > 0 && s.start() > old) {
                    chunks.add(MemoryChunk.zero(old, s.start() - old));
                }
                long onDisk = s.isCompressed() ? (s.sizeOnDisk() & 0xFFFF_FFFFL) * BLOCK : s.length();
                if (off + onDisk > size) {
                    long have = Math.max(0, (size - off) & ~(long) (BLOCK - 1));
                    if (!s.isCompressed() && have > 0) {
                        chunks.add(plainChunk(source, volume, s.start(), Math.min(have, s.length()), off));
                    }
                    problem(String.format("%s: the segment for memory 0x%X-0x%X needs data up to byte 0x%X, the dump "
                            + "holds only 0x%X bytes", name, s.start(), s.start() + s.length(), off + onDisk, size));
                    return;
                }
                if (s.length() > 0) {
                    if (s.isCompressed()) {
                        chunks.add(MemoryChunk.data(s.start(), s.length(), new CompressedSegmentData(source, s.start(),
                                off, s.length(), header.zlibEntrySize(), s.entryOffsets(), s.sizeOnDisk(), entryCache)));
                    } else {
                        chunks.add(plainChunk(source, volume, s.start(), s.length(), off));
                    }
                }
                dumpFileBytes += onDisk;
                off += onDisk;
                if (s.length() > 0) {
                    old = s.start() + s.length();
                }
                if (s.isLast()) {
                    stopped = true;
                    readEndMarker(source, name, off);
                    return;
                }
            }
        }

        static MemoryChunk plainChunk(DumpBlockSource source, int volume, long start, long length, long fileOffset) {
            return MemoryChunk.data(start, length, new VolumeSegment(volume, source, fileOffset));
        }

        String validate(S390SegmentHeader s, long rawCount) {
            if (s.length() == 0 && !s.isCompressed()) {
                // an empty segment only carries the stop marker; the zipl dumper leaves its start 0
                return null;
            }
            if (s.start() < old) {
                return String.format("start 0x%X lies below the end 0x%X of the memory before it", s.start(), old);
            }
            if ((s.start() & 0xFFF) != 0 || (s.length() & 0xFFF) != 0 || s.length() < 0) {
                return String.format("start 0x%X or length 0x%X is not a multiple of 4096", s.start(), s.length());
            }
            if (s.start() > memSize || s.length() > memSize - s.start()) {
                return String.format("memory 0x%X+0x%X lies beyond the dump's memory size 0x%X", s.start(), s.length(),
                        memSize);
            }
            if (s.isCompressed()) {
                if (!header.isCompressed()) {
                    return "a compressed segment in a dump whose header says no zlib";
                }
                long expected = (s.length() + header.zlibEntrySize() - 1) / header.zlibEntrySize();
                if (rawCount != expected) {
                    return "entry_count " + rawCount + " does not match the length (" + expected + " entries)";
                }
                long previous = -1;
                for (int e : s.entryOffsets()) {
                    long at = e & ~S390SegmentHeader.ENTRY_UNCOMPRESSED & 0xFFFF_FFFFL;
                    if (at <= previous || at >= (s.sizeOnDisk() & 0xFFFF_FFFFL)) {
                        return "entry offsets are not increasing inside size_on_disk";
                    }
                    previous = at;
                }
            }
            return null;
        }

        void readEndMarker(DumpBlockSource source, String name, long off) throws IOException {
            byte[] b = new byte[S390EndMarker.SIZE];
            try {
                source.read(off, b, 0, b.length);
            } catch (EOFException e) {
                problem(String.format("%s: no end marker at byte 0x%X (the dump data ends before it)", name, off));
                return;
            }
            S390EndMarker em = S390EndMarker.read(ByteBuffer.wrap(b));
            if (!em.isValidFor(header)) {
                problem(String.format("%s: no valid end marker at byte 0x%X (found %s; the header TOD is %016x)", name,
                        off, em, header.tod()));
                return;
            }
            endMarker = em;
        }

        ReadBackDump finish(DumpFormat format, List<? extends AutoCloseable> resources) {
            if (!stopped) {
                problem("no segment with the stop marker was found: the dump was cut short");
            }
            if (stopped && old < memSize) {
                chunks.add(MemoryChunk.zero(old, memSize - old));
            }
            long systemSize = Math.max(memSize, header.memSizeReal());
            MemorySource memory = MemorySource.of(chunks, systemSize);
            Optional<S390EndMarker> em = Optional.ofNullable(endMarker);
            return new ReadBackDump(format, memory, S390Metadata.of(header, em, memory, memSize),
                    Optional.ofNullable(problem), dumpFileBytes, Optional.of(header), em, resources);
        }
    }
}
