package io.sadump.bench;

import io.sadump.device.DeviceException;
import io.sadump.device.tape.TapeDrive;
import java.io.IOException;
import java.nio.file.Path;
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
 * AWSTAPE writing: one tape block (a 6-byte chunk header and the data) per call through
 * {@link TapeDrive#writeBlock(byte[], int, int)}, the path the tape dump writer takes. The tape is
 * rewound before it fills, so the image stays under 256 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AwsChunkBenchmark {
    private static final long CAPACITY = 256L << 20;

    @Param({"4096", "32768", "65535"})
    public int blockSize;

    private TempDirectory dir;
    private TapeDrive drive;
    private byte[] block;

    @Setup
    public void setUp() throws IOException {
        dir = new TempDirectory("sadump-jmh-aws");
        Path volume = dir.resolve("bench.aws");
        TapeDrive.createVolume(volume);
        drive = new TapeDrive("0.0.0181");
        drive.mount(volume, CAPACITY, true);
        block = new byte[blockSize];
        new SplittableRandom(4).nextBytes(block);
    }

    @TearDown
    public void tearDown() throws DeviceException {
        drive.unmount();
        dir.close();
    }

    @Benchmark
    public long writeBlock() throws IOException {
        if (drive.position() + 2L * (blockSize + 6) > CAPACITY) {
            drive.rewind();
        }
        drive.writeBlock(block, 0, blockSize);
        return drive.position();
    }
}
