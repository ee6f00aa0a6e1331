package io.sadump.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * Live absolute storage as a {@link MemorySource}: runs of written frames are DATA chunks, runs of
 * never-written frames are ZERO chunks (taken from the frame record, never from scanning).
 *
 * <p>A read touching one of the storage's {@link AbsoluteStorage#unreadablePages() unreadable pages}
 * throws {@link StorageReadErrorException} naming the page (one check per read call). A 1 MiB frame
 * holding such a page is a DATA chunk even if never written, so a writer that skips zero frames still
 * reads it and meets the error, as a dumper reading all of storage would.
 */
public final class StorageMemorySource implements MemorySource {
    private final AbsoluteStorage storage;
    private final List<MemoryChunk> chunks;
    private final UnreadablePages unreadable;

    public StorageMemorySource(AbsoluteStorage storage) {
        this(storage, storage.size());
    }

    /** A view of storage {@code [0, limit)}, for a dump with a size limit. */
    public StorageMemorySource(AbsoluteStorage storage, long limit) {
        if (limit <= 0 || limit > storage.size()) {
            throw new IllegalArgumentException("limit must be within storage");
        }
        this.storage = storage;
        this.unreadable = storage.unreadablePages();
        this.chunks = List.copyOf(chunksOf(storage, limit, unreadable));
    }

    /** DATA where the frame record says a frame was written, ZERO elsewhere (never scanned). */
    private static List<MemoryChunk> chunksOf(AbsoluteStorage storage, long limit, UnreadablePages unreadable) {
        FrameRecord frames = unreadable.isEmpty() ? storage.writtenFrames() : withErrorFrames(storage, unreadable);
        List<MemoryChunk> result = new ArrayList<>();
        long start = 0;
        while (start < limit) {
            long frame = start >>> FrameRecord.FRAME_SHIFT;
            boolean written = frames.isWritten(frame);
            long next = written ? frames.nextUnwritten(frame) : nextWrittenOrEnd(frames, frame);
            long end = Math.min(limit, next << FrameRecord.FRAME_SHIFT);
            if (written) {
                long from = start;
                result.add(MemoryChunk.data(start, end - start, (offset, dst, off, len) -> {
                    long bad = unreadable.firstIn(from + offset, len);
                    if (bad >= 0) {
                        throw new StorageReadErrorException(bad);
                    }
                    storage.read(from + offset, dst, off, len);
                }));
            } else {
                result.add(MemoryChunk.zero(start, end - start));
            }
            start = end;
        }
        return result;
    }

    /** The frame record with the frames of unreadable pages marked as written (a copy). */
    private static FrameRecord withErrorFrames(AbsoluteStorage storage, UnreadablePages unreadable) {
        FrameRecord copy = new FrameRecord(storage.size());
        copy.markWrittenFrom(storage.writtenFrames());
        for (long page : unreadable.pages()) {
            if (page < storage.size()) {
                copy.markWritten(page, UnreadablePages.PAGE_SIZE);
            }
        }
        return copy;
    }

    /**
     * This view without its unreadable pages: they are absent (in no chunk), the rest reads as before.
     * What a core collector that knows the damaged pages in advance dumps (makedumpfile leaves out the
     * pages the first kernel marked hardware-poisoned).
     */
    public MemorySource readablePart() {
        if (unreadable.isEmpty()) {
            return this;
        }
        List<MemoryChunk> out = new ArrayList<>();
        for (MemoryChunk c : chunks) {
            long a = c.start();
            while (a < c.end()) {
                long bad = unreadable.firstIn(a, c.end() - a);
                long to = bad < 0 ? c.end() : bad;
                if (to > a) {
                    out.add(c.kind() == MemoryChunk.Kind.ZERO ? MemoryChunk.zero(a, to - a)
                            : MemoryChunk.data(a, to - a, c.data().from(a - c.start())));
                }
                if (bad < 0) {
                    break;
                }
                a = Math.min(c.end(), bad + UnreadablePages.PAGE_SIZE);
            }
        }
        return MemorySource.of(out, memorySize());
    }

    /** The unreadable pages this view was made with. */
    public UnreadablePages unreadablePages() {
        return unreadable;
    }

    private static long nextWrittenOrEnd(FrameRecord frames, long frame) {
        long n = frames.nextWritten(frame);
        return n < 0 ? frames.frameCount() : n;
    }

    @Override
    public List<MemoryChunk> chunks() {
        return chunks;
    }

    @Override
    public long memorySize() {
        return storage.size();
    }
}
