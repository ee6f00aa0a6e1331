package io.sadump.dump.s390;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.TodClock;
import java.util.function.LongSupplier;

/**
 * How the s390 dump writers write: the dumper's parameters (size limit, no-compress) and the facts a
 * real dumper takes from the machine (TOD clock, CPU id). Immutable; {@code with...} returns a copy.
 *
 * @param memoryLimit the size limit of the dump tool's parameter tail ({@code mem_upper_limit},
 *     docs/formats.md §4.3); {@link #NO_LIMIT} for none. When the memory is larger the
 *     dump holds {@code [0, limit)} and the header says both sizes (mem_size vs mem_size_real)
 * @param compress zlib per 1 MiB entry (single-volume s390_ext only; on by default as in zipl)
 * @param threads compression threads (frames are independent; the output order stays fixed)
 * @param todClock the TOD clock read at dump start and dump end
 * @param cpuId the STIDP value of the dumping CPU
 * @param listener progress events
 * @param parallelReads whether the memory source may be read from several threads at once (live
 *     storage: positional reads of its file); then the compression threads read their own frames,
 *     otherwise the writing thread reads every frame, in address order
 */
public record S390DumpSettings(long memoryLimit, boolean compress, int threads, LongSupplier todClock, long cpuId,
        DumpProgressListener listener, boolean parallelReads) {
    /** {@code mem_upper_limit} when no limit is set: all ones. */
    public static final long NO_LIMIT = -1L;
    /** A plausible STIDP of a z/VM guest CPU, the default CPU id. */
    public static final long DEFAULT_CPU_ID = 0xFF00012320648000L;

    public S390DumpSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (memoryLimit != NO_LIMIT && memoryLimit <= 0) {
            throw new IllegalArgumentException("the memory limit must be positive, was " + memoryLimit);
        }
    }

    /** Compression on, no limit, both cores, the real TOD clock. */
    public static S390DumpSettings defaults() {
        return new S390DumpSettings(NO_LIMIT, true, Math.max(1, Runtime.getRuntime().availableProcessors()),
                TodClock::now, DEFAULT_CPU_ID, DumpProgressListener.NONE, false);
    }

    public S390DumpSettings withMemoryLimit(long limit) {
        return new S390DumpSettings(limit, compress, threads, todClock, cpuId, listener, parallelReads);
    }

    public S390DumpSettings withCompression(boolean on) {
        return new S390DumpSettings(memoryLimit, on, threads, todClock, cpuId, listener, parallelReads);
    }

    public S390DumpSettings withThreads(int count) {
        return new S390DumpSettings(memoryLimit, compress, count, todClock, cpuId, listener, parallelReads);
    }

    public S390DumpSettings withTodClock(LongSupplier clock) {
        return new S390DumpSettings(memoryLimit, compress, threads, clock, cpuId, listener, parallelReads);
    }

    /** A clock that starts at {@code startTod} and advances one microsecond per reading (for byte-identical dumps). */
    public S390DumpSettings withFixedTod(long startTod) {
        long[] next = {startTod};
        return withTodClock(() -> {
            synchronized (next) {
                long t = next[0];
                next[0] += 1L << TodClock.MICROSECOND_SHIFT;
                return t;
            }
        });
    }

    public S390DumpSettings withCpuId(long id) {
        return new S390DumpSettings(memoryLimit, compress, threads, todClock, id, listener, parallelReads);
    }

    public S390DumpSettings withListener(DumpProgressListener l) {
        return new S390DumpSettings(memoryLimit, compress, threads, todClock, cpuId, l, parallelReads);
    }

    /** See {@link #parallelReads()}: only for a source whose reads are safe on several threads. */
    public S390DumpSettings withParallelReads(boolean on) {
        return new S390DumpSettings(memoryLimit, compress, threads, todClock, cpuId, listener, on);
    }

    /** The memory the dump holds: the source's size, capped by the limit. */
    public long dumpedSize(long memorySize) {
        if (memoryLimit == NO_LIMIT) {
            return memorySize;
        }
        return Math.min(memorySize, memoryLimit);
    }
}
