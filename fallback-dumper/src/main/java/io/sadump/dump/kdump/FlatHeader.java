package io.sadump.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * makedumpfile's {@code struct makedumpfile_header}, the first 4096 bytes of a flattened stream
 * (reference kdump-compressed.md §2.1); big-endian whatever the host.
 */
public record FlatHeader(byte[] signature, long type, long version) {
    /** The header block is {@code MAX_SIZE_MDF_HEADER} bytes, zero after the fields. */
    public static final int SIZE = 4096;
    public static final int SIGNATURE_SIZE = 16;
    /** "makedumpfile" followed by NULs up to 16 bytes. */
    public static final String SIGNATURE = "makedumpfile";
    /** {@code TYPE_FLAT_HEADER}. */
    public static final long TYPE_FLAT = 1;
    /** {@code VERSION_FLAT_HEADER}. makedumpfile -R does not check it (§2.2). */
    public static final long VERSION_FLAT = 1;
    static final int OFF_TYPE = 16;
    static final int OFF_VERSION = 24;

    public FlatHeader {
        if (signature.length != SIGNATURE_SIZE) {
            throw new IllegalArgumentException("the flattened signature has 16 bytes");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The header makedumpfile -F writes. */
    public static FlatHeader standard() {
        byte[] sig = new byte[SIGNATURE_SIZE];
        byte[] s = SIGNATURE.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, sig, 0, s.length);
        return new FlatHeader(sig, TYPE_FLAT, VERSION_FLAT);
    }

    /**
     * Whether the signature is NUL-terminated "makedumpfile", which is what -R compares
     * ({@code strcmp}); bytes after the NUL are not looked at.
     */
    public boolean signatureValid() {
        byte[] s = SIGNATURE.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < s.length; i++) {
            if (signature[i] != s[i]) {
                return false;
            }
        }
        return signature[s.length] == 0;
    }

    /** Whether {@code head} starts with a flattened header -R would take. */
    public static boolean matches(byte[] head, int length) {
        if (length < OFF_VERSION) {
            return false;
        }
        FlatHeader h = read(ByteBuffer.wrap(head, 0, length));
        return h.signatureValid() && h.type() == TYPE_FLAT;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        b.put(0, signature).putLong(OFF_TYPE, type).putLong(OFF_VERSION, version);
        for (int i = OFF_VERSION + 8; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    /** Reads the fields (the first 32 bytes) at the buffer's position. */
    public static FlatHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        byte[] sig = new byte[SIGNATURE_SIZE];
        b.get(0, sig);
        return new FlatHeader(sig, b.getLong(OFF_TYPE), b.getLong(OFF_VERSION));
    }
}
