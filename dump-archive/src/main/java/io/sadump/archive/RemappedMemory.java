package io.sadump.archive;

import io.sadump.meminfo.VmcoreinfoLocator;
import io.sadump.machine.CpuState;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A memory source assembled from ranges of another: each mapping shows {@code [from, from + size)} of
 * the underlying source at {@code [to, to + size)}. Memory no mapping covers is absent. The VMCOREINFO
 * is looked up again in the new view, as a reader of the selected system would find it.
 */
final class RemappedMemory implements MemorySource {
    /** Underlying {@code [from, from + size)} appears at {@code to}. */
    record Mapping(long to, long from, long size) {}

    private final List<MemoryChunk> chunks;
    private final long memorySize;
    private final List<CpuState> cpus;
    private final Optional<String> vmcoreinfo;

    RemappedMemory(MemorySource source, List<Mapping> mappings, long memorySize, List<CpuState> cpus) {
        List<MemoryChunk> out = new ArrayList<>();
        for (Mapping m : mappings) {
            for (MemoryChunk c : source.chunks()) {
                long lo = Math.max(c.start(), m.from());
                long hi = Math.min(c.end(), m.from() + m.size());
                if (lo >= hi) {
                    continue;
                }
                long target = m.to() + (lo - m.from());
                if (c.kind() == MemoryChunk.Kind.ZERO) {
                    out.add(MemoryChunk.zero(target, hi - lo));
                } else {
                    long delta = lo - c.start();
                    MemoryChunk.Data d = c.data();
                    out.add(MemoryChunk.data(target, hi - lo, (off, dst, o, n) -> d.read(delta + off, dst, o, n)));
                }
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
        this.cpus = List.copyOf(cpus);
        this.vmcoreinfo = VmcoreinfoLocator.find(this);
    }

    @Override
    public List<MemoryChunk> chunks() {
        return chunks;
    }

    @Override
    public long memorySize() {
        return memorySize;
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
