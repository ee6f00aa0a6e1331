package io.sadump.dump.s390;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.FileRegion;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Reads the classic s390 dump format, from a file ({@code zdump/dfi_s390.c: mem_chunks_add}) or from
 * tape ({@code zdump/dfi_s390tape.c}); docs/formats.md §2, §10. Header checks are
 * zgetdump's; the end marker must say "DUMP_END" with an end TOD not before the start TOD.
 *
 * <p>{@code open...} fail with {@link io.sadump.dump.IncompleteDumpException} when the dump is cut
 * short; {@code inspect...} return it with {@link ReadBackDump#complete()} false and the memory that
 * is there.
 */
public final class ClassicS390DumpReader {
    private ClassicS390DumpReader() {}

    static final int TAPE_BLOCK = ClassicS390DumpWriter.TAPE_BLOCK_SIZE;

    public static ReadBackDump open(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name).requireComplete();
    }

    /** A classic dump in a file: memory at 0x1000, the end marker at {@code 0x1000 + mem_size}. */
    public static ReadBackDump inspect(DumpBlockSource source, String name) throws IOException {
        S390DumpHeader h = S390HeaderChecks.readHeader(source, name);
        S390HeaderChecks.check(h, S390DumpHeader.MAGIC, name);
        if (h.isCompressed()) {
            throw new DumpFormatException(name + ": the classic s390 format has no compression, but zlib_version is "
                    + h.zlibVersion());
        }
        long memSize = h.memSize();
        long size = source.size();
        long have = Math.min(memSize, Math.max(0, size - S390DumpHeader.SIZE)) & ~0xFFFL;
        String problem = null;
        S390EndMarker em = null;
        long emAt = S390DumpHeader.SIZE + memSize;
        if (size < emAt + S390EndMarker.SIZE) {
            problem = String.format("%s: the dump is cut short: %d bytes, the end marker should be at byte 0x%X", name,
                    size, emAt);
        } else {
            byte[] b = new byte[S390EndMarker.SIZE];
            try {
                source.read(emAt, b, 0, b.length);
                S390EndMarker found = S390EndMarker.read(ByteBuffer.wrap(b));
                if (found.isValidFor(h)) {
                    em = found;
                } else {
                    problem = String.format("%s: no valid end marker at byte 0x%X (found %s; the header TOD is %016x)",
                            name, emAt, found, h.tod());
                }
            } catch (EOFException e) {
                problem = String.format("%s: the data ends before the end marker at byte 0x%X", name, emAt);
            }
        }
        List<MemoryChunk> chunks = have == 0 ? List.of()
                : List.of(MemoryChunk.data(0, have, FileRegion.of(source, S390DumpHeader.SIZE)));
        return result(DumpFormat.S390, h, chunks, Optional.ofNullable(em), problem, have, source);
    }

    public static ReadBackDump openTape(TapeBlockSource tape, String name) throws IOException {
        return inspectTape(tape, name).requireComplete();
    }

    /**
     * A classic dump on tape, positioned by block number: block 0 the header, block 1 + A / 32 KiB the
     * memory at A, then the 16-byte end-marker block.
     */
    public static ReadBackDump inspectTape(TapeBlockSource tape, String name) throws IOException {
        byte[] block = new byte[TAPE_BLOCK];
        S390DumpHeader h;
        synchronized (tape) {
            tape.seekBlock(0);
            int n = tape.readBlock(block);
            if (n < S390DumpHeader.SIZE) {
                throw new DumpFormatException(name + ": no valid dump found on tape (the first block has "
                        + (n < 0 ? "no data" : n + " bytes") + ", not a 4096-byte dump header)");
            }
            h = S390DumpHeader.read(ByteBuffer.wrap(block, 0, S390DumpHeader.SIZE));
        }
        if (h.magic() != S390DumpHeader.MAGIC) {
            throw new DumpFormatException(String.format("%s: no valid dump found on tape (header magic %016x)", name,
                    h.magic()));
        }
        S390HeaderChecks.check(h, S390DumpHeader.MAGIC, name);
        if (h.volumeNumber() != 0) {
            throw new DumpFormatException(name + ": found volume number " + h.volumeNumber()
                    + ": multi-volume tape dumps are not supported");
        }
        long memSize = h.memSize();
        long memBlocks = (memSize + TAPE_BLOCK - 1) / TAPE_BLOCK;
        String problem = null;
        S390EndMarker em = null;
        long have = memSize;
        synchronized (tape) {
            tape.seekBlock(1 + memBlocks);
            int n = tape.readBlock(block);
            if (n == S390EndMarker.SIZE || n == 8) {
                S390EndMarker found = S390EndMarker.read(ByteBuffer.wrap(java.util.Arrays.copyOf(block, S390EndMarker.SIZE)));
                if (n == S390EndMarker.SIZE && found.isValidFor(h)) {
                    em = found;
                } else {
                    problem = String.format("%s: no valid end marker in tape block %d (found %s)", name, 1 + memBlocks,
                            found);
                }
            } else {
                problem = String.format("%s: the dump on tape has no end marker after %d memory blocks (%s): it was cut "
                        + "short", name, memBlocks, n == TapeBlockSource.TAPEMARK ? "a tapemark follows too early"
                        : n == TapeBlockSource.END_OF_DATA ? "the tape data ends" : "found a block of " + n + " bytes");
            }
            if (problem != null) {
                have = Math.min(memSize, countMemoryBlocks(tape, block, memBlocks) * TAPE_BLOCK);
            }
        }
        TapeMemory data = new TapeMemory(tape, name);
        List<MemoryChunk> chunks = have == 0 ? List.of() : List.of(MemoryChunk.data(0, have, data));
        return result(DumpFormat.S390_TAPE, h, chunks, Optional.ofNullable(em), problem, have, tape);
    }

    /** How many whole 32 KiB memory blocks follow the header (for a dump cut short). */
    private static long countMemoryBlocks(TapeBlockSource tape, byte[] block, long max) throws IOException {
        tape.seekBlock(1);
        long count = 0;
        while (count < max && tape.readBlock(block) == TAPE_BLOCK) {
            count++;
        }
        return count;
    }

    private static ReadBackDump result(DumpFormat format, S390DumpHeader h, List<MemoryChunk> chunks,
            Optional<S390EndMarker> em, String problem, long have, AutoCloseable resource) {
        long systemSize = Math.max(h.memSize(), h.memSizeReal());
        MemorySource memory = MemorySource.of(chunks, systemSize);
        return new ReadBackDump(format, memory, S390Metadata.of(h, em, memory, have), Optional.ofNullable(problem),
                have, Optional.of(h), em, List.of(resource));
    }

    /** Memory read from 32 KiB tape blocks, one block cached. */
    private static final class TapeMemory implements MemoryChunk.Data {
        private final TapeBlockSource tape;
        private final String name;
        private final byte[] block = new byte[TAPE_BLOCK];
        private long cached = -1;

        TapeMemory(TapeBlockSource tape, String name) {
            this.tape = tape;
            this.name = name;
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
            synchronized (tape) {
                long off = offset;
                int o = dstOffset;
                int left = length;
                while (left > 0) {
                    long index = off / TAPE_BLOCK;
                    int within = (int) (off % TAPE_BLOCK);
                    if (cached != index) {
                        cached = -1;
                        tape.seekBlock(1 + index);
                        int n = tape.readBlock(block);
                        if (n != TAPE_BLOCK) {
                            throw new IOException(String.format("%s: tape block %d (memory 0x%X) has %d bytes, not 32768",
                                    name, 1 + index, index * TAPE_BLOCK, n));
                        }
                        cached = index;
                    }
                    int n = Math.min(left, TAPE_BLOCK - within);
                    System.arraycopy(block, within, dst, o, n);
                    off += n;
                    o += n;
                    left -= n;
                }
            }
        }
    }
}
