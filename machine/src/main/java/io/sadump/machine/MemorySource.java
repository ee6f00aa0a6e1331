package io.sadump.machine;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The view in the middle of sadump: every producer of memory offers it (live storage, old memory seen
 * by the kdump kernel, a dump on DASD or tape, a vmcore) and every consumer takes it (format writers,
 * the verifier, the archiver). A conversion is a reader's source plugged into a writer.
 *
 * <p>Memory not covered by any chunk is absent (the format does not hold it).
 */
public interface MemorySource extends AutoCloseable {
    /** Chunks sorted by address, not overlapping. */
    List<MemoryChunk> chunks();

    /** The size of the system's memory (one past the highest address the system had). */
    long memorySize();

    /** The CPUs' saved registers, IPL/boot CPU first. */
    List<CpuState> cpus();

    /** The VMCOREINFO text when one is known. */
    Optional<String> vmcoreinfo();

    /**
     * Reads {@code length} bytes at {@code address}, across chunks.
     *
     * @throws MemoryAbsentException if part of the range is in no chunk
     */
    default void read(long address, byte[] dst, int offset, int length) throws IOException {
        List<MemoryChunk> chunks = chunks();
        int index = MemoryChunk.indexHolding(chunks, address);
        long a = address;
        int off = offset;
        int left = length;
        while (left > 0) {
            if (index < 0 || index >= chunks.size() || !chunks.get(index).contains(a)) {
                throw new MemoryAbsentException(a);
            }
            MemoryChunk c = chunks.get(index);
            int n = (int) Math.min(left, c.end() - a);
            c.data().read(a - c.start(), dst, off, n);
            a += n;
            off += n;
            left -= n;
            index++;
        }
    }

    @Override
    default void close() throws IOException {}
}
