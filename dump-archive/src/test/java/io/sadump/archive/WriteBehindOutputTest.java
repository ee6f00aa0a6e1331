package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.output.ReplacementFile;
import io.sadump.machine.output.UnbufferedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The archive file's writer: every byte in order, syncs that never stop the writes, failures reported. */
class WriteBehindOutputTest {
    private static final int BUFFERS = 4;
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void writesEveryBufferInOrder(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path f = dir.resolve("out");
        byte[] expected;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                WriteBehindOutput out = new WriteBehindOutput(ch, BUFFERS, SIZE)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                byte[] data = new byte[rnd.nextInt(SIZE + 1)];
                rnd.nextBytes(data);
                all.write(data, 0, data.length);
                ByteBuffer b = out.take();
                assertThat(b.remaining()).isEqualTo(SIZE);
                b.put(data).flip();
                out.submit(b);
            }
            out.finish();
            expected = all.toByteArray();
        }
        assertThat(Files.readAllBytes(f)).as("seed %d", seed).isEqualTo(expected);
    }

    /**
     * Past the page cache: buffers of any length (whole blocks, odd tails, empty, a whole buffer) come
     * out in order, and the file ends at the last byte given, not at the padded block.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {14, 15, 16, 17})
    void unbufferedWritesKeepEveryByteAndTheExactLength(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path f = dir.resolve("out");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (ReplacementFile file = ReplacementFile.create(f)) {
            UnbufferedChannel unbuffered = file.unbufferedChannel().orElseThrow(
                    () -> new AssertionError("this machine's file systems take O_DIRECT writes"));
            int block = unbuffered.alignment();
            try (WriteBehindOutput out = new WriteBehindOutput(file.channel(), unbuffered, BUFFERS, SIZE)) {
                int buffers = 10 + rnd.nextInt(30);
                for (int i = 0; i < buffers; i++) {
                    int length = switch (rnd.nextInt(5)) {
                        case 0 -> SIZE;
                        case 1 -> block * rnd.nextInt(1, SIZE / block + 1);
                        case 2 -> 0;
                        case 3 -> rnd.nextInt(1, block);
                        default -> rnd.nextInt(SIZE + 1);
                    };
                    byte[] data = new byte[length];
                    rnd.nextBytes(data);
                    all.write(data, 0, data.length);
                    ByteBuffer b = out.take();
                    assertThat(b.alignmentOffset(0, block)).as("seed %d: buffers are aligned", seed).isZero();
                    b.put(data).flip();
                    out.submit(b);
                }
                out.finish();
            }
            assertThat(file.channel().position()).as("seed %d: the buffered channel is not written", seed).isZero();
            file.commit();
        }
        assertThat(Files.readAllBytes(f)).as("seed %d", seed).isEqualTo(all.toByteArray());
    }

    /**
     * No write(2) is larger than {@link WriteBehindOutput#WRITE_PIECE} (large page-cache folios were
     * four times as dear in a VM), and a target that takes fewer bytes than offered still gets all, in order.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void writesInPiecesOfAtMostTheWritePiece(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        int[] largest = new int[1];
        WritableByteChannel partial = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                largest[0] = Math.max(largest[0], src.remaining());
                // a short write now and then, as a pipe or a full page cache gives
                int n = rnd.nextInt(4) == 0 ? Math.max(1, src.remaining() / 3) : src.remaining();
                byte[] b = new byte[n];
                src.get(b);
                written.write(b, 0, n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (WriteBehindOutput out = new WriteBehindOutput(partial, BUFFERS, SIZE)) {
            for (int i = 0; i < 12; i++) {
                byte[] data = new byte[i == 0 ? SIZE : rnd.nextInt(SIZE + 1)];
                rnd.nextBytes(data);
                all.write(data, 0, data.length);
                ByteBuffer b = out.take();
                b.put(data).flip();
                out.submit(b);
            }
            out.finish();
        }
        assertThat(largest[0]).as("seed %d", seed).isEqualTo(WriteBehindOutput.WRITE_PIECE);
        assertThat(written.toByteArray()).as("seed %d", seed).isEqualTo(all.toByteArray());
    }

    /** A sync that waits for a slow disk leaves the writes going on into the file meanwhile. */
    @Test
    void writesGoOnWhileTheDiskSyncs() throws Exception {
        Path f = dir.resolve("out");
        CountDownLatch diskDone = new CountDownLatch(1);
        CountDownLatch syncing = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        // a writer that waits for the sync cannot finish the writes below before the disk gives up
        java.util.concurrent.atomic.AtomicBoolean diskGaveUp = new java.util.concurrent.atomic.AtomicBoolean();
        long total = WriteBehindOutput.SYNC_EVERY + 16L * SIZE;
        try (FileChannel real = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                SlowDisk slow = new SlowDisk(real, () -> {
                    syncs.incrementAndGet();
                    syncing.countDown();
                    if (!awaitQuietly(diskDone)) {
                        diskGaveUp.set(true);
                    }
                })) {
            WriteBehindOutput out = new WriteBehindOutput(slow, BUFFERS, SIZE);
            try {
                for (long done = 0; done < total; done += SIZE) {
                    ByteBuffer b = out.take();
                    b.put(new byte[SIZE]).flip();
                    out.submit(b);
                }
                assertThat(syncing.await(30, TimeUnit.SECONDS)).as("a sync was asked for").isTrue();
                // the sync still waits for the disk, and everything after it reaches the file
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (real.size() < total && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(real.size()).isEqualTo(total);
                assertThat(diskDone.getCount()).isEqualTo(1);
                diskDone.countDown();
                out.finish();
            } finally {
                diskDone.countDown();
                out.close();
            }
        }
        assertThat(diskGaveUp).as("the writes waited for the sync").isFalse();
        assertThat(syncs.get()).isBetween(1, 2);
        assertThat(Files.size(f)).isEqualTo(total);
    }

    /** A file on a full disk: every write fails with "No space left on device". */
    static WritableByteChannel diskFull() {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aFailedWriteIsReported() throws IOException {
        try (WriteBehindOutput out = new WriteBehindOutput(diskFull(), BUFFERS, SIZE)) {
            ByteBuffer b = out.take();
            b.put((byte) 1).flip();
            out.submit(b);
            assertThatThrownBy(() -> {
                // the failure surfaces at the next hand-over or at the end
                for (int i = 0; i < 2 * BUFFERS; i++) {
                    ByteBuffer next = out.take();
                    next.put((byte) 1).flip();
                    out.submit(next);
                }
                out.finish();
            }).isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        }
    }

    /** Whether the latch opened within the time a slow disk takes at most here. */
    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A file whose force waits for the test (a disk that takes its time); everything else goes through. */
    private static final class SlowDisk extends FileChannel {
        private final FileChannel file;
        private final Runnable onForce;

        SlowDisk(FileChannel file, Runnable onForce) {
            this.file = file;
            this.onForce = onForce;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            onForce.run();
            file.force(metaData);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return file.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return file.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return file.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return file.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() {
            // the test closes the real file
        }
    }
}
