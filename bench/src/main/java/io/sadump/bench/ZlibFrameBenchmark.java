package io.sadump.bench;

import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.fixtures.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import java.io.IOException;
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
 * The stand-alone dump's zlib framing: an s390_ext dump of 64 MiB of {@code mixed} memory (the
 * workload of bench/run's dump rows) written with compression on one and on two threads, into a
 * partition that keeps nothing, so only the framing and compression are measured. Uncompressed as
 * the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ZlibFrameBenchmark {
    private static final long MEMORY = 64L << 20;

    @Param({"1", "2"})
    public int threads;

    @Param({"true", "false"})
    public boolean compress;

    private AbsoluteStorage storage;
    private S390ExtDumpWriter writer;

    @Setup
    public void setUp() {
        storage = AbsoluteStorage.inMemory(MEMORY);
        Workload.MIXED.fill(storage, 0, MEMORY, 5, frame -> false);
        writer = new S390ExtDumpWriter(S390DumpSettings.defaults().withCompression(compress).withThreads(threads));
    }

    @TearDown
    public void tearDown() {
        storage.close();
    }

    @Benchmark
    public long dump() throws IOException {
        DiscardingPartition partition = new DiscardingPartition(2 * MEMORY / DumpBlockSink.BLOCK_SIZE);
        writer.write(new StorageMemorySource(storage), DumpMetadata.none(), partition);
        return partition.written;
    }

    /** A dump partition that counts the blocks written to it and keeps none. */
    private static final class DiscardingPartition implements DumpBlockSink {
        private final long capacity;
        long written;

        DiscardingPartition(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) {
            written += blockCount;
        }

        @Override
        public long capacityBlocks() {
            return capacity;
        }
    }
}
