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
        FrameRecord frames = storage.writtenFrames();
        List<MemoryChunk> result = new ArrayList<>();
        long lastFrame = FrameRecord.framesFor(limit);
        long frame = 0;
        while (frame < lastFrame) {
            boolean written = frames.isWritten(frame);
            long next = Math.min(lastFrame, written ? frames.nextUnwritten(frame) : nextWrittenOrEnd(frames, frame));
            long start = frame << FrameRecord.FRAME_SHIFT;
            long end = Math.min(limit, next << FrameRecord.FRAME_SHIFT);
            if (written) {
                result.add(MemoryChunk.data(start, end - start,
                        (offset, dst, off, len) -> storage.read(start + offset, dst, off, len)));
            } else {
                result.add(MemoryChunk.zero(start, end - start));
            }
            frame = next;
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
