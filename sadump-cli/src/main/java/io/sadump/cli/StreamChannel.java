package io.sadump.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * An output stream as a channel that hands heap buffers over whole ({@code Channels.newChannel} copies
 * through 8 KiB pieces, which costs a system call each on stdout).
 */
final class StreamChannel implements WritableByteChannel {
    private final OutputStream out;
    private final byte[] copy = new byte[1 << 16];
    private boolean open = true;

    StreamChannel(OutputStream out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            while (src.hasRemaining()) {
                int k = Math.min(copy.length, src.remaining());
                src.get(copy, 0, k);
                out.write(copy, 0, k);
            }
        }
        return n;
    }

    /** Whether {@code fd} is a pipe or socket (it has no position), not a file or a device. */
    static boolean isPipe(FileChannel fd) {
        try {
            fd.position();
            return false;
        } catch (IOException illegalSeek) {
            return true;
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        out.flush();
    }
}
