package io.sadump.machine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The memory in the middle of sadump: every producer of memory offers it (live storage, old memory
 * seen by the kdump kernel, a dump on DASD or tape, a vmcore) and every consumer takes it (format
 * writers, the verifier, the archiver). What a dump says about itself (CPUs, VMCOREINFO, times) is not
 * memory: it travels beside the view as a {@link DumpMetadata}.
 *
 * <p>Memory not covered by any chunk is absent (the format does not hold it).
 */
public interface MemorySource extends AutoCloseable {
    /** Chunks sorted by address, not overlapping. */
    List<MemoryChunk> chunks();

    /** The size of the system's memory (one past the highest address the system had). */
    long memorySize();

    /**
     * Reads {@code length} bytes at {@code address}, across chunks.
     *
     * @throws MemoryAbsentException if part of the range is in no chunk
     */
    default void read(long address, byte[] dst, int offset, int length) throws IOException {
        read(address, dst, offset, length, false);
    }

    /**
     * Reads {@code length} bytes at {@code address} with zeros where no chunk holds memory, as the
     * stand-alone dumper writes memory a source does not have.
     */
    default void readFilled(long address, byte[] dst, int offset, int length) throws IOException {
        read(address, dst, offset, length, true);
    }

    private void read(long address, byte[] dst, int offset, int length, boolean fillAbsent) throws IOException {
        List<MemoryChunk> chunks = chunks();
        int index = MemoryChunk.indexFrom(chunks, address);
        long a = address;
        int off = offset;
        int left = length;
        while (left > 0) {
            MemoryChunk c = index < chunks.size() ? chunks.get(index) : null;
            if (c == null || c.start() > a) {
                if (!fillAbsent) {
                    throw new MemoryAbsentException(a);
                }
                int n = (int) (c == null ? left : Math.min(left, c.start() - a));
                Arrays.fill(dst, off, off + n, (byte) 0);
                a += n;
                off += n;
                left -= n;
                continue;
            }
            int n = (int) Math.min(left, c.end() - a);
            c.data().read(a - c.start(), dst, off, n);
            a += n;
            off += n;
            left -= n;
            index++;
        }
    }

    /**
     * A new view built from ranges of this one (zgetdump's {@code dfi_mem_map}): each mapping shows
     * this source's {@code [from, from + size)} at {@code [to, to + size)}; memory no mapping covers is
     * absent. The kdump kernel's old memory and a system selected from a dump are such views.
     *
     * @param memorySize the memory size the new view reports
     * @throws IllegalArgumentException when two mappings land on the same addresses
     */
    default MemorySource map(List<MemoryMapping> mappings, long memorySize) {
        List<MemoryChunk> in = chunks();
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
        return of(out, memorySize);
    }

    /** A view of chunks already built (sorted, not overlapping). */
    static MemorySource of(List<MemoryChunk> chunks, long memorySize) {
        List<MemoryChunk> copy = List.copyOf(chunks);
        return new MemorySource() {
            @Override
            public List<MemoryChunk> chunks() {
                return copy;
            }

            @Override
            public long memorySize() {
                return memorySize;
            }
        };
    }

    @Override
    default void close() throws IOException {}
}
