package io.sadump.dump;

import io.sadump.machine.MemoryChunk;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * The bytes of a memory chunk that lie contiguous in a file: a classic s390 dump's memory, an ELF
 * core's {@code PT_LOAD} data. Besides reading them into a buffer, a writer can copy them into a file
 * with {@link #transferTo}, which the kernel does without passing the bytes through the JVM
 * ({@link FileChannel#transferTo}: {@code sendfile} or {@code copy_file_range} on Linux). A conversion
 * whose output holds the same bytes in the same order (s390 to ELF and back) then costs what copying
 * the file costs.
 */
public final class FileRegion implements MemoryChunk.Data {
    private final FileChannel channel;
    private final long base;

    /**
     * @param channel the file
     * @param base the file offset of the chunk's first byte
     */
    public FileRegion(FileChannel channel, long base) {
        if (base < 0) {
            throw new IllegalArgumentException("negative file offset " + base);
        }
        this.channel = channel;
        this.base = base;
    }

    /** The chunk data of a source: a region of its file when the source is a plain file, else reads. */
    public static MemoryChunk.Data of(DumpBlockSource source, long base) {
        Optional<FileChannel> file = source.fileChannel();
        if (file.isPresent()) {
            return new FileRegion(file.get(), base);
        }
        return (offset, dst, dstOffset, length) -> source.read(base + offset, dst, dstOffset, length);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, dstOffset, length);
        long pos = base + offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                throw new EOFException(String.format("dump data ends at byte 0x%X, needed up to 0x%X", pos,
                        base + offset + length));
            }
            pos += n;
        }
    }

    /**
     * Copies {@code length} bytes at {@code offset} (from the chunk's start) to {@code target} at its
     * position, which advances by {@code length}.
     *
     * @return true (the bytes always lie in the file)
     * @throws EOFException when the file ends before the range does
     */
    @Override
    public boolean transferTo(long offset, long length, FileChannel target) throws IOException {
        long pos = base + offset;
        long end = pos + length;
        while (pos < end) {
            long n = channel.transferTo(pos, end - pos, target);
            if (n <= 0) {
                if (pos >= channel.size()) {
                    throw new EOFException(String.format("dump data ends at byte 0x%X, needed up to 0x%X", pos, end));
                }
                // the target took nothing this time (it may be a pipe that is full); copy a piece through a buffer
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(end - pos, 1 << 16));
                read(pos - base, b.array(), 0, b.capacity());
                while (b.hasRemaining()) {
                    target.write(b);
                }
                n = b.capacity();
            }
            pos += n;
        }
        return true;
    }

    /** A region of the same file: a chunk cut out of this one can still be copied by the kernel. */
    @Override
    public MemoryChunk.Data from(long delta) {
        return delta == 0 ? this : new FileRegion(channel, base + delta);
    }
}
