package io.sadump.archive;

import io.sadump.machine.output.UnbufferedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The compressed byte stream of an archive, written to a channel (the archive file). Everything the
 * tar holds goes through here: the headers commons-compress writes (through {@link #asStream()}) and
 * the dump's data, handed over in large buffers ({@link #write(ByteBuffer)}), heap or direct.
 *
 * <p>Each kind compresses through its Java stream ({@link ArchiveCompression#compress}; for zstd,
 * zstd-jni's stream with its worker threads): a heap buffer's array goes to the compressor in place,
 * in one call per buffer, not one per 512-byte tar record; a direct buffer is copied through a small
 * array first. The compressed bytes go to the file through a {@link WriteBehindOutput}.
 * {@link #finish()} ends the compressed stream; {@link #close()} frees the compressor and closes the
 * target channel.
 */
abstract class CompressingChannel implements WritableByteChannel {
    /**
     * Buffers of compressed bytes on their way to the file (what the file's writer may lag behind). An
     * unbuffered write returns only when the device has the bytes, so these are what absorbs a slow
     * moment of the disk: 32 MiB, about 0.2 s of zstd 3 output on two cores.
     */
    static final int OUT_BUFFERS = 32;
    /** The size of each: compressed bytes are written to the file in these pieces. */
    static final int OUT_BUFFER = 1 << 20;
    /** Copy buffer for direct buffers given to a stream compressor. */
    static final int COPY = 1 << 16;

    private boolean open = true;

    /** A compressor of the given kind writing into {@code target}. */
    static CompressingChannel open(ArchiveCompression kind, WritableByteChannel target, int level, int threads)
            throws IOException {
        return open(kind, target, null, level, threads);
    }

    /**
     * A compressor writing into a new, empty file through {@code unbuffered} (past the page cache; null
     * to write {@code target}); {@code target} is the file's own channel, left at position 0, through
     * which the caller syncs it. Uncompressed output is written through {@code target}.
     */
    static CompressingChannel open(ArchiveCompression kind, WritableByteChannel target, UnbufferedChannel unbuffered,
            int level, int threads) throws IOException {
        if (kind == ArchiveCompression.NONE) {
            return new Plain(target);
        }
        return new Streamed(target, unbuffered, kind, level, threads);
    }

    /** Ends the compressed stream (the trailer, checksums) and writes out everything. */
    abstract void finish() throws IOException;

    /** Frees the compressor and closes the target; call {@link #finish()} first for a complete stream. */
    abstract void release() throws IOException;

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public final void close() throws IOException {
        if (open) {
            open = false;
            release();
        }
    }

    /** The same stream as an {@link OutputStream} (for commons-compress); closing the view does nothing. */
    OutputStream asStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                CompressingChannel.this.write(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** No compression: the tar goes to the file as it is. */
    private static final class Plain extends CompressingChannel {
        private final WritableByteChannel target;

        Plain(WritableByteChannel target) {
            this.target = target;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            writeFully(target, src);
            return n;
        }

        @Override
        void finish() {
            // nothing buffered
        }

        @Override
        void release() throws IOException {
            target.close();
        }
    }

    /**
     * A compressor stream (zstd, xz, gzip) writing to the file through a {@link WriteBehindOutput}, so
     * that the compressor never waits for the file.
     */
    private static final class Streamed extends CompressingChannel {
        private final WritableByteChannel target;
        private final WriteBehindOutput writer;
        private final OutputStream stream;
        private byte[] copy;

        Streamed(WritableByteChannel target, UnbufferedChannel unbuffered, ArchiveCompression kind, int level,
                int threads) throws IOException {
            this.target = target;
            this.writer = new WriteBehindOutput(target, unbuffered, OUT_BUFFERS, OUT_BUFFER);
            OutputStream compressing;
            try {
                compressing = kind.compress(new WriteBehindStream(writer), level, threads);
            } catch (IOException | RuntimeException e) {
                writer.close();
                throw e;
            }
            this.stream = compressing;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (src.hasArray()) {
                stream.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
                return n;
            }
            if (copy == null) {
                copy = new byte[COPY];
            }
            while (src.hasRemaining()) {
                int k = Math.min(copy.length, src.remaining());
                src.get(copy, 0, k);
                stream.write(copy, 0, k);
            }
            return n;
        }

        @Override
        void finish() throws IOException {
            // closing the compressor stream writes its trailer and closes the file's stream, which hands
            // the last buffer to the writer and waits until all of them are written
            stream.close();
        }

        @Override
        void release() throws IOException {
            try {
                stream.close(); // frees the compressor; after finish() it does nothing
            } finally {
                try {
                    writer.close();
                } finally {
                    target.close();
                }
            }
        }
    }

    /**
     * The stream a compressor writes into: its bytes are gathered in the writer's buffers, each handed
     * to the writer when full. Flushing it does nothing: the writer writes each buffer as soon as it has
     * it. {@link #close()} hands over the last buffer and waits until everything is written.
     */
    private static final class WriteBehindStream extends OutputStream {
        private final WriteBehindOutput writer;
        private ByteBuffer buf;
        private boolean closed;

        WriteBehindStream(WriteBehindOutput writer) throws IOException {
            this.writer = writer;
            this.buf = writer.take();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the archive's compressed stream is already ended");
            }
            while (len > 0) {
                int k = Math.min(len, buf.remaining());
                buf.put(b, off, k);
                off += k;
                len -= k;
                if (!buf.hasRemaining()) {
                    writer.submit(buf.flip());
                    buf = writer.take();
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (buf.position() > 0) {
                    writer.submit(buf.flip());
                }
                buf = null;
                writer.finish();
            }
        }
    }
}
