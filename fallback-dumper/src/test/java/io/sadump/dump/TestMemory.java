package io.sadump.dump;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded test systems: storage with a workload and CPUs that did store status; per-MiB digests. */
public final class TestMemory {
    private TestMemory() {}

    public static final long MIB = 1L << 20;

    /** What the storage holds. */
    public enum Workload {
        /** Untouched frames, written-zero frames, random frames, compressible text frames, partial pages. */
        MIXED,
        /** Nothing but the CPUs' save areas. */
        ZERO,
        /** Every frame random (incompressible). */
        RANDOM
    }

    public static AbsoluteStorage storage(Workload w, long size, long seed) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(size);
        SplittableRandom r = new SplittableRandom(seed);
        byte[] frame = new byte[(int) MIB];
        long frames = size / MIB;
        for (long f = 0; f < frames; f++) {
            long a = f * MIB;
            switch (w) {
                case ZERO -> { }
                case RANDOM -> {
                    r.nextBytes(frame);
                    s.write(a, frame);
                }
                case MIXED -> {
                    int pick = r.nextInt(100);
                    if (pick < 40) {
                        continue;
                    } else if (pick < 50) {
                        s.zero(a, MIB);
                    } else if (pick < 70) {
                        r.nextBytes(frame);
                        s.write(a, frame);
                    } else if (pick < 90) {
                        byte[] text = ("frame " + f + " seed " + seed + " the quick brown fox jumps over the lazy dog\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < frame.length; i++) {
                            frame[i] = text[i % text.length];
                        }
                        s.write(a, frame);
                    } else {
                        byte[] page = new byte[4096];
                        r.nextBytes(page);
                        s.write(a + 4096L * r.nextInt(256), page);
                    }
                }
            }
        }
        return s;
    }

    /** {@code count} CPUs with distinct registers; CPU i has prefix 0x20000 + 0x2000 * i (stored). */
    public static List<CpuState> cpus(AbsoluteStorage storage, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        List<CpuState> cpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] gprs = new long[16];
            long[] crs = new long[16];
            long[] fprs = new long[16];
            int[] acrs = new int[16];
            for (int k = 0; k < 16; k++) {
                gprs[k] = r.nextLong();
                crs[k] = r.nextLong();
                fprs[k] = r.nextLong();
                acrs[k] = r.nextInt();
            }
            CpuState c = new CpuState(i, 0x20000L + 0x2000L * i, 0x0704C00180000000L, 0x100000L + 0x40L * i, gprs, acrs,
                    crs, fprs, r.nextInt(), r.nextLong(), r.nextLong(), r.nextInt() & 0xFFFF);
            c.storeStatus(storage, false);
            cpus.add(c);
        }
        return cpus;
    }

    /** SHA-256 of each MiB of storage in [0, limit). */
    public static List<String> digests(AbsoluteStorage s, long limit) {
        List<String> out = new ArrayList<>();
        byte[] b = new byte[(int) MIB];
        for (long a = 0; a < limit; a += MIB) {
            int n = (int) Math.min(MIB, limit - a);
            s.read(a, b, 0, n);
            out.add(sha(b, n));
        }
        return out;
    }

    /** SHA-256 of each MiB of a memory source in [0, limit) (fails on absent memory). */
    public static List<String> digests(MemorySource m, long limit) throws IOException {
        List<String> out = new ArrayList<>();
        byte[] b = new byte[(int) MIB];
        for (long a = 0; a < limit; a += MIB) {
            int n = (int) Math.min(MIB, limit - a);
            m.read(a, b, 0, n);
            out.add(sha(b, n));
        }
        return out;
    }

    public static String sha(byte[] b, int n) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(b, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha(byte[] b) {
        return sha(b, b.length);
    }

    /** Index of the first differing digest, or -1. */
    public static int firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : Math.min(a.size(), b.size());
    }

    static byte[] copy(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }
}
