package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * SHA-256 of a storage range, streamed in bounded chunks (never a buffer of the segment's size), as
 * the kexec segment table records it and the verdict checks it (docs/abi.md §6; the digest covers
 * storage {@code [mem, mem + memsz)}, which includes the zero-filled tail beyond {@code bufsz}, as
 * kexec-tools' purgatory digest does, docs/abi.md §1.2).
 */
public final class StorageDigest {
    /** Bytes the warm-up hands to the digest per call ({@link SegmentDigests#warmUp()}). */
    static final int UPDATE_SIZE = 16 << 10;

    /** A digest nobody abandons. */
    private static final BooleanSupplier NEVER = () -> false;

    private StorageDigest() {}

    /**
     * SHA-256 of storage {@code [address, address + length)}.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when the range is not inside storage
     */
    public static byte[] sha256(AbsoluteStorage storage, long address, long length) {
        return sha256(storage, address, length, NEVER);
    }

    /**
     * SHA-256 of storage {@code [address, address + length)}, or null when {@code abandon} said yes
     * between two chunks (the digest is no longer needed).
     */
    static byte[] sha256(AbsoluteStorage storage, long address, long length, BooleanSupplier abandon) {
        Feed feed = new Feed(newSha256(), abandon);
        // File-backed storage hands over its mapped pages (no copy into a buffer first); the digest takes
        // them in pieces that stay in the core's cache while they are hashed.
        return storage.scan(address, length, feed) ? feed.md.digest() : null;
    }

    /**
     * Hands storage's pieces to the digest until it is abandoned. A named class where a lambda would do:
     * linking a lambda costs a fresh process milliseconds, inside the verdict.
     */
    private static final class Feed implements Predicate<ByteBuffer> {
        final MessageDigest md;
        private final BooleanSupplier abandon;

        Feed(MessageDigest md, BooleanSupplier abandon) {
            this.md = md;
            this.abandon = abandon;
        }

        @Override
        public boolean test(ByteBuffer piece) {
            if (abandon.getAsBoolean()) {
                return false;
            }
            md.update(piece);
            return true;
        }
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
