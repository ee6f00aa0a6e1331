package io.sadump.archive.format;

import io.sadump.dump.DumpProgressListener;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Writes memory and its metadata as one format's file, streamed (zgetdump's {@code dfo_*} output
 * formats). The size is known before a byte is written, so the file can go into a tar entry without
 * being buffered.
 */
public interface DumpFormatWriter {
    /** The exact size of the file {@link #write} writes. */
    long plannedSize(MemorySource memory, DumpMetadata metadata);

    /**
     * Writes the file and returns the bytes written.
     *
     * @throws IOException on I/O errors, or when the writer produced another size than it planned (a bug
     *     that would corrupt a tar entry)
     */
    default long write(MemorySource memory, DumpMetadata metadata, WritableByteChannel out,
            DumpProgressListener listener) throws IOException {
        long planned = plannedSize(memory, metadata);
        long written = writeFile(memory, metadata, out, listener);
        if (written != planned) {
            throw new IOException("the writer produced " + written + " bytes where " + planned + " were planned");
        }
        return written;
    }

    /**
     * Whether {@link #write} takes a {@link java.nio.channels.FileChannel} on a pipe (one that cannot
     * seek) and moves file bytes into it with the kernel; a writer that does not is given a pipe as a
     * plain stream.
     */
    default boolean writesIntoPipes() {
        return false;
    }

    /** Writes the file; returns the size the writer reports. */
    long writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out, DumpProgressListener listener)
            throws IOException;
}
