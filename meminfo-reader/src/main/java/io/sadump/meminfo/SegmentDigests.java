package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SHA-256 digests of kexec segments as storage holds them now (docs/abi.md §6), hashed on all cores
 * at once, one segment per core (a SHA-256 stream cannot be split), the largest first. Digests are
 * kept, so the verdict and a report of the same storage hash each segment once. One instance belongs
 * to one look at storage: it does not notice later writes. Not for concurrent use.
 */
public final class SegmentDigests {
    private final AbsoluteStorage storage;
    private final Map<Range, byte[]> known = new HashMap<>();

    private record Range(long mem, long memsz) {}

    /** Bytes the warm-up hashes: enough calls for the JIT to compile the JDK's SHA-256 loops with C2. */
    static final int WARM_UP_BYTES = 32 << 20;

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts, once per process, a daemon thread that hashes {@value #WARM_UP_BYTES} bytes of zeros and
     * returns at once. The JDK's SHA-256 uses the CPU's SHA instructions only in C2-compiled code; a
     * fresh JVM hashes its first MiBs slowly while the compiler catches up. A program that will check
     * segments soon (a verdict) calls this first, so that the compiling overlaps its own start-up on a
     * core that is idle then, instead of the hashing on every core.
     */
    public static void warmUp() {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            byte[] zeros = new byte[StorageDigest.UPDATE_SIZE];
            MessageDigest md = StorageDigest.newSha256();
            for (int done = 0; done < WARM_UP_BYTES; done += zeros.length) {
                md.update(zeros);
            }
            md.digest();
        }, "sha256-warm-up");
        t.setDaemon(true);
        t.start();
    }

    public SegmentDigests(AbsoluteStorage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * The index of the first segment, in list order, whose storage no longer matches its recorded
     * digest, or -1 when all match. The result and any storage failure are those of checking the
     * segments one by one in order: a failure reading a segment after the first mismatch is not
     * reported, and segments after it are abandoned.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when a segment lies outside storage
     */
    public int firstMismatch(List<KexecSegment> segments) {
        byte[][] digests = compute(segments, true);
        for (int i = 0; i < segments.size(); i++) {
            if (!MessageDigest.isEqual(digests[i], segments.get(i).sha256())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The SHA-256 of each segment's storage {@code [mem, mem + memsz)}, in list order.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when a segment lies outside storage
     */
    public List<byte[]> digests(List<KexecSegment> segments) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] d : compute(segments, false)) {
            out.add(d.clone());
        }
        return out;
    }

    /**
     * Digests in list order. With {@code stopAtMismatch}, entries after the first mismatch may be null
     * (abandoned) and their failures are dropped, as a check in order would never have reached them.
     */
    private byte[][] compute(List<KexecSegment> segments, boolean stopAtMismatch) {
        byte[][] result = new byte[segments.size()][];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            KexecSegment s = segments.get(i);
            result[i] = known.get(new Range(s.mem(), s.memsz()));
            if (result[i] == null) {
                missing.add(i);
            }
        }
        int threads = Math.min(missing.size(), Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            for (int i = 0; i < segments.size(); i++) {
                KexecSegment s = segments.get(i);
                if (result[i] == null) {
                    result[i] = remember(s, StorageDigest.sha256(storage, s.mem(), s.memsz()));
                }
                if (stopAtMismatch && !MessageDigest.isEqual(result[i], s.sha256())) {
                    break;
                }
            }
            return result;
        }
        // The earliest known mismatch: a segment after it need not be finished.
        AtomicInteger firstBad = new AtomicInteger(Integer.MAX_VALUE);
        for (int i = 0; stopAtMismatch && i < segments.size(); i++) {
            if (result[i] != null && !MessageDigest.isEqual(result[i], segments.get(i).sha256())) {
                firstBad.set(i);
                break;
            }
        }
        AtomicBoolean finished = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "segment-digest");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Integer, Future<byte[]>> futures = new HashMap<>();
            List<Integer> largestFirst = new ArrayList<>(missing);
            largestFirst.sort(Comparator.comparingLong((Integer i) -> segments.get(i).memsz()).reversed());
            for (int i : largestFirst) {
                KexecSegment s = segments.get(i);
                futures.put(i, pool.submit(() -> {
                    byte[] d = StorageDigest.sha256(storage, s.mem(), s.memsz(),
                            () -> finished.get() || (stopAtMismatch && firstBad.get() < i));
                    if (d != null && stopAtMismatch && !MessageDigest.isEqual(d, s.sha256())) {
                        firstBad.accumulateAndGet(i, Math::min);
                    }
                    return d;
                }));
            }
            for (int i = 0; i < segments.size(); i++) {
                if (result[i] == null) {
                    byte[] d = await(futures.get(i));
                    if (d == null) {
                        break; // abandoned: an earlier segment mismatched, and the caller stops there
                    }
                    result[i] = remember(segments.get(i), d);
                }
                if (stopAtMismatch && !MessageDigest.isEqual(result[i], segments.get(i).sha256())) {
                    break;
                }
            }
            return result;
        } finally {
            // Never interrupt: an interrupted read closes the storage's file channel. The flag ends
            // the remaining digests at their next chunk, and storage is not touched after the return.
            finished.set(true);
            pool.shutdown();
            awaitQuietly(pool);
        }
    }

    private byte[] remember(KexecSegment s, byte[] digest) {
        known.put(new Range(s.mem(), s.memsz()), digest);
        return digest;
    }

    private static byte[] await(Future<byte[]> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
