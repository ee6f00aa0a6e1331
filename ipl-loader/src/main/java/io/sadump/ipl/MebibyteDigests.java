package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SHA-256 of every MiB of a memory, the reference a dump is checked against: take it from storage
 * when the dump starts ({@link ConsoleListener#dumpStarting}), then compare a dump read back with
 * {@link #compare}. Frames never written (and zero chunks of a dump) are known to be zero without
 * hashing them.
 */
public final class MebibyteDigests {
    static final int MIB = (int) FrameRecord.FRAME_SIZE;
    private static final byte[] ZERO_DIGEST = sha256().digest(new byte[MIB]);

    private final long memorySize;
    private final byte[][] digests;

    private MebibyteDigests(long memorySize, byte[][] digests) {
        this.memorySize = memorySize;
        this.digests = digests;
    }

    /** Digests of {@code storage} now (streamed, one MiB at a time). */
    public static MebibyteDigests of(AbsoluteStorage storage) {
        long frames = (storage.size() + MIB - 1) / MIB;
        byte[][] d = new byte[(int) frames][];
        FrameRecord written = storage.writtenFrames();
        byte[] buf = new byte[MIB];
        MessageDigest sha = sha256();
        for (long f = 0; f < frames; f++) {
            int len = (int) Math.min(MIB, storage.size() - f * MIB);
            if (!written.isWritten(f) && len == MIB) {
                d[(int) f] = ZERO_DIGEST;
                continue;
            }
            storage.read(f * MIB, buf, 0, len);
            sha.update(buf, 0, len);
            d[(int) f] = sha.digest();
        }
        return new MebibyteDigests(storage.size(), d);
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
        MessageDigest sha = sha256();
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
                got = ZERO_DIGEST;
            } else {
                dump.read(start, buf, 0, (int) (end - start));
                sha.update(buf, 0, (int) (end - start));
                got = sha.digest();
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
