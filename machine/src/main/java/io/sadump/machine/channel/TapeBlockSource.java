package io.sadump.machine.channel;

import java.io.IOException;

/**
 * A tape file read block by block, as zgetdump reads a dump tape through the st driver
 * (docs/formats.md §2.2): block 0 is the first block after the tapemark that closes the dump tool
 * file, i.e. the dump header.
 */
public interface TapeBlockSource extends AutoCloseable {
    /** {@link #readBlock} returns this when it passes a tapemark. */
    int TAPEMARK = -1;
    /** {@link #readBlock} returns this at the end of the recorded data. */
    int END_OF_DATA = -2;

    /**
     * Reads the next block into {@code dst} (at most {@code dst.length} bytes; a longer block is
     * truncated) and returns its full length, or {@link #TAPEMARK} or {@link #END_OF_DATA}.
     */
    int readBlock(byte[] dst) throws IOException;

    /** Positions before block {@code block} of the dump file (0 = the header block). */
    void seekBlock(long block) throws IOException;

    @Override
    default void close() throws IOException {}
}
