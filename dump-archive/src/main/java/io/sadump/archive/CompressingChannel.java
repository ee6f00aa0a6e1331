package io.sadump.archive;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import io.sadump.dump.ZstdNativeLibrary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The compressed byte stream of an archive, written to a channel (the archive file). Everything the
 * tar holds goes through here: the headers commons-compress writes (through {@link #asStream()}) and
 * the dump's data, handed over in large buffers ({@link #write(ByteBuffer)}), heap or direct.
 *
 * <p>zstd is driven through {@link ZstdCompressCtx} streaming calls on whole buffers, with its worker
 * threads: a direct buffer goes to the compressor without a copy into the Java heap, and there is one
 * native call per buffer, not one per 512-byte tar record. The other kinds use their Java streams.
 * {@link #finish()} ends the compressed stream; {@link #close()} frees the compressor and closes the
 * target channel.
 */
abstract class CompressingChannel implements WritableByteChannel {
    /** Output buffer of the zstd compressor (compressed bytes are written to the file in these pieces). */
    static final int ZSTD_OUT = 1 << 20;
    /** Copy buffer for direct buffers given to a stream compressor. */
    static final int COPY = 1 << 16;

    private boolean open = true;

    /** A compressor of the given kind writing into {@code target}. */
    static CompressingChannel open(ArchiveCompression kind, WritableByteChannel target, int level, int threads)
            throws IOException {
        if (kind == ArchiveCompression.ZSTD) {
            ZstdNativeLibrary.require();
            return new Zstd(target, level, threads);
        }
        if (kind == ArchiveCompression.NONE) {
            return new Plain(target);
        }
        return new Streamed(target, kind, level, threads);
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

    /**
     * zstd through its streaming API ({@code ZSTD_compressStream2}), with worker threads; the compressed
     * bytes go to the file through a {@link WriteBehindOutput}.
     */
    private static final class Zstd extends CompressingChannel {
        /** Compressed buffers in flight to the file (what the writer may lag behind). */
        static final int OUT_BUFFERS = 8;

        private final WritableByteChannel target;
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private final WriteBehindOutput writer;
        private ByteBuffer out;

        Zstd(WritableByteChannel target, int level, int threads) throws IOException {
            this.target = target;
            ctx.setLevel(level);
            ctx.setChecksum(true);
            if (threads > 1) {
                ctx.setWorkers(threads);
            }
            writer = new WriteBehindOutput(target, OUT_BUFFERS, ZSTD_OUT);
            out = writer.take();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            while (src.hasRemaining()) {
                ctx.compressByteBufferStream(out, src, EndDirective.CONTINUE);
                if (!out.hasRemaining()) {
                    drain();
                }
            }
            return n;
        }

        private void drain() throws IOException {
            out.flip();
            writer.submit(out);
            out = writer.take();
        }

        @Override
        void finish() throws IOException {
            ByteBuffer none = ByteBuffer.allocate(0);
            boolean done;
            do {
                done = ctx.compressByteBufferStream(out, none, EndDirective.END);
                if (done || !out.hasRemaining()) {
                    drain();
                }
            } while (!done);
            writer.finish();
        }

        @Override
        void release() throws IOException {
            try {
                writer.close();
                ctx.close();
            } finally {
                target.close();
            }
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

    /** xz and gzip: their Java compressor streams. */
    private static final class Streamed extends CompressingChannel {
        private final WritableByteChannel target;
        private final OutputStream stream;
        private byte[] copy;

        Streamed(WritableByteChannel target, ArchiveCompression kind, int level, int threads) throws IOException {
            this.target = target;
            OutputStream file = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(target),
                    1 << 20);
            this.stream = kind.compress(file, level, threads);
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
            // closing the compressor stream writes its trailer and flushes the buffer into the target
            stream.close();
        }

        @Override
        void release() throws IOException {
            try {
                stream.close();
            } finally {
                target.close();
            }
        }
    }
}
