package io.sadump.bench;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.meminfo.Cksm;
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
 * The CKSM of the meminfo page and of kexec segment tables: a 4 KiB page (the header CKSM covers
 * {@code [0x0C, 0x1000)}) and larger buffers, from a byte array and from absolute storage.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChecksumBenchmark {
    @Param({"4084", "65536", "1048576"})
    public int length;

    private byte[] data;
    private AbsoluteStorage storage;

    @Setup
    public void setUp() {
        data = new byte[length];
        new SplittableRandom(1).nextBytes(data);
        storage = AbsoluteStorage.inMemory(16L << 20);
        storage.write(0x200000, data);
    }

    @TearDown
    public void tearDown() {
        storage.close();
    }

    @Benchmark
    public int array() {
        return Cksm.of(data, 0, length);
    }

    @Benchmark
    public int storage() {
        return Cksm.of(storage, 0x200000, length);
    }
}
