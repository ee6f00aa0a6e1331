package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a storage range, streamed in bounded chunks (never a buffer of the segment's size), as
 * the kexec segment table records it and the verdict checks it (docs/abi.md §6; the digest covers
 * storage {@code [mem, mem + memsz)}, which includes the zero-filled tail beyond {@code bufsz}, as
 * kexec-tools' purgatory digest does, docs/abi.md §1.2).
 */
public final class StorageDigest {
    /** Bytes read per step. */
    public static final int CHUNK_SIZE = 1 << 20;

    private StorageDigest() {}

    /**
     * SHA-256 of storage {@code [address, address + length)}.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when the range is not inside storage
     */
    public static byte[] sha256(AbsoluteStorage storage, long address, long length) {
        storage.checkRange(address, length);
        MessageDigest md = newSha256();
        byte[] buf = new byte[(int) Math.min(CHUNK_SIZE, Math.max(length, 1))];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buf.length, length - done);
            storage.read(address + done, buf, 0, n);
            md.update(buf, 0, n);
            done += n;
        }
        return md.digest();
    }

    /** SHA-256 of a byte array (for small blobs such as a command line). */
    public static byte[] sha256(byte[] data) {
        return newSha256().digest(data);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
