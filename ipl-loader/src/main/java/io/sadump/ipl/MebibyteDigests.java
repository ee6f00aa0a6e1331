package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A digest of every MiB of a memory, the reference a dump is checked against: take it from storage
 * when the dump starts ({@link ConsoleListener#dumpStarting}), then compare a dump read back with
 * {@link #compare}. Frames never written (and zero chunks of a dump) are known to be zero without
 * digesting them.
 */
public final class MebibyteDigests {
    static final int MIB = (int) FrameRecord.FRAME_SIZE;

    /** Digests the first {@code len} bytes of a buffer; one per thread. */
    private interface Digester {
        byte[] digest(byte[] b, int len);

        /** Digests the remaining bytes of {@code b}. */
        byte[] digest(ByteBuffer b);
    }

    /** How a MiB is digested. */
    public enum Algorithm {
        /** Any change of a MiB is found; the default. */
        SHA_256,
        /**
         * CRC-32C (hardware-assisted in the JDK), several times cheaper than SHA-256: it finds every
         * single-bit error and every burst of up to 32 bits with certainty, any other change with
         * probability 1 - 2^-32. Campaigns use it: their damage is of the first kind.
         */
        CRC_32C;

        /** A digester for one thread. */
        Digester digester() {
            if (this == SHA_256) {
                MessageDigest sha = sha256();
                return new Digester() {
                    @Override
                    public byte[] digest(byte[] b, int len) {
                        sha.update(b, 0, len);
                        return sha.digest();
                    }

                    @Override
                    public byte[] digest(ByteBuffer b) {
                        sha.update(b);
                        return sha.digest();
                    }
                };
            }
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            return new Digester() {
                @Override
                public byte[] digest(byte[] b, int len) {
                    crc.reset();
                    crc.update(b, 0, len);
                    return value();
                }

                @Override
                public byte[] digest(ByteBuffer b) {
                    crc.reset();
                    crc.update(b);
                    return value();
                }

                private byte[] value() {
                    int v = (int) crc.getValue();
                    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                }
            };
        }
    }

    private final long memorySize;
    private final Algorithm algorithm;
    private final byte[] zeroDigest;
    private final byte[][] digests;

    private MebibyteDigests(long memorySize, Algorithm algorithm, byte[] zeroDigest, byte[][] digests) {
        this.memorySize = memorySize;
        this.algorithm = algorithm;
        this.zeroDigest = zeroDigest;
        this.digests = digests;
    }

    /** SHA-256 digests of {@code storage} now (streamed, one MiB at a time). */
    public static MebibyteDigests of(AbsoluteStorage storage) {
        return of(storage, Algorithm.SHA_256);
    }

    /** Digests of {@code storage} now (streamed, one MiB at a time). */
    public static MebibyteDigests of(AbsoluteStorage storage, Algorithm algorithm) {
        long frames = (storage.size() + MIB - 1) / MIB;
        byte[][] d = new byte[(int) frames][];
        FrameRecord written = storage.writtenFrames();
        byte[] buf = new byte[MIB];
        Digester digest = algorithm.digester();
        byte[] zero = digest.digest(new byte[MIB], MIB);
        for (long f = 0; f < frames; f++) {
            int len = (int) Math.min(MIB, storage.size() - f * MIB);
            if (!written.isWritten(f) && len == MIB) {
                d[(int) f] = zero;
                continue;
            }
            storage.read(f * MIB, buf, 0, len);
            d[(int) f] = digest.digest(buf, len);
        }
        return new MebibyteDigests(storage.size(), algorithm, zero, d);
    }

    /**
     * The same digests as {@link #of(AbsoluteStorage, Algorithm)}, of storage held in a raw image that the
     * caller mapped into {@code image} (buffer index A is absolute address A, as {@code FileStorage} keeps its
     * file): digested where the bytes lie instead of copied out a MiB at a time. Frames {@code written} does
     * not mark are zero without a look, as there.
     */
    public static MebibyteDigests ofImage(ByteBuffer image, FrameRecord written, Algorithm algorithm) {
        long size = image.capacity();
        long frames = (size + MIB - 1) / MIB;
        byte[][] d = new byte[(int) frames][];
        Digester digest = algorithm.digester();
        byte[] zero = digest.digest(new byte[MIB], MIB);
        for (long f = 0; f < frames; f++) {
            int len = (int) Math.min(MIB, size - f * MIB);
            if (!written.isWritten(f) && len == MIB) {
                d[(int) f] = zero;
                continue;
            }
            d[(int) f] = digest.digest(image.duplicate().position((int) (f * MIB)).limit((int) (f * MIB) + len));
        }
        return new MebibyteDigests(size, algorithm, zero, d);
    }

    /**
     * {@link #compare(MemorySource)} of storage held in a raw image the caller mapped into {@code image}
     * (buffer index A is absolute address A); MiBs past its end are absent. Frames {@code written} does not
     * mark are zero without a look, as they are in the storage's memory source.
     */
    public Comparison compareImage(ByteBuffer image, FrameRecord written) {
        List<Long> absent = new ArrayList<>();
        List<Long> different = new ArrayList<>();
        long equal = 0;
        Digester digest = algorithm.digester();
        for (int f = 0; f < digests.length; f++) {
            long start = (long) f * MIB;
            long end = Math.min(memorySize, start + MIB);
            if (end > image.capacity()) {
                absent.add((long) f);
                continue;
            }
            if (Arrays.equals(digestOfImage(digest, image, written, f), digests[f])) {
                equal++;
            } else {
                different.add((long) f);
            }
        }
        return new Comparison(equal, List.copyOf(absent), List.copyOf(different));
    }

    /**
     * These digests with the MiBs that {@code ranges} touch digested again from {@code image} (mapped as in
     * {@link #ofImage}), the others kept: the reference of a storage known to differ from the one digested
     * here only within those ranges (a copy of a template, with the writes since the copy noted). Frames
     * {@code written} does not mark are zero without a look, as there.
     *
     * @param ranges byte ranges {@code [start, end)}, sorted
     */
    public MebibyteDigests withImageRanges(ByteBuffer image, FrameRecord written, List<long[]> ranges) {
        requireImageOfMemory(image);
        byte[][] d = digests.clone();
        Digester digest = algorithm.digester();
        for (long f : mebibytesTouched(ranges)) {
            d[(int) f] = digestOfImage(digest, image, written, f);
        }
        return new MebibyteDigests(memorySize, algorithm, zeroDigest, d);
    }

    /**
     * {@link #compareImage(ByteBuffer, FrameRecord)} of only the MiBs {@code ranges} touch; the others count
     * as equal, unlooked at: for a storage known to have changed, since these digests were taken, only
     * within those ranges.
     *
     * @param ranges byte ranges {@code [start, end)}, sorted
     */
    public Comparison compareImage(ByteBuffer image, FrameRecord written, List<long[]> ranges) {
        requireImageOfMemory(image);
        List<Long> different = new ArrayList<>();
        Digester digest = algorithm.digester();
        for (long f : mebibytesTouched(ranges)) {
            if (!Arrays.equals(digestOfImage(digest, image, written, f), digests[(int) f])) {
                different.add(f);
            }
        }
        return new Comparison(digests.length - different.size(), List.of(), List.copyOf(different));
    }

    /** The MiB {@code f} of an image of this memory: the zero digest for a whole frame never written. */
    private byte[] digestOfImage(Digester digest, ByteBuffer image, FrameRecord written, long f) {
        int start = (int) (f * MIB);
        int end = (int) Math.min(memorySize, start + (long) MIB);
        return !written.isWritten(f) && end - start == MIB ? zeroDigest
                : digest.digest(image.duplicate().position(start).limit(end));
    }

    /** The MiBs of this memory that sorted byte ranges touch, each once, in order. */
    private long[] mebibytesTouched(List<long[]> ranges) {
        java.util.stream.LongStream.Builder out = java.util.stream.LongStream.builder();
        long after = -1; // MiBs up to this one are listed already (ranges may share one)
        for (long[] r : ranges) {
            long last = Math.min(digests.length, (r[1] + MIB - 1) / MIB) - 1;
            for (long f = Math.max(after + 1, r[0] / MIB); f <= last; f++) {
                out.add(f);
                after = f;
            }
        }
        return out.build().toArray();
    }

    private void requireImageOfMemory(ByteBuffer image) {
        if (image.capacity() != memorySize) {
            throw new IllegalArgumentException("the image holds " + image.capacity() + " bytes, not " + memorySize);
        }
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public long memorySize() {
        return memorySize;
    }

    /**
     * What a comparison found.
     *
     * @param equal MiBs whose content equals the reference
     * @param absent MiBs the dump does not hold (wholly or partly), by MiB index
     * @param different MiBs whose content differs, by MiB index
     */
    public record Comparison(long equal, List<Long> absent, List<Long> different) {
        public boolean matches() {
            return different.isEmpty();
        }
    }

    /** Compares {@code dump}'s memory with the reference, MiB by MiB. */
    public Comparison compare(MemorySource dump) throws IOException {
        return compare(dump, 0, digests.length);
    }

    /** Compares MiBs {@code [fromMiB, toMiB)}. */
    private Comparison compare(MemorySource dump, long fromMiB, long toMiB) throws IOException {
        List<Long> absent = new ArrayList<>();
        List<Long> different = new ArrayList<>();
        long equal = 0;
        byte[] buf = new byte[MIB];
        Digester digest = algorithm.digester();
        List<MemoryChunk> chunks = dump.chunks();
        int ci = 0;
        for (long f = fromMiB; f < toMiB; f++) {
            long start = f * MIB;
            long end = Math.min(memorySize, start + MIB);
            while (ci < chunks.size() && chunks.get(ci).end() <= start) {
                ci++;
            }
            // the MiB must be covered by chunks without a gap
            long covered = start;
            boolean allZero = true;
            for (int k = ci; k < chunks.size() && covered < end; k++) {
                MemoryChunk c = chunks.get(k);
                if (c.start() > covered) {
                    break;
                }
                allZero &= c.kind() == MemoryChunk.Kind.ZERO;
                covered = Math.max(covered, c.end());
            }
            if (covered < end) {
                absent.add(f);
                continue;
            }
            byte[] got;
            if (allZero && end - start == MIB) {
                got = zeroDigest;
            } else {
                dump.read(start, buf, 0, (int) (end - start));
                got = digest.digest(buf, (int) (end - start));
            }
            if (Arrays.equals(got, digests[(int) f])) {
                equal++;
            } else {
                different.add(f);
            }
        }
        return new Comparison(equal, List.copyOf(absent), List.copyOf(different));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
