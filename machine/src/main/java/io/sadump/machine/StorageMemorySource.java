package io.sadump.machine;

import java.util.ArrayList;
import java.util.List;

/**
 * Live absolute storage as a {@link MemorySource}: runs of written frames are DATA chunks, runs of
 * never-written frames are ZERO chunks (taken from the frame record, never from scanning).
 */
public final class StorageMemorySource implements MemorySource {
    private final AbsoluteStorage storage;
    private final List<MemoryChunk> chunks;

    public StorageMemorySource(AbsoluteStorage storage) {
        this(storage, storage.size());
    }

    /** A view of storage {@code [0, limit)}, for a dump with a size limit. */
    public StorageMemorySource(AbsoluteStorage storage, long limit) {
        if (limit <= 0 || limit > storage.size()) {
            throw new IllegalArgumentException("limit must be within storage");
        }
        this.storage = storage;
        this.chunks = List.copyOf(chunksOf(storage, limit));
    }

    /** DATA where the frame record says a frame was written, ZERO elsewhere (never scanned). */
    private static List<MemoryChunk> chunksOf(AbsoluteStorage storage, long limit) {
        FrameRecord frames = storage.writtenFrames();
        List<MemoryChunk> result = new ArrayList<>();
        long start = 0;
        while (start < limit) {
            long frame = start >>> FrameRecord.FRAME_SHIFT;
            boolean written = frames.isWritten(frame);
            long next = written ? frames.nextUnwritten(frame) : nextWrittenOrEnd(frames, frame);
            long end = Math.min(limit, next << FrameRecord.FRAME_SHIFT);
            if (written) {
                long from = start;
                result.add(MemoryChunk.data(start, end - start,
                        (offset, dst, off, len) -> storage.read(from + offset, dst, off, len)));
            } else {
                result.add(MemoryChunk.zero(start, end - start));
            }
            start = end;
        }
        return result;
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
