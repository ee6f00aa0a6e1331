package io.sadump.device.ckd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.NotReadyException;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An extent as the dump partition the s390 writers write and the readers read. */
class EckdExtentTest {
    static final int BLOCK = DumpBlockSink.BLOCK_SIZE;

    @TempDir
    Path dir;

    EckdDasd newDasd(int cyls) throws Exception {
        return EckdDasd.create(dir.resolve("v" + System.nanoTime() + ".3390"), cyls, "TEST01");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2026})
    void whatTheSinkWritesTheSourceReadsAtAnyOffsetAndLength(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        try (EckdDasd d = newDasd(20)) {
            EckdExtent p = d.dumpPartition();
            // more than two buffered reads of 128 blocks, ending inside a track
            int blocks = 2 * EckdExtent.BLOCKS_PER_READ + 1 + r.nextInt(100);
            byte[] data = new byte[blocks * BLOCK];
            r.nextBytes(data);
            DumpBlockSink sink = p;
            for (int b = 0; b < blocks; ) {
                int n = Math.min(blocks - b, 1 + r.nextInt(40));
                sink.writeBlocks(b, data, b * BLOCK, n);
                b += n;
            }
            sink.flush();
            DumpBlockSource source = p;
            assertThat(source.size()).isEqualTo(p.blockCount() * BLOCK);
            for (int i = 0; i < 200; i++) {
                int pos = r.nextInt(data.length);
                int len = r.nextInt(Math.min(data.length - pos, 3 * EckdExtent.BLOCKS_PER_READ * BLOCK) + 1);
                byte[] got = new byte[len + 2];
                source.read(pos, got, 1, len);
                assertThat(Arrays.copyOfRange(got, 1, len + 1)).as("seed %d: %d bytes at %d", seed, len, pos)
                        .isEqualTo(Arrays.copyOfRange(data, pos, pos + len));
            }
        }
    }

    @Test
    void aTrackThatWasNeverWrittenIsTheEndOfTheData() throws Exception {
        try (EckdDasd d = newDasd(20)) {
            EckdExtent p = d.dumpPartition();
            // 30 blocks: tracks 1 and 2 whole, 6 blocks of track 3 (the rest of it formatted with zeros)
            byte[] data = new byte[30 * BLOCK];
            Arrays.fill(data, (byte) 0x5A);
            p.writeBlocks(0, data, 0, 30);
            byte[] got = new byte[36 * BLOCK];
            p.read(0, got, 0, got.length);
            assertThat(Arrays.copyOf(got, data.length)).isEqualTo(data);
            assertThat(Arrays.copyOfRange(got, data.length, got.length)).containsOnly(0);
            // the fourth track was never written: a read reaching into it ends the data
            assertThatThrownBy(() -> p.read(36 * BLOCK - 10, new byte[20], 0, 20)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("the dump data ends at partition block 36");
            assertThatThrownBy(() -> p.read(40 * BLOCK, new byte[1], 0, 1)).isInstanceOf(EOFException.class);
            // and a read past the extent is the end too
            assertThatThrownBy(() -> p.read(p.size() - 1, new byte[2], 0, 2)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("passes the end of the extent");
        }
    }

    /** Block-aligned reads of whole read buffers go straight to the caller, and still end where the data does. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 77})
    void alignedReadsOfWholeBuffersReadTheDataAndEndWhereItEnds(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        try (EckdDasd d = newDasd(40)) {
            EckdExtent p = d.dumpPartition();
            int blocks = 25 * CkdTrack.BLOCKS_PER_TRACK; // 300: whole tracks, the 26th never written
            byte[] data = new byte[blocks * BLOCK];
            r.nextBytes(data);
            p.writeBlocks(0, data, 0, blocks);
            for (int i = 0; i < 20; i++) {
                int first = r.nextInt(blocks - EckdExtent.BLOCKS_PER_READ);
                int len = EckdExtent.BLOCKS_PER_READ * BLOCK + r.nextInt((blocks - first - EckdExtent.BLOCKS_PER_READ) * BLOCK + 1);
                byte[] got = new byte[len + 3];
                p.read((long) first * BLOCK, got, 3, len);
                assertThat(Arrays.copyOfRange(got, 3, len + 3)).as("seed %d: %d bytes at block %d", seed, len, first)
                        .isEqualTo(Arrays.copyOfRange(data, first * BLOCK, first * BLOCK + len));
            }
            // three whole buffers from block 0 reach the track never written: the data ends at its first block
            assertThatThrownBy(() -> p.read(0, new byte[3 * EckdExtent.BLOCKS_PER_READ * BLOCK], 0,
                    3 * EckdExtent.BLOCKS_PER_READ * BLOCK)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("the dump data ends at partition block " + blocks);
        }
    }

    @Test
    void readsSeeWhatWasWrittenAfterThem() throws Exception {
        try (EckdDasd d = newDasd(5)) {
            EckdExtent p = d.dumpPartition();
            p.writeBlocks(0, new byte[24 * BLOCK], 0, 24);
            byte[] one = new byte[1];
            p.read(BLOCK, one, 0, 1);
            assertThat(one[0]).isZero();
            byte[] block = new byte[BLOCK];
            block[0] = 7;
            p.writeBlocks(1, block, 0, 1);
            p.read(BLOCK, one, 0, 1);
            assertThat(one[0]).isEqualTo((byte) 7);
        }
    }

    @Test
    void aWritePastTheExtentIsDeviceFullAndWritesNothing() throws Exception {
        try (EckdDasd d = newDasd(1)) {
            EckdExtent small = d.extent(3, 4);
            assertThat(small.capacityBlocks()).isEqualTo(24);
            assertThatThrownBy(() -> small.writeBlocks(20, new byte[5 * BLOCK], 0, 5))
                    .isInstanceOf(DumpDeviceFullException.class).hasMessageContaining("past the end of the extent")
                    .hasCauseInstanceOf(EndOfExtentException.class)
                    .satisfies(e -> assertThat(((DumpDeviceFullException) e).addressReached()).isEqualTo(20));
            assertThat(d.isTrackFormatted(3)).isFalse();
            small.writeBlocks(20, new byte[4 * BLOCK], 0, 4);
            assertThat(d.isTrackFormatted(4)).isTrue();
        }
    }

    @Test
    void closingClosesTheDasdOnlyWhenTheExtentOwnsIt() throws Exception {
        EckdDasd d = newDasd(2);
        try {
            EckdExtent view = d.dumpPartition();
            assertThat(view.ownsDasd()).isFalse();
            view.close();
            assertThat(d.isTrackFormatted(1)).isFalse(); // still open
            EckdExtent owner = d.dumpPartition().closingDasd();
            assertThat(owner.ownsDasd()).isTrue();
            assertThat(owner.firstBlock()).isEqualTo(view.firstBlock());
            assertThat(owner.lastBlock()).isEqualTo(view.lastBlock());
            owner.close();
            assertThatThrownBy(() -> d.isTrackFormatted(1)).isInstanceOf(NotReadyException.class)
                    .hasMessageContaining("closed");
        } finally {
            d.close();
        }
    }

    @Test
    void readsFromSeveralThreadsAreSerialised() throws Exception {
        try (EckdDasd d = newDasd(20)) {
            EckdExtent p = d.dumpPartition();
            int blocks = 600;
            byte[] data = new byte[blocks * BLOCK];
            new SplittableRandom(3).nextBytes(data);
            p.writeBlocks(0, ByteBuffer.wrap(data));
            Thread[] threads = new Thread[4];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads.length; t++) {
                long seed = t;
                threads[t] = new Thread(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    try {
                        for (int i = 0; i < 200; i++) {
                            int pos = r.nextInt(data.length - BLOCK);
                            byte[] got = new byte[BLOCK];
                            p.read(pos, got, 0, BLOCK);
                            if (!Arrays.equals(got, Arrays.copyOfRange(data, pos, pos + BLOCK))) {
                                throw new AssertionError("thread seed " + seed + ": wrong bytes at " + pos);
                            }
                        }
                    } catch (Throwable e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failure[0]).isNull();
        }
    }
}
