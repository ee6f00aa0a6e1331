package io.sadump.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Live absolute storage as a {@link MemorySource}: runs of written frames are DATA chunks, runs of
 * never-written frames are ZERO chunks (taken from the frame record, never from scanning).
 */
public final class StorageMemorySource implements MemorySource {
    private final AbsoluteStorage storage;
    private final List<CpuState> cpus;
    private final Optional<String> vmcoreinfo;
    private final List<MemoryChunk> chunks;

    public StorageMemorySource(AbsoluteStorage storage, List<CpuState> cpus, Optional<String> vmcoreinfo) {
        this(storage, storage.size(), cpus, vmcoreinfo);
    }

    /** A view of storage {@code [0, limit)}, for a dump with a size limit. */
    public StorageMemorySource(AbsoluteStorage storage, long limit, List<CpuState> cpus, Optional<String> vmcoreinfo) {
        if (limit <= 0 || limit > storage.size()) {
            throw new IllegalArgumentException("limit must be within storage");
        }
        this.storage = storage;
        this.cpus = List.copyOf(cpus);
        this.vmcoreinfo = vmcoreinfo;
        this.chunks = List.copyOf(buildChunks(storage, limit));
    }

    private static List<MemoryChunk> buildChunks(AbsoluteStorage storage, long limit) {
        return chunksOf(storage, 0, limit, 0);
    }

    /**
     * Chunks for addresses {@code [from, to)} whose bytes sit at physical {@code address + shift}:
     * DATA where the frame record says a frame was written, ZERO elsewhere (never scanned). {@code
     * shift} must be a multiple of 1 MiB, so frame boundaries map onto frame boundaries; a view that
     * remaps memory (the kdump kernel's old memory) calls this once per contiguously mapped range.
     */
    public static List<MemoryChunk> chunksOf(AbsoluteStorage storage, long from, long to, long shift) {
        if (shift % FrameRecord.FRAME_SIZE != 0) {
            throw new IllegalArgumentException("shift must be a multiple of 1 MiB");
        }
        FrameRecord frames = storage.writtenFrames();
        List<MemoryChunk> result = new ArrayList<>();
        long start = from;
        while (start < to) {
            long physStart = start + shift;
            long frame = physStart >>> FrameRecord.FRAME_SHIFT;
            boolean written = frames.isWritten(frame);
            long next = written ? frames.nextUnwritten(frame) : nextWrittenOrEnd(frames, frame);
            long end = Math.min(to, (next << FrameRecord.FRAME_SHIFT) - shift);
            if (written) {
                result.add(MemoryChunk.data(start, end - start,
                        (offset, dst, off, len) -> storage.read(physStart + offset, dst, off, len)));
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

    @Override
    public List<CpuState> cpus() {
        return cpus;
    }

    @Override
    public Optional<String> vmcoreinfo() {
        return vmcoreinfo;
    }
}
