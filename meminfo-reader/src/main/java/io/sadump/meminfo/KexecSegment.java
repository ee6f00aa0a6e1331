package io.sadump.meminfo;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One 64-byte record of the kexec segment table (docs/abi.md §6).
 *
 * <pre>
 * +0   8  mem     absolute address inside crashkernel memory (before the swap)
 * +8   8  memsz   bytes the segment occupies
 * +16  8  bufsz   bytes loaded; the rest of memsz was zero-filled at load
 * +24  8  kind    {@link SegmentKind}
 * +32 32  sha256  SHA-256 of storage [mem, mem + memsz)
 * </pre>
 */
public record KexecSegment(long mem, long memsz, long bufsz, SegmentKind kind, byte[] sha256) {
    public static final int SIZE = 64;
    public static final int MEM_OFFSET = 0;
    public static final int MEMSZ_OFFSET = 8;
    public static final int BUFSZ_OFFSET = 16;
    public static final int KIND_OFFSET = 24;
    public static final int SHA256_OFFSET = 32;
    public static final int SHA256_SIZE = 32;

    public KexecSegment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != SHA256_SIZE) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    /** Reads 64 bytes at the buffer's position; an unknown kind is a {@link MeminfoFormatException}. */
    public static KexecSegment read(ByteBuffer in) {
        long mem = in.getLong();
        long memsz = in.getLong();
        long bufsz = in.getLong();
        long kind = in.getLong();
        byte[] digest = new byte[SHA256_SIZE];
        in.get(digest);
        return new KexecSegment(mem, memsz, bufsz, SegmentKind.of(kind), digest);
    }

    public void write(ByteBuffer out) {
        out.putLong(mem).putLong(memsz).putLong(bufsz).putLong(kind.code()).put(sha256);
    }

    /** The exclusive end {@code mem + memsz}, or -1 when it overflows 64 bits unsigned. */
    public long end() {
        long e = mem + memsz;
        return Long.compareUnsigned(e, mem) < 0 ? -1 : e;
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    public KexecSegment withSha256(byte[] digest) {
        return new KexecSegment(mem, memsz, bufsz, kind, digest);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KexecSegment)) {
            return false;
        }
        KexecSegment s = (KexecSegment) o;
        return mem == s.mem && memsz == s.memsz && bufsz == s.bufsz && kind == s.kind
                && Arrays.equals(sha256, s.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mem, memsz, bufsz, kind) * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return String.format("KexecSegment[%s mem=0x%X memsz=0x%X bufsz=0x%X sha256=%s]", kind.label(), mem, memsz,
                bufsz, sha256Hex());
    }
}
