package io.sadump.archive.format;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.FileRegion;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.elf.ElfProgramHeader;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;

/**
 * An ELF core written into a pipe (zgetdump's {@code -o -}) with the memory bytes moved by the kernel:
 * memory that lies in a file ({@link FileRegion}, a classic s390 dump's, an ELF core's) goes from the
 * page cache into the pipe with {@code sendfile} ({@link FileChannel#transferTo}), so the JVM never
 * touches it. The {@link ElfCoreWriter} copies file regions that way only into a seekable file; here
 * it lays the core out (the headers and notes, a {@code PT_LOAD} per memory range, their offsets) and
 * this writes the memory at those offsets, in order, zeros where the layout has gaps. The bytes are the
 * ones the writer writes into a stream.
 */
final class ElfPipeOutput {
    /** Read and zero-write size for memory that is not a file region. */
    static final int BUFFER = 1 << 20;
    /** Bytes per kernel copy between progress reports. */
    static final long TRANSFER = 64L << 20;

    private final FileChannel pipe;
    private final DumpProgressListener listener;
    private long position;
    private byte[] buffer;

    private ElfPipeOutput(FileChannel pipe, DumpProgressListener listener) {
        this.pipe = pipe;
        this.listener = listener;
    }

    /** Whether {@code out} is a file channel on a pipe or socket (it cannot tell or set a position). */
    static boolean isPipe(FileChannel out) {
        try {
            out.position();
            return false;
        } catch (IOException illegalSeek) {
            return true;
        }
    }

    /** Writes the core of {@code memory} into {@code pipe}; returns the bytes written. */
    static long write(ElfCoreWriter writer, MemorySource memory, DumpMetadata metadata, FileChannel pipe,
            DumpProgressListener listener) throws IOException {
        // The layout: the writer run over the same chunks, all zero, into a channel that keeps its
        // headers and notes (a seekable target: the zeros cost nothing).
        List<MemoryChunk> shape = memory.chunks().stream().map(c -> MemoryChunk.zero(c.start(), c.size())).toList();
        HeadCapture head = new HeadCapture();
        ElfCoreWriter.Result layout = writer.write(MemorySource.of(shape, memory.memorySize()), metadata, head);
        List<ElfProgramHeader> loads = layout.programHeaders().stream()
                .filter(p -> p.type() == ElfProgramHeader.PT_LOAD).toList();
        long headEnd = loads.isEmpty() ? layout.fileSize() : loads.get(0).offset();
        if (headEnd > HeadCapture.LIMIT) {
            throw new IOException("the ELF headers and notes end at byte " + headEnd + ", beyond the "
                    + HeadCapture.LIMIT + " bytes a pipe's header is built in");
        }
        ElfPipeOutput out = new ElfPipeOutput(pipe, listener);
        out.writeFully(ByteBuffer.wrap(head.bytes(), 0, (int) headEnd));
        long total = loads.stream().mapToLong(ElfProgramHeader::filesz).sum();
        long done = 0;
        for (ElfProgramHeader p : loads) {
            out.zerosTo(p.offset());
            done = out.memory(memory, p.paddr(), p.paddr() + p.filesz(), done, total);
        }
        out.zerosTo(layout.fileSize());
        listener.progress(total, total, out.position);
        return out.position;
    }

    /** Writes memory {@code [start, end)}: every address there lies in a chunk (the layout says so). */
    private long memory(MemorySource memory, long start, long end, long done, long total) throws IOException {
        List<MemoryChunk> chunks = memory.chunks();
        long a = start;
        for (int i = MemoryChunk.indexFrom(chunks, start); a < end; i++) {
            MemoryChunk c = chunks.get(i);
            if (c.start() > a) {
                throw new IOException(String.format("no memory at 0x%X for the core's PT_LOAD", a));
            }
            long to = Math.min(end, c.end());
            while (a < to) {
                long n;
                if (c.kind() == MemoryChunk.Kind.ZERO) {
                    n = Math.min(to - a, BUFFER);
                    zeros(n);
                } else if (c.data() instanceof FileRegion region) {
                    n = Math.min(to - a, TRANSFER);
                    // the kernel moves the bytes from the page cache into the pipe
                    region.transferTo(a - c.start(), n, pipe);
                    position += n;
                } else {
                    n = Math.min(to - a, BUFFER);
                    byte[] b = buffer();
                    c.data().read(a - c.start(), b, 0, (int) n);
                    writeFully(ByteBuffer.wrap(b, 0, (int) n));
                }
                a += n;
                done += n;
                listener.progress(done, total, position);
            }
        }
        return done;
    }

    private byte[] buffer() {
        if (buffer == null) {
            buffer = new byte[BUFFER];
        }
        return buffer;
    }

    private void zeros(long n) throws IOException {
        byte[] b = buffer();
        Arrays.fill(b, (byte) 0);
        while (n > 0) {
            int k = (int) Math.min(n, b.length);
            writeFully(ByteBuffer.wrap(b, 0, k));
            n -= k;
        }
    }

    private void zerosTo(long offset) throws IOException {
        if (offset < position) {
            throw new IOException("the core's layout goes back from byte " + position + " to " + offset);
        }
        zeros(offset - position);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        position += b.remaining();
        while (b.hasRemaining()) {
            pipe.write(b);
        }
    }

    /**
     * A seekable channel that keeps what is written into its first {@link #LIMIT} bytes (the headers
     * and notes of a core; at most 65535 program headers) and drops the rest.
     */
    private static final class HeadCapture implements SeekableByteChannel {
        static final int LIMIT = 16 << 20;
        private byte[] bytes = new byte[1 << 16];
        private long position;
        private long size;

        byte[] bytes() {
            return bytes;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            if (position < LIMIT) {
                int keep = (int) Math.min(n, LIMIT - position);
                int end = (int) position + keep;
                if (end > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(end, Math.min(LIMIT, bytes.length * 2)));
                }
                src.get(bytes, (int) position, keep);
            }
            src.position(src.limit());
            position += n;
            size = Math.max(size, position);
            return n;
        }

        /** Reads back the kept head; a byte past it was dropped and cannot be read. */
        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= size) {
                return -1;
            }
            if (position >= LIMIT) {
                throw new IOException("only the first " + LIMIT + " bytes of the core are kept; byte " + position
                        + " was not");
            }
            int n = (int) Math.min(dst.remaining(), Math.min(size, LIMIT) - position);
            int kept = (int) Math.max(0, Math.min(n, bytes.length - position));
            dst.put(bytes, (int) position, kept);
            for (int i = kept; i < n; i++) {
                dst.put((byte) 0); // never written: a gap reads as zeros
            }
            position += n;
            return n;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long newSize) {
            size = Math.min(size, newSize);
            return this;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
