package io.sadump.campaign;

import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.MemorySource;
import java.io.IOException;

/**
 * What storage held when a dump started, MiB by MiB, to compare a dump read back with: SHA-256 per MiB
 * ({@link MebibyteDigests}, the default) or CRC-32C per MiB ({@link FrameChecksums}, what a campaign uses
 * for speed).
 */
public interface StorageReference {
    /** Compares {@code dump}'s memory with the reference, MiB by MiB. */
    MebibyteDigests.Comparison compare(MemorySource dump) throws IOException;

    /** The size of the memory the reference covers. */
    long memorySize();

    /** A SHA-256 reference. */
    static StorageReference of(MebibyteDigests digests) {
        return new StorageReference() {
            @Override
            public MebibyteDigests.Comparison compare(MemorySource dump) throws IOException {
                return digests.compare(dump);
            }

            @Override
            public long memorySize() {
                return digests.memorySize();
            }
        };
    }
}
