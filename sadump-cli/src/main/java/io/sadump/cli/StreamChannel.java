package io.sadump.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

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

    /** The stream that writes to the process's stdout, as main found it (tests replace System.out). */
    private static volatile PrintStream processStdout;

    /** Called by main: {@code out} writes to file descriptor 1. */
    static void processStdoutIs(PrintStream out) {
        processStdout = out;
    }

    /**
     * The process's stdout as a file channel when {@code out} writes to it and it is a pipe or socket
     * (it has no position), for a writer that moves file bytes into it with the kernel; not closed by
     * anyone (it is fd 1).
     */
    static Optional<FileChannel> pipeBehind(PrintStream out) {
        if (out == null || out != processStdout) {
            return Optional.empty();
        }
        out.flush();
        FileChannel fd = new FileOutputStream(FileDescriptor.out).getChannel();
        try {
            fd.position();
            return Optional.empty();
        } catch (IOException illegalSeek) {
            return Optional.of(fd);
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
