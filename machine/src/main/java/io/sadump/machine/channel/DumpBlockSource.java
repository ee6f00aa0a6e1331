package io.sadump.machine.channel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * The bytes of a dump as a reader sees them: a file, or a DASD partition read through its driver
 * (the 3390 driver's extent implements this itself). Reads are positional; offset 0 is the first
 * byte of the dump (its header). Implementations must be safe for use from several threads.
 */
public interface DumpBlockSource extends AutoCloseable {
    /** The size in bytes: the file length, or the partition size of a volume. */
    long size() throws IOException;

    /**
     * Reads exactly {@code length} bytes at {@code position}.
     *
     * @throws EOFException when the range reaches beyond the data that exists (a truncated dump)
     */
    void read(long position, byte[] dst, int offset, int length) throws IOException;

    @Override
    default void close() throws IOException {}

    /**
     * The file whose byte at position P is the source's byte P, when the source is a plain file (so that
     * a writer can let the kernel copy ranges of it); empty otherwise.
     */
    default Optional<FileChannel> fileChannel() {
        return Optional.empty();
    }

    /** A file channel (its size is the file's size); closing the source closes the channel. */
    static DumpBlockSource of(FileChannel channel) {
        return of(channel, -1);
    }

    /**
     * A file channel that holds a partition of {@code partitionSize} bytes; the file may be shorter
     * when the writer did not fill the partition (reads beyond its end fail with EOF). A negative
     * size means "the file's size".
     */
    static DumpBlockSource of(FileChannel channel, long partitionSize) {
        return new DumpBlockSource() {
            @Override
            public long size() throws IOException {
                return partitionSize >= 0 ? partitionSize : channel.size();
            }

            @Override
            public Optional<FileChannel> fileChannel() {
                return Optional.of(channel);
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                requireInside(position, length);
                ByteBuffer b = ByteBuffer.wrap(dst, offset, length);
                long pos = position;
                while (b.hasRemaining()) {
                    int n = channel.read(b, pos);
                    if (n < 0) {
                        throw new EOFException(String.format("dump data ends at byte 0x%X, needed up to 0x%X", pos,
                                position + length));
                    }
                    pos += n;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** A seekable channel; reads are serialised because they move the channel's position. */
    static DumpBlockSource of(SeekableByteChannel channel) {
        if (channel instanceof FileChannel fc) {
            return of(fc);
        }
        return new DumpBlockSource() {
            @Override
            public synchronized long size() throws IOException {
                return channel.size();
            }

            @Override
            public synchronized void read(long position, byte[] dst, int offset, int length) throws IOException {
                requireInside(position, length);
                channel.position(position);
                ByteBuffer b = ByteBuffer.wrap(dst, offset, length);
                while (b.hasRemaining()) {
                    if (channel.read(b) < 0) {
                        throw new EOFException(String.format("dump data ends at byte 0x%X, needed up to 0x%X",
                                position + b.position() - offset, position + length));
                    }
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /**
     * A position a dump's own fields gave (an unsigned offset with the top bit set reads as negative) is
     * outside every dump: EOF, as for any range beyond the data.
     */
    private static void requireInside(long position, int length) throws EOFException {
        if (position < 0 || length < 0 || position + length < 0) {
            throw new EOFException(String.format("dump data ends before byte 0x%X (a read of %d bytes there was asked)",
                    position, length));
        }
    }

    /** Bytes in memory (tests, small dumps). */
    static DumpBlockSource ofBytes(byte[] data) {
        return new DumpBlockSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                if (position < 0 || length < 0 || position > data.length - length) {
                    throw new EOFException(String.format("dump data ends at byte 0x%X, needed up to 0x%X",
                            data.length, position + length));
                }
                System.arraycopy(data, (int) position, dst, offset, length);
            }
        };
    }
}
