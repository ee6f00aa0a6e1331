package io.sadump.machine.channel;

import java.io.IOException;

/**
 * Where the tape dump writer puts its data: variable-length blocks and tapemarks, in order. A tape
 * driver implements it; it signals end of tape with {@link DumpDeviceFullException} (the dumper's
 * "Device too small", 0x4600, docs/formats.md §2.2).
 */
public interface TapeBlockSink {
    /** Writes one block of {@code length} bytes. */
    void writeBlock(byte[] buf, int off, int length) throws IOException;

    /** Writes a tapemark. */
    void writeTapemark() throws IOException;

    /** Pushes written blocks to the medium. */
    default void flush() throws IOException {}
}
