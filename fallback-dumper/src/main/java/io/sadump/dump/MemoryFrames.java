package io.sadump.dump;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageReadErrorException;
import io.sadump.machine.UnreadablePages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The 1 MiB frames of a {@link MemorySource} below a limit, as the s390 dump writers see them: a
 * frame "holds data" when a DATA chunk overlaps it; every other frame is known to be zero (a ZERO
 * chunk, or memory the source does not have, which the stand-alone dumper also writes as zeros). The
 * data frames come from the source's chunk list, never from scanning memory for zeros.
 *
 * <p>A page the source cannot read ({@link StorageReadErrorException}, an uncorrectable storage error)
 * does not stop the dump: it is written as the {@link #UNREADABLE_MARK fill pattern} and remembered
 * ({@link #unreadablePages()}), so the dumper can name it; the s390 formats cannot say a page is
 * absent (docs/formats.md, "Unreadable storage pages").
 */
public final class MemoryFrames {
    /** The frame size: 1 MiB, the s390_ext segment granule ({@code find_dump_segment}). */
    public static final long FRAME_SIZE = 1L << 20;

    public static final int FRAME_SHIFT = 20;

    /**
     * The fill of a page that could not be read: every 16 bytes hold these 8 ASCII bytes and then the
     * page's absolute address, big-endian (so each marked page names itself in a hex dump).
     */
    public static final String UNREADABLE_MARK = "PAGEERR!";
    private static final byte[] MARK = UNREADABLE_MARK.getBytes(StandardCharsets.US_ASCII);

    private final MemorySource source;
    private final ConcurrentSkipListSet<Long> unreadable = new ConcurrentSkipListSet<>();
    private final List<MemoryChunk> chunks;
    private final long limit;
    private final long frameCount;
    /** Runs of data frames: [runStart[i], runEnd[i]), sorted, disjoint, not adjacent. */
    private final long[] runStart;
    private final long[] runEnd;
    private final int runCount;

    /** The frames of {@code source} in {@code [0, limit)}. */
    public MemoryFrames(MemorySource source, long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the memory to dump must not be empty");
        }
        this.source = source;
        this.chunks = source.chunks();
        this.limit = limit;
        this.frameCount = (limit + FRAME_SIZE - 1) >>> FRAME_SHIFT;
        long[] starts = new long[16];
        long[] ends = new long[16];
        int n = 0;
        for (MemoryChunk c : chunks) {
            if (c.kind() != MemoryChunk.Kind.DATA || c.start() >= limit) {
                continue;
            }
            long first = c.start() >>> FRAME_SHIFT;
            long last = (Math.min(c.end(), limit) - 1) >>> FRAME_SHIFT;
            if (n > 0 && first <= ends[n - 1]) {
                ends[n - 1] = Math.max(ends[n - 1], last + 1);
            } else {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                    ends = Arrays.copyOf(ends, n * 2);
                }
                starts[n] = first;
                ends[n] = last + 1;
                n++;
            }
        }
        this.runStart = starts;
        this.runEnd = ends;
        this.runCount = n;
    }

    public long limit() {
        return limit;
    }

    /** Frames covering {@code [0, limit)}; the last one may be partial. */
    public long frameCount() {
        return frameCount;
    }

    /** The number of frames holding data. */
    public long dataFrameCount() {
        long total = 0;
        for (int i = 0; i < runCount; i++) {
            total += runEnd[i] - runStart[i];
        }
        return total;
    }

    /** The byte length of frame {@code frame} (the last one can be shorter than 1 MiB). */
    public long frameLength(long frame) {
        return Math.min(FRAME_SIZE, limit - (frame << FRAME_SHIFT));
    }

    private int runAtOrAfter(long frame) {
        int lo = 0;
        int hi = runCount - 1;
        int result = runCount;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (runEnd[mid] > frame) {
                result = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return result;
    }

    public boolean holdsData(long frame) {
        int r = runAtOrAfter(frame);
        return r < runCount && runStart[r] <= frame;
    }

    /** The first data frame at or after {@code frame}, or {@link #frameCount()} when none follows. */
    public long nextDataFrame(long frame) {
        int r = runAtOrAfter(frame);
        if (r == runCount) {
            return frameCount;
        }
        return Math.max(frame, runStart[r]);
    }

    /** The first frame at or after {@code frame} that holds no data, or {@link #frameCount()}. */
    public long nextZeroFrame(long frame) {
        int r = runAtOrAfter(frame);
        if (r == runCount || runStart[r] > frame) {
            return Math.min(frame, frameCount);
        }
        return runEnd[r];
    }

    /** The DATA chunk that holds all of {@code [address, address+length)}, or null when none does. */
    public MemoryChunk dataChunkCovering(long address, long length) {
        int i = MemoryChunk.indexHolding(chunks, address);
        if (i < 0) {
            return null;
        }
        MemoryChunk c = chunks.get(i);
        return c.kind() == MemoryChunk.Kind.DATA && address + length <= c.end() ? c : null;
    }

    /**
     * Reads {@code [address, address+length)} of memory with zeros wherever the source has a ZERO
     * chunk or no chunk, and the fill pattern on each page that cannot be read.
     */
    public void read(long address, byte[] dst, int off, int length) throws IOException {
        try {
            source.readFilled(address, dst, off, length);
        } catch (StorageReadErrorException e) {
            readPageByPage(address, dst, off, length);
        }
    }

    /** The slow path after a storage error: each page on its own, so one bad page costs only itself. */
    private void readPageByPage(long address, byte[] dst, int off, int length) throws IOException {
        long end = address + length;
        for (long a = address; a < end; ) {
            long pageEnd = Math.min(end, (a & -UnreadablePages.PAGE_SIZE) + UnreadablePages.PAGE_SIZE);
            int n = (int) (pageEnd - a);
            int at = off + (int) (a - address);
            try {
                source.readFilled(a, dst, at, n);
            } catch (StorageReadErrorException e) {
                fillUnreadable(a, dst, at, n);
                unreadable.add(a & -UnreadablePages.PAGE_SIZE);
            }
            a = pageEnd;
        }
    }

    /** Writes the fill pattern of the bytes {@code [address, address+length)} of one unreadable page. */
    public static void fillUnreadable(long address, byte[] dst, int off, int length) {
        byte[] unit = ByteBuffer.allocate(16).put(MARK).putLong(address & -UnreadablePages.PAGE_SIZE).array();
        for (int i = 0; i < length; i++) {
            dst[off + i] = unit[(int) ((address + i) & 15)];
        }
    }

    /** The pages that could not be read so far (written as the fill pattern), ascending. */
    public List<Long> unreadablePages() {
        return List.copyOf(unreadable);
    }

    public MemorySource source() {
        return source;
    }
}
