package io.sadump.machine.output;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A channel on a file that bypasses the page cache (Linux {@code O_DIRECT}, the JDK's
 * {@code ExtendedOpenOption.DIRECT}). Every write must start at a file position that is a multiple of
 * {@code alignment}, be a multiple of it long, and come from a direct buffer whose address is a multiple
 * of it ({@link java.nio.ByteBuffer#alignedSlice}); the JDK refuses anything else with an IOException.
 * The data is on the device when a write returns, though perhaps only in its volatile cache: a sync of
 * the file is still needed to keep it.
 *
 * @param channel open for writing, unbuffered
 * @param alignment the file system's block size, a power of two
 */
public record UnbufferedChannel(FileChannel channel, int alignment) {
    /** The largest alignment a caller need handle; a file system asking for more is written buffered. */
    static final int MAX_ALIGNMENT = 1 << 16;

    /**
     * Opens {@code file}, which must exist, for unbuffered writes; empty where the platform or the file
     * system cannot (tmpfs before Linux 6.6, most non-Linux systems) or names an alignment beyond
     * {@link #MAX_ALIGNMENT}.
     */
    static Optional<UnbufferedChannel> open(Path file) {
        long block;
        try {
            block = Files.getFileStore(file).getBlockSize();
        } catch (IOException | UnsupportedOperationException unknown) {
            return Optional.empty();
        }
        if (block <= 0 || block > MAX_ALIGNMENT || Long.bitCount(block) != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UnbufferedChannel(FileChannel.open(file, StandardOpenOption.WRITE,
                    com.sun.nio.file.ExtendedOpenOption.DIRECT), (int) block));
        } catch (IOException | UnsupportedOperationException refused) {
            return Optional.empty(); // the file system does not do O_DIRECT (EINVAL): write it buffered
        }
    }
}
