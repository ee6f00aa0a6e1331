package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The SHA-256 digests of kexec segments as storage holds them now (docs/abi.md §6), hashed on all cores
 * at once, one segment per core (a SHA-256 stream cannot be split), the largest first. Digests are
 * kept, so the verdict and a report of the same storage hash each segment once. One instance belongs
 * to one look at storage: it does not notice later writes. Not for concurrent use.
 */
public final class SegmentDigests {
    private final AbsoluteStorage storage;
    private final Map<Range, byte[]> known = new HashMap<>();

    /**
     * A segment's storage range. Its equals and hashCode are written out: a record's generated ones are
     * linked through method handles on first use, which costs a fresh process tens of milliseconds, and
     * the first use is inside the verdict.
     */
    private record Range(long mem, long memsz) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && r.mem == mem && r.memsz == memsz;
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(mem) + Long.hashCode(memsz);
        }
    }

    /** Bytes the warm-up hashes at most: enough calls for the JIT to compile the JDK's SHA-256 with C2. */
    static final int WARM_UP_BYTES = 32 << 20;

    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /** Set when segments are hashed: the warm-up has done its part then, and leaves the cores to them. */
    private static volatile boolean segmentsHashing;

    /**
     * Starts, once per process, a daemon thread that hashes up to {@value #WARM_UP_BYTES} bytes of zeros
     * the way segments are hashed, and returns at once. The JDK's SHA-256 uses the CPU's SHA instructions
     * only in C2-compiled code; a fresh JVM hashes its first MiBs slowly while the compiler catches up. A
     * program that will check segments soon (a verdict), or digest anything large in read-only direct
     * buffers (an archive's SHA256SUMS), calls this first, so that the compiling overlaps its own
     * start-up on a core that is idle then. The warm-up stops when segment hashing begins, so it never
     * competes with it for a core.
     */
    public static void warmUp() {
        warmUp(false);
    }

    /**
     * {@link #warmUp()}, loading the JDK's other digests first when {@code otherDigestsFirst}: for a
     * program that will load one of them later (an archive's compressor does), so that the compiled
     * SHA-256 is not thrown away then. A verdict does not: for it that loading only delays the compile.
     */
    public static void warmUp(boolean otherDigestsFirst) {
        if (!WARMING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            if (otherDigestsFirst) {
                loadOtherDigests();
            }
            loadPoolClasses();
            // Read-only, as the pieces of a mapped storage.img are: the compiled digest code is specialised
            // for the buffer class it saw, and another class would send it back to the interpreter while
            // it is compiled again, inside the verdict.
            ByteBuffer zeros = ByteBuffer.allocateDirect(StorageDigest.UPDATE_SIZE).asReadOnlyBuffer();
            // The other ways a digest is fed (a heap buffer, an odd length that leaves part of a block, the
            // padding of digest()) are taken now and then too: compiled code that never saw them is
            // thrown away at their first use (a small digest such as an archive's info.json) and runs
            // slowly until it is compiled again.
            ByteBuffer heap = ByteBuffer.allocate(StorageDigest.UPDATE_SIZE);
            byte[] odd = new byte[StorageDigest.UPDATE_SIZE / 2 + 13];
            MessageDigest md = StorageDigest.newSha256();
            for (int done = 0, round = 0; done < WARM_UP_BYTES && !segmentsHashing; done += zeros.capacity()) {
                md.update(zeros.clear());
                if (round++ % 16 == 0) {
                    md.update(heap.clear());
                    md.update(odd, 0, odd.length);
                    md.digest();
                }
            }
            md.digest();
        }, "sha256-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The JDK's other digests, which share SHA-256's base class ({@link #loadOtherDigests()}). */
    private static final String[] OTHER_DIGESTS = {"SHA-1", "SHA-512", "MD5", "SHA3-256"};

    /**
     * Loads the JDK's other digests before the warm-up gets SHA-256 compiled. C2 compiles the digest's
     * block loop for the subclasses of the digest base class loaded at the time; a new one loaded later
     * throws that code away, and SHA-256 runs in the slow tiers again until it is compiled anew, a second
     * or more on a busy machine. A program loads one without asking for a digest: a temporary file's
     * name comes from a SecureRandom that hashes with SHA-1, and zstd-jni unpacks its native library
     * into such a file when an archive's compressor starts.
     */
    private static void loadOtherDigests() {
        for (String name : OTHER_DIGESTS) {
            try {
                MessageDigest.getInstance(name);
            } catch (java.security.NoSuchAlgorithmException absent) {
                // a JDK without it cannot load it later either
            }
        }
    }

    /**
     * Runs nothing on a pool like the one segments are hashed on: the classes of the pool, its queue and
     * its futures are loaded and linked here, on the warm-up's core, not when the verdict needs them.
     */
    private static void loadPoolClasses() {
        ExecutorService pool = Executors.newFixedThreadPool(1, DAEMON_THREADS);
        try {
            pool.submit(new Nothing()).get();
        } catch (InterruptedException | ExecutionException e) {
            // only a warm-up: the verdict loads what is still missing
        } finally {
            pool.shutdown();
        }
    }

    /** A job that does nothing (see {@link #loadPoolClasses()}). */
    private static final class Nothing implements Callable<byte[]> {
        @Override
        public byte[] call() {
            return null;
        }
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
        if (!missing.isEmpty()) {
            segmentsHashing = true;
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
        ExecutorService pool = Executors.newFixedThreadPool(threads, DAEMON_THREADS);
        try {
            Map<Integer, Future<byte[]>> futures = new HashMap<>();
            List<Integer> largestFirst = new ArrayList<>(missing);
            largestFirst.sort(new Comparator<Integer>() {
                @Override
                public int compare(Integer a, Integer b) {
                    return Long.compare(segments.get(b).memsz(), segments.get(a).memsz());
                }
            });
            for (int i : largestFirst) {
                futures.put(i, pool.submit(new SegmentJob(storage, segments.get(i), i, stopAtMismatch, finished,
                        firstBad)));
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

    /** The pool's threads: daemons, so a verdict abandoned by an error never keeps the process alive. */
    private static final ThreadFactory DAEMON_THREADS = new ThreadFactory() {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "segment-digest");
            t.setDaemon(true);
            return t;
        }
    };

    /**
     * The digest of one segment on a pool thread, or null once it is not needed any more (the check is
     * over, or an earlier segment mismatched). A named class where a lambda would do: linking a lambda
     * costs a fresh process milliseconds, inside the verdict.
     */
    private static final class SegmentJob implements Callable<byte[]>, BooleanSupplier {
        private final AbsoluteStorage storage;
        private final KexecSegment segment;
        private final int index;
        private final boolean stopAtMismatch;
        private final AtomicBoolean finished;
        private final AtomicInteger firstBad;

        SegmentJob(AbsoluteStorage storage, KexecSegment segment, int index, boolean stopAtMismatch,
                AtomicBoolean finished, AtomicInteger firstBad) {
            this.storage = storage;
            this.segment = segment;
            this.index = index;
            this.stopAtMismatch = stopAtMismatch;
            this.finished = finished;
            this.firstBad = firstBad;
        }

        @Override
        public byte[] call() {
            byte[] d = StorageDigest.sha256(storage, segment.mem(), segment.memsz(), this);
            if (d != null && stopAtMismatch && !MessageDigest.isEqual(d, segment.sha256())) {
                int seen;
                while (index < (seen = firstBad.get()) && !firstBad.compareAndSet(seen, index)) {
                    // another segment's mismatch came in between: look again
                }
            }
            return d;
        }

        /** True when the digest is no longer needed. */
        @Override
        public boolean getAsBoolean() {
            return finished.get() || (stopAtMismatch && firstBad.get() < index);
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
