package io.sadump.dump.s390;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.DumpVolumes;
import io.sadump.dump.MemoryFrames;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the s390_ext dump format of the zipl ECKD DASD dumpers (docs/formats.md §1, §3, §4.3, §5):
 * the 4 KiB header, then dump segments (a 4 KiB segment header and the memory of a run of 1 MiB
 * frames that hold data), then a 4 KiB block with the end marker after the segment that carries the
 * stop marker.
 *
 * <p>Frames without data are skipped using the source's chunk list ({@link MemoryFrames}), never by
 * scanning for zeros. With compression (single volume only, as in zipl) the first MiB is written as
 * an uncompressed segment and every later segment (at most 1011 MiB) holds one zlib stream per
 * 1 MiB entry, compressed on several threads in a fixed output order ({@code eckd2dump_sv.c},
 * {@code eckd2dump_zlib.c}). A multi-volume dump ({@code eckd2dump_mv.c}) writes a header with the
 * volume number on each volume, fills it up to the dumper's free-space rule, and puts the end marker
 * on the last volume only.
 *
 * <p>Memory addresses above the source's chunks are dumped as zeros; the memory size must be a
 * multiple of 4096. When a device (or the last volume) is full, {@link DumpDeviceFullException} is
 * thrown and the dump has no end marker.
 */
public final class S390ExtDumpWriter {
    static final int BLOCK = DumpBlockSink.BLOCK_SIZE;
    static final long MIB = MemoryFrames.FRAME_SIZE;
    /** The first MiB is always stored uncompressed: the real dumper uses it as zlib work area. */
    static final long ZLIB_WORKAREA = MIB;
    /** Minimum prefix the dumper records in the prefix vector (below is no Linux lowcore). */
    static final long MIN_RECORDED_PREFIX = 0x10000;

    private final S390DumpSettings settings;

    public S390ExtDumpWriter(S390DumpSettings settings) {
        this.settings = settings;
    }

    /** Writes a single-volume dump ({@code XECKD64}); compressed when the settings say so. */
    public S390DumpResult write(MemorySource memory, DumpMetadata metadata, DumpBlockSink volume) throws IOException {
        Job job = new Job(memory, metadata, false, 0);
        return settings.compress() ? job.writeCompressed(volume) : job.writePlainSingle(volume);
    }

    /**
     * Writes a multi-volume dump ({@code XMULT64}, never compressed) over {@code volumes} in table
     * order. {@code ziplTime} is the timestamp of the multi-volume table zipl wrote.
     */
    public S390DumpResult writeMultiVolume(MemorySource memory, DumpMetadata metadata,
            List<? extends DumpBlockSink> volumes, long ziplTime) throws IOException {
        return writeMultiVolume(memory, metadata, DumpVolumes.of(volumes), ziplTime);
    }

    /**
     * Writes a multi-volume dump, opening each volume only when the dump reaches it, so that the
     * dumper's per-volume checks run right before the volume is written.
     */
    public S390DumpResult writeMultiVolume(MemorySource memory, DumpMetadata metadata, DumpVolumes volumes,
            long ziplTime) throws IOException {
        if (volumes.count() < 1 || volumes.count() > MAX_VOLUMES) {
            throw new IllegalArgumentException("a multi-volume dump needs 1 to 32 volumes, not " + volumes.count());
        }
        return new Job(memory, metadata, true, ziplTime).writeMultiVolume(volumes);
    }

    /** Up to 32 volumes per multi-volume dump (docs/formats.md §5). */
    public static final int MAX_VOLUMES = 32;

    /** The prefix vector the dumper records: CPUs whose prefix is at least 0x10000 and page aligned. */
    static long[] recordedPrefixes(List<CpuState> cpus) {
        List<Long> list = new ArrayList<>();
        for (CpuState c : cpus) {
            if (c.prefix() >= MIN_RECORDED_PREFIX && (c.prefix() & 0xFFF) == 0 && list.size() < S390DumpHeader.CPU_MAX) {
                list.add(c.prefix());
            }
        }
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The header every s390 writer starts from. A dump being converted keeps its own start TOD and CPU
     * id (its metadata has them); a live system has neither, and the dumper reads its clock and takes
     * its own CPU id from the settings.
     */
    static S390DumpHeader baseHeader(S390DumpSettings settings, MemorySource memory, DumpMetadata metadata,
            long magic) {
        long memSize = settings.dumpedSize(memory.memorySize());
        if (memSize <= 0 || (memSize & (S390DumpHeader.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "the memory to dump (0x%X bytes) must be a positive multiple of 4096", memSize));
        }
        long tod = metadata.startTod().orElseGet(settings.todClock());
        long[] prefixes = recordedPrefixes(metadata.cpus());
        return S390DumpHeader.forDumper(magic, memSize, memory.memorySize(), tod,
                metadata.cpuId().orElse(settings.cpuId()), prefixes, Math.min(metadata.cpus().size(), 0xFFFF));
    }

    /**
     * The end marker: the dump's own end TOD when it is being converted, else the clock now (never
     * before the start).
     */
    static S390EndMarker endMarker(S390DumpSettings settings, DumpMetadata metadata, S390DumpHeader h) {
        long tod = metadata.endTod().orElseGet(settings.todClock());
        return S390EndMarker.at(Long.compareUnsigned(tod, h.tod()) < 0 ? h.tod() : tod);
    }

    /** A segment found by {@link Job#findSegment}: frames [firstFrame, endFrame), next data frame. */
    private record Segment(long firstFrame, long endFrame, long start, long length, boolean last, long nextFrame) {
    }

    /** The state of one dump being written. */
    private final class Job {
        final MemoryFrames frames;
        final long memSize;
        final DumpProgressListener listener;
        final S390DumpHeader base;
        final DumpMetadata metadata;
        /** A MiB of memory plus a block: room for a segment header and the MiB after it. */
        final byte[] buffer = new byte[(int) MIB + BLOCK];
        long dumpFileBytes;
        long compressedEntries;
        long storedEntries;
        long addressDone;
        S390EndMarker lastEndMarker;

        Job(MemorySource memory, DumpMetadata metadata, boolean multiVolume, long ziplTime) {
            S390DumpHeader h = baseHeader(settings, memory, metadata, S390DumpHeader.MAGIC_EXT);
            if (multiVolume) {
                h = h.withMultiVolume(ziplTime);
            } else if (settings.compress()) {
                h = h.withZlib();
            }
            this.base = h;
            this.metadata = metadata;
            this.memSize = h.memSize();
            this.frames = new MemoryFrames(memory, memSize);
            this.listener = settings.listener();
        }

        /** Like zipl's {@code find_dump_segment}, on the frame map instead of scanning memory. */
        Segment findSegment(long fromFrame, long maxFrames) {
            long first = frames.nextDataFrame(fromFrame);
            if (first >= frames.frameCount()) {
                long at = Math.min(fromFrame * MIB, memSize);
                return new Segment(fromFrame, fromFrame, at, 0, true, frames.frameCount());
            }
            long end = frames.nextZeroFrame(first);
            if (maxFrames > 0) {
                end = Math.min(end, first + maxFrames);
            }
            long next = frames.nextDataFrame(end);
            long start = first * MIB;
            long length = Math.min(end * MIB, memSize) - start;
            return new Segment(first, end, start, length, next >= frames.frameCount(), next);
        }

        /** Fails with {@link DumpDeviceFullException} unless blocks [block, block+blocks) fit the volume. */
        void checkRoom(DumpBlockSink sink, long block, long blocks, int volume) throws DumpDeviceFullException {
            if (block + blocks > sink.capacityBlocks()) {
                throw new DumpDeviceFullException(String.format(
                        "the dump device is too small: volume %d holds %d blocks of 4096 bytes, the dump needs more "
                                + "(memory dumped up to 0x%X of 0x%X; the dump has no end marker)",
                        volume, sink.capacityBlocks(), addressDone, memSize), addressDone);
            }
        }

        void put(DumpBlockSink sink, long block, byte[] data, int blocks, int volume) throws IOException {
            checkRoom(sink, block, blocks, volume);
            sink.writeBlocks(block, data, 0, blocks);
        }

        void progress() {
            listener.progress(addressDone, memSize, dumpFileBytes);
        }

        /**
         * Writes the segment's header and uncompressed memory from {@code block}; returns the next block.
         * The header goes out with the first memory, and every write but the segment's last ends on the
         * sink's unit of writing, so a DASD never reads a track back to complete it.
         */
        long writePlainSegment(DumpBlockSink sink, long block, Segment s, int volume) throws IOException {
            int unit = Math.max(1, sink.writeUnitBlocks());
            int capacity = buffer.length / BLOCK;
            System.arraycopy(S390SegmentHeader.plain(s.start(), s.length(), s.last()).toBytes(), 0, buffer, 0, BLOCK);
            int filled = 1;
            long at = block;
            long address = s.start();
            long end = s.start() + s.length();
            while (true) {
                long left = (end - address) / BLOCK;
                int take = (int) Math.min(capacity - filled, left);
                if (take < left) {
                    int past = (int) ((at + filled + take) % unit);
                    if (past < take) {
                        take -= past;
                    }
                }
                if (take > 0) {
                    frames.read(address, buffer, filled * BLOCK, take * BLOCK);
                }
                put(sink, at, buffer, filled + take, volume);
                at += filled + take;
                filled = 0;
                address += (long) take * BLOCK;
                dumpFileBytes += (long) take * BLOCK;
                addressDone = address;
                progress();
                if (address >= end) {
                    return at;
                }
            }
        }

        long writeEndMarker(DumpBlockSink sink, long block, int volume) throws IOException {
            S390EndMarker em = S390ExtDumpWriter.endMarker(settings, metadata, base);
            byte[] page = new byte[BLOCK];
            System.arraycopy(em.toBytes(), 0, page, 0, S390EndMarker.SIZE);
            put(sink, block, page, 1, volume);
            lastEndMarker = em;
            return block + 1;
        }

        S390DumpResult finish(List<Long> blocksPerVolume, List<DumpBlockSink> sinks) throws IOException {
            for (DumpBlockSink s : sinks) {
                s.flush();
            }
            addressDone = memSize;
            progress();
            return new S390DumpResult(base, lastEndMarker, blocksPerVolume, dumpFileBytes, compressedEntries,
                    storedEntries, frames.unreadablePages());
        }

        S390DumpResult writePlainSingle(DumpBlockSink sink) throws IOException {
            put(sink, 0, base.toBytes(), 1, 0);
            long block = 1;
            long frame = 0;
            while (true) {
                Segment s = findSegment(frame, 0);
                block = writePlainSegment(sink, block, s, 0);
                if (s.last()) {
                    break;
                }
                frame = s.nextFrame();
            }
            block = writeEndMarker(sink, block, 0);
            return finish(List.of(block), List.of(sink));
        }

        S390DumpResult writeCompressed(DumpBlockSink sink) throws IOException {
            put(sink, 0, base.toBytes(), 1, 0);
            long block = 1;
            // the first MiB, always written, uncompressed, as one segment
            long firstLen = Math.min(ZLIB_WORKAREA, memSize);
            boolean onlyFirst = firstLen == memSize;
            Segment first = new Segment(0, 1, 0, firstLen, onlyFirst, 1);
            block = writePlainSegment(sink, block, first, 0);
            if (!onlyFirst) {
                try (FrameCompressor compressor = new FrameCompressor(settings.threads(), (int) MIB)) {
                    block = writeCompressedSegments(sink, block, compressor);
                }
            }
            block = writeEndMarker(sink, block, 0);
            return finish(List.of(block), List.of(sink));
        }

        /**
         * Writes every compressed segment from frame 1 on. The frames of the next segments are handed to
         * the compressor while the current segment is still being written, so the compression threads do
         * not wait at each segment's end (a sparse storage has many short segments). Entries come back in
         * submission order: the output is the same as segment by segment.
         */
        long writeCompressedSegments(DumpBlockSink sink, long block, FrameCompressor compressor) throws IOException {
            ArrayDeque<Segment> queued = new ArrayDeque<>();
            Segment feeding = findSegment(1, S390SegmentHeader.MAX_ENTRIES);
            long feedFrame = feeding.firstFrame();
            queued.add(feeding);
            SegmentCursor c = null;
            long headBlock = block;
            while (true) {
                while (feeding != null && !compressor.full()) {
                    if (feedFrame >= feeding.endFrame()) {
                        if (feeding.last()) {
                            feeding = null;
                            break;
                        }
                        feeding = findSegment(feeding.nextFrame(), S390SegmentHeader.MAX_ENTRIES);
                        feedFrame = feeding.firstFrame();
                        queued.add(feeding);
                        continue;
                    }
                    int len = (int) frames.frameLength(feedFrame);
                    byte[] in = compressor.inputBuffer();
                    long address = feedFrame * MIB;
                    if (settings.parallelReads()) {
                        compressor.submit(in, len, (dst, n) -> frames.read(address, dst, 0, n));
                    } else {
                        frames.read(address, in, 0, len);
                        compressor.submit(in, len);
                    }
                    feedFrame++;
                }
                if (c == null) {
                    Segment s = queued.peekFirst();
                    headBlock = block;
                    // the header block is reserved here and written once the entry offsets are known
                    checkRoom(sink, headBlock, 1, 0);
                    c = new SegmentCursor(s, headBlock + 1, (int) (s.endFrame() - s.firstFrame()));
                }
                if (c.written < c.offsets.length) {
                    writeEntry(sink, compressor, c);
                }
                if (c.written == c.offsets.length) {
                    Segment s = c.segment;
                    long sizeOnDisk = c.next - c.dataStart;
                    S390SegmentHeader h = new S390SegmentHeader(s.start(), s.length(),
                            s.last() ? S390SegmentHeader.STOP : 0, (int) sizeOnDisk, c.offsets);
                    put(sink, headBlock, h.toBytes(), 1, 0);
                    block = c.next;
                    queued.pollFirst();
                    c = null;
                    if (s.last()) {
                        return block;
                    }
                }
            }
        }

        /** Where the entries of a compressed segment go. */
        final class SegmentCursor {
            final Segment segment;
            final long dataStart;
            final int[] offsets;
            long next;
            int written;

            SegmentCursor(Segment segment, long dataStart, int entries) {
                this.segment = segment;
                this.dataStart = dataStart;
                this.offsets = new int[entries];
                this.next = dataStart;
            }
        }

        void writeEntry(DumpBlockSink sink, FrameCompressor compressor, SegmentCursor c) throws IOException {
            FrameCompressor.Entry e = compressor.take();
            try {
                int index = c.written++;
                int relative = (int) (c.next - c.dataStart);
                c.offsets[index] = relative | (e.stored ? S390SegmentHeader.ENTRY_UNCOMPRESSED : 0);
                int blocks = e.blocks();
                put(sink, c.next, e.data(), blocks, 0);
                c.next += blocks;
                dumpFileBytes += (long) blocks * BLOCK;
                if (e.stored) {
                    storedEntries++;
                } else {
                    compressedEntries++;
                }
                addressDone = c.segment.start() + Math.min((long) (index + 1) * MIB, c.segment.length());
                progress();
            } finally {
                compressor.release(e);
            }
        }

        S390DumpResult writeMultiVolume(DumpVolumes volumes) throws IOException {
            List<Long> used = new ArrayList<>();
            List<DumpBlockSink> opened = new ArrayList<>();
            long frame = 0;
            for (int v = 0; v < volumes.count(); v++) {
                listener.volumeStarted(v, volumes.count());
                DumpBlockSink sink = volumes.open(v);
                opened.add(sink);
                put(sink, 0, base.withVolumeNumber(v).toBytes(), 1, v);
                long block = 1;
                // eckd2dump_mv.c write_volume: free space minus the segment header and the end marker
                long free = (sink.capacityBlocks() - 1) * BLOCK - 2L * BLOCK;
                while (true) {
                    long maxFrames = Math.max(0, free) / MIB;
                    if (maxFrames == 0) {
                        break;
                    }
                    Segment s = findSegment(frame, maxFrames);
                    block = writePlainSegment(sink, block, s, v);
                    free -= s.length();
                    if (free != 0) {
                        free -= BLOCK;
                    }
                    if (s.last()) {
                        block = writeEndMarker(sink, block, v);
                        used.add(block);
                        return finish(used, opened);
                    }
                    frame = s.nextFrame();
                    if (free < MIB) {
                        break;
                    }
                }
                used.add(block);
            }
            throw new DumpDeviceFullException(String.format(
                    "the dump device is too small: all %d volumes are full (memory dumped up to 0x%X of 0x%X; "
                            + "the dump has no end marker)", volumes.count(), addressDone, memSize), addressDone);
        }
    }
}
