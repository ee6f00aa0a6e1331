package io.sadump.machine;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
                result.add(MemoryChunk.data(start, end - start, new StorageBytes(storage, unreadable, start)));
            } else {
                result.add(MemoryChunk.zero(start, end - start));
            }
            start = end;
        }
        return result;
    }

    /**
     * The bytes of storage from {@code base} on, read with one check for unreadable pages per call; a
     * file-backed storage's bytes are copied by the kernel when a writer asks ({@link #transferTo}).
     */
    private static final class StorageBytes implements MemoryChunk.Data {
        private final AbsoluteStorage storage;
        private final UnreadablePages unreadable;
        private final long base;

        StorageBytes(AbsoluteStorage storage, UnreadablePages unreadable, long base) {
            this.storage = storage;
            this.unreadable = unreadable;
            this.base = base;
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
            check(offset, length);
            storage.read(base + offset, dst, dstOffset, length);
        }

        @Override
        public boolean transferTo(long offset, long length, FileChannel target) throws IOException {
            check(offset, length);
            return storage.transferTo(base + offset, length, target);
        }

        @Override
        public MemoryChunk.Data from(long delta) {
            return delta == 0 ? this : new StorageBytes(storage, unreadable, base + delta);
        }

        private void check(long offset, long length) throws StorageReadErrorException {
            long bad = unreadable.firstIn(base + offset, length);
            if (bad >= 0) {
                throw new StorageReadErrorException(bad);
            }
        }
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
