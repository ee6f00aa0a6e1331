package io.sadump.campaign;

import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A CRC-32C of every MiB of storage: the campaign's fast reference for "the dump reads back as storage
 * was". CRC-32C (hardware-assisted in the JDK) detects every single-bit error and every error burst of up
 * to 32 bits with certainty, and any other change of a MiB with probability 1 - 2^-32; a campaign's
 * damage is of the first kind, and SHA-256 ({@link MebibyteDigests}) costs several times more per MiB.
 * The comparison semantics are those of {@link MebibyteDigests#compare}: a MiB not wholly covered by the
 * dump's chunks is absent; frames never written and zero chunks are known to be zero without reading.
 */
public final class FrameChecksums implements StorageReference {
    private static final int MIB = (int) FrameRecord.FRAME_SIZE;
    private static final int ZERO_CRC = crc(new byte[MIB], MIB);

    private final long memorySize;
    private final int[] crcs;

    private FrameChecksums(long memorySize, int[] crcs) {
        this.memorySize = memorySize;
        this.crcs = crcs;
    }

    /** The checksums of {@code storage} now (streamed, one MiB at a time). */
    public static FrameChecksums of(AbsoluteStorage storage) {
        long frames = (storage.size() + MIB - 1) / MIB;
        int[] c = new int[(int) frames];
        FrameRecord written = storage.writtenFrames();
        byte[] buf = new byte[MIB];
        for (long f = 0; f < frames; f++) {
            int len = (int) Math.min(MIB, storage.size() - f * MIB);
            if (!written.isWritten(f) && len == MIB) {
                c[(int) f] = ZERO_CRC;
                continue;
            }
            storage.read(f * MIB, buf, 0, len);
            c[(int) f] = crc(buf, len);
        }
        return new FrameChecksums(storage.size(), c);
    }

    @Override
    public long memorySize() {
        return memorySize;
    }

    @Override
    public MebibyteDigests.Comparison compare(MemorySource dump) throws IOException {
        List<Long> absent = new ArrayList<>();
        List<Long> different = new ArrayList<>();
        long equal = 0;
        byte[] buf = new byte[MIB];
        List<MemoryChunk> chunks = dump.chunks();
        int ci = 0;
        for (long f = 0; f < crcs.length; f++) {
            long start = f * MIB;
            long end = Math.min(memorySize, start + MIB);
            while (ci < chunks.size() && chunks.get(ci).end() <= start) {
                ci++;
            }
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
            int got;
            if (allZero && end - start == MIB) {
                got = ZERO_CRC;
            } else {
                dump.read(start, buf, 0, (int) (end - start));
                got = crc(buf, (int) (end - start));
            }
            if (got == crcs[(int) f]) {
                equal++;
            } else {
                different.add(f);
            }
        }
        return new MebibyteDigests.Comparison(equal, List.copyOf(absent), List.copyOf(different));
    }

    private static int crc(byte[] b, int len) {
        CRC32C c = new CRC32C();
        c.update(b, 0, len);
        return (int) c.getValue();
    }
}
