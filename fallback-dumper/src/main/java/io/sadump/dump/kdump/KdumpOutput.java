package io.sadump.dump.kdump;

import java.io.IOException;

/**
 * Where a kdump-compressed writer's positioned writes go: a file (each write lands at its offset) or a
 * flattened stream (each write becomes one record, reference kdump-compressed.md §2.3). The writer makes
 * the same writes in the same order for both, so reassembling the stream gives the file.
 */
public interface KdumpOutput {
    /** Writes {@code length} bytes of {@code b} at {@code offset} of the dump file. */
    void write(long offset, byte[] b, int off, int length) throws IOException;

    /**
     * Writes the header again after the dump was cut short (status with the incomplete bit, §1.8);
     * false when the output cannot go back (a stream).
     */
    boolean rewrite(long offset, byte[] b) throws IOException;

    /** Ends the output (a stream's end marker). */
    void finish() throws IOException;

    /** Bytes the output has taken so far (the file's size, or the stream's length). */
    long size();
}
