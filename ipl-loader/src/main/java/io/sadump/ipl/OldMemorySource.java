package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Old memory as the kdump kernel sees it after the swap, by the mapping of {@code copy_oldmem}
 * (reference/kernel-kdump.md §3.6): old address A in {@code [0, size)} reads physical {@code A + base};
 * the crashkernel range {@code [base, base+size)} itself is left out of the dump (it held the kdump
 * kernel, not the production system's data); everything else reads 1:1.
 */
public final class OldMemorySource implements MemorySource {
    private final AbsoluteStorage storage;
    private final CrashkernelRange crashkernel;
    private final List<CpuState> cpus;
    private final Optional<String> vmcoreinfo;
    private final List<MemoryChunk> chunks;

    public OldMemorySource(AbsoluteStorage storage, CrashkernelRange crashkernel, List<CpuState> cpus,
            Optional<String> vmcoreinfo) {
        this.storage = storage;
        this.crashkernel = crashkernel;
        this.cpus = List.copyOf(cpus);
        this.vmcoreinfo = vmcoreinfo;
        this.chunks = List.copyOf(buildChunks());
    }

    /** The physical address that holds old address {@code old}. */
    public long physical(long old) {
        long base = crashkernel.base();
        long size = crashkernel.size();
        if (old < size) {
            return old + base;
        }
        if (crashkernel.contains(old)) {
            return old - base;
        }
        return old;
    }

    /** Reads old memory through the mapping (also inside the left-out range, as copy_oldmem can). */
    public void readOld(long old, byte[] dst, int off, int len) {
        while (len > 0) {
            long boundary = nextBoundary(old);
            int n = (int) Math.min(len, boundary - old);
            storage.read(physical(old), dst, off, n);
            old += n;
            off += n;
            len -= n;
        }
    }

    public long readOldU64(long old) {
        byte[] b = new byte[8];
        readOld(old, b, 0, 8);
        return java.nio.ByteBuffer.wrap(b).getLong();
    }

    private long nextBoundary(long old) {
        long base = crashkernel.base();
        long size = crashkernel.size();
        if (old < size) {
            return size;
        }
        if (old < base) {
            return base;
        }
        if (old < base + size) {
            return base + size;
        }
        return storage.size();
    }

    private List<MemoryChunk> buildChunks() {
        List<MemoryChunk> result = new ArrayList<>();
        addMapped(result, 0, crashkernel.size());
        addMapped(result, crashkernel.size(), crashkernel.base());
        addMapped(result, crashkernel.end(), storage.size());
        return result;
    }

    /** Adds chunks for old {@code [from, to)}, which maps contiguously; ZERO where frames were never written. */
    private void addMapped(List<MemoryChunk> out, long from, long to) {
        if (from < to) {
            out.addAll(StorageMemorySource.chunksOf(storage, from, to, physical(from) - from));
        }
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
