package io.sadump.machine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The view {@link MemorySource#map} builds: chunks of the source cut to each mapping and moved. */
final class MappedMemory implements MemorySource {
    private final List<MemoryChunk> chunks;
    private final long memorySize;

    MappedMemory(MemorySource source, List<MemoryMapping> mappings, long memorySize) {
        List<MemoryChunk> in = source.chunks();
        List<MemoryChunk> out = new ArrayList<>();
        for (MemoryMapping m : mappings) {
            long fromEnd = m.from() + m.size();
            for (int i = MemoryChunk.indexFrom(in, m.from()); i < in.size() && in.get(i).start() < fromEnd; i++) {
                MemoryChunk c = in.get(i);
                long lo = Math.max(c.start(), m.from());
                long hi = Math.min(c.end(), fromEnd);
                long target = m.to() + (lo - m.from());
                out.add(c.kind() == MemoryChunk.Kind.ZERO ? MemoryChunk.zero(target, hi - lo)
                        : MemoryChunk.data(target, hi - lo, c.data().from(lo - c.start())));
            }
        }
        out.sort(Comparator.comparingLong(MemoryChunk::start));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).start() < out.get(i - 1).end()) {
                throw new IllegalArgumentException(String.format("mappings overlap at 0x%X", out.get(i).start()));
            }
        }
        this.chunks = List.copyOf(out);
        this.memorySize = memorySize;
    }

    @Override
    public List<MemoryChunk> chunks() {
        return chunks;
    }

    @Override
    public long memorySize() {
        return memorySize;
    }
}
