package io.sadump.bench;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.Cchhr;
import io.sadump.device.ckd.CkdRecord;
import io.sadump.device.ckd.CkdTrack;
import io.sadump.device.ckd.EckdDasd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 * CKD track encoding: one full 3390 dump track (12 records of 4096 bytes) into its image slot, and
 * dump blocks written to a CKD_P370 image through {@link EckdDasd#writeBlocks} (encoding plus the
 * write into the page cache), a track or 1 MiB at a time.
 */
public class CkdTrackBenchmark {
    private static final int CYLINDERS = 400;

    /** One full dump track, encoded again and again into one slot. */
    @State(Scope.Thread)
    public static class Track {
        CkdTrack track;
        ByteBuffer slot;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(3);
            List<CkdRecord> records = new ArrayList<>();
            for (int r = 1; r <= CkdTrack.BLOCKS_PER_TRACK; r++) {
                byte[] data = new byte[CkdTrack.BLOCK_SIZE];
                random.nextBytes(data);
                records.add(new CkdRecord(new Cchhr(7, 3, r), data));
            }
            track = new CkdTrack(7, 3, records);
            slot = ByteBuffer.allocate(64 * 1024);
        }
    }

    /** A 400-cylinder CKD image written from its dump partition on, wrapping at the end. */
    @State(Scope.Thread)
    public static class Dasd {
        @Param({"12", "252"})
        public int blocksPerWrite;

        TempDirectory dir;
        EckdDasd dasd;
        ByteBuffer blocks;
        long next;
        long firstBlock;

        @Setup
        public void setUp() throws IOException {
            dir = new TempDirectory("sadump-jmh-ckd");
            dasd = EckdDasd.create(dir.resolve("bench.3390"), CYLINDERS, "BENCH");
            byte[] data = new byte[blocksPerWrite * CkdTrack.BLOCK_SIZE];
            new SplittableRandom(3).nextBytes(data);
            blocks = ByteBuffer.wrap(data);
            // the dump partition starts on track 1, as prepared devices have it
            firstBlock = CkdTrack.BLOCKS_PER_TRACK;
            next = firstBlock;
        }

        @TearDown
        public void tearDown() throws DeviceException {
            dasd.close();
            dir.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ByteBuffer encodeTrack(Track t) {
        t.slot.clear();
        t.track.write(t.slot);
        return t.slot;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long writeBlocks(Dasd d) throws DeviceException {
        if (d.next + d.blocksPerWrite > d.dasd.blockCount()) {
            d.next = d.firstBlock;
        }
        d.dasd.writeBlocks(d.next, d.blocks.duplicate());
        d.next += d.blocksPerWrite;
        return d.next;
    }
}
