package io.sadump.bench;

import io.sadump.machine.FileStorage;
import io.sadump.meminfo.StorageDigest;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The verdict's last check: the SHA-256 of a kexec segment read from a machine's {@code storage.img}
 * (page cache warm). Sizes: a command-line page, a synthetic initrd, the 50 and 150 MiB segments of
 * bench/run's verdict row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SegmentDigestBenchmark {
    private static final long SEGMENT = 256L << 20;

    @Param({"4096", "1503232", "52428800", "157286400"})
    public long length;

    private TempDirectory dir;
    private FileStorage storage;

    @Setup
    public void setUp() throws IOException {
        dir = new TempDirectory("sadump-jmh-digest");
        storage = FileStorage.create(dir.resolve("storage.img"), dir.resolve("storage.frames"), 512L << 20);
        byte[] chunk = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(2);
        for (long done = 0; done < length; done += chunk.length) {
            random.nextBytes(chunk);
            storage.write(SEGMENT + done, chunk, 0, (int) Math.min(chunk.length, length - done));
        }
        storage.flush();
    }

    @TearDown
    public void tearDown() {
        storage.close();
        dir.close();
    }

    @Benchmark
    public byte[] sha256() {
        return StorageDigest.sha256(storage, SEGMENT, length);
    }
}
