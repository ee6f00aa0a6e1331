package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BooleanSupplier;

/**
 * SHA-256 of a storage range, streamed in bounded chunks (never a buffer of the segment's size), as
 * the kexec segment table records it and the verdict checks it (docs/abi.md §6; the digest covers
 * storage {@code [mem, mem + memsz)}, which includes the zero-filled tail beyond {@code bufsz}, as
 * kexec-tools' purgatory digest does, docs/abi.md §1.2).
 */
public final class StorageDigest {
    /** Bytes read per step: few reads, and the chunk stays in the core's cache while it is hashed. */
    public static final int CHUNK_SIZE = 256 << 10;
    /** Bytes the warm-up hands to the digest per call ({@link SegmentDigests#warmUp()}). */
    static final int UPDATE_SIZE = 16 << 10;

    private StorageDigest() {}

    /**
     * SHA-256 of storage {@code [address, address + length)}.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when the range is not inside storage
     */
    public static byte[] sha256(AbsoluteStorage storage, long address, long length) {
        return sha256(storage, address, length, () -> false);
    }

    /**
     * SHA-256 of storage {@code [address, address + length)}, or null when {@code abandon} said yes
     * between two chunks (the digest is no longer needed).
     */
    static byte[] sha256(AbsoluteStorage storage, long address, long length, BooleanSupplier abandon) {
        storage.checkRange(address, length);
        MessageDigest md = newSha256();
        // A direct buffer: file-backed storage reads into it with the kernel's copy only (a heap array
        // costs the JDK a second copy through a direct buffer of its own), and the digest takes it in
        // pieces of a few KiB that stay in the core's first-level cache.
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_SIZE, Math.max(length, 1)));
        for (long done = 0; done < length; ) {
            if (abandon.getAsBoolean()) {
                return null;
            }
            int n = (int) Math.min(buf.capacity(), length - done);
            buf.clear().limit(n);
            storage.read(address + done, buf);
            buf.flip();
            md.update(buf);
            done += n;
        }
        return md.digest();
    }

    /** SHA-256 of a byte array (for small blobs such as a command line). */
    public static byte[] sha256(byte[] data) {
        return newSha256().digest(data);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
