package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageMemorySourceTest {
    private static final long MIB = Sizes.MIB;

    @TempDir
    Path dir;

    /** Chunks sorted, contiguous from 0 to {@code limit}, alternating, and exactly the frame record's runs. */
    private static void assertChunksFollowTheRecord(List<MemoryChunk> chunks, FrameRecord record, long limit,
            String context) {
        assertThat(chunks).as(context).isNotEmpty();
        long expectedStart = 0;
        MemoryChunk.Kind previous = null;
        for (MemoryChunk c : chunks) {
            assertThat(c.start()).as("%s: chunk at 0x%X", context, c.start()).isEqualTo(expectedStart);
            assertThat(c.kind()).as("%s: chunk at 0x%X alternates", context, c.start()).isNotEqualTo(previous);
            boolean data = c.kind() == MemoryChunk.Kind.DATA;
            for (long a = c.start(); a < c.end(); a += MIB) {
                assertThat(record.isWritten(a >>> FrameRecord.FRAME_SHIFT))
                        .as("%s: frame at 0x%X in a %s chunk", context, a, c.kind()).isEqualTo(data);
            }
            assertThat(c.start() % MIB).isZero();
            assertThat(c.end() % MIB == 0 || c.end() == limit).as(context).isTrue();
            previous = c.kind();
            expectedStart = c.end();
        }
        assertThat(expectedStart).as(context).isEqualTo(limit);
    }

    private static void fillRandomFrames(AbsoluteStorage s, SplittableRandom r, int writes) {
        for (int i = 0; i < writes; i++) {
            byte[] b = new byte[r.nextInt(1, (int) (2 * MIB))];
            r.nextBytes(b);
            s.write(r.nextLong(s.size() - b.length), b);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void chunksAlternateExactlyPerFrameRecordAndReadLikeStorage(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        long size = r.nextLong(1, 48) * MIB;
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(size)) {
            fillRandomFrames(s, r, r.nextInt(0, 12));
            if (r.nextBoolean()) {
                s.putU8(size - 1, 0xEE); // a run reaching the end
            }
            StorageMemorySource src = new StorageMemorySource(s);
            assertThat(src.memorySize()).isEqualTo(size);
            assertChunksFollowTheRecord(src.chunks(), s.writtenFrames(), size, "seed " + seed);

            // every byte through the source equals storage, read in frame-sized and random pieces
            for (long a = 0; a < size; a += MIB) {
                byte[] got = new byte[(int) MIB];
                src.read(a, got, 0, got.length);
                assertThat(got).as("seed %d frame at 0x%X", seed, a).isEqualTo(s.bytes(a, (int) MIB));
            }
            for (int i = 0; i < 50; i++) {
                int len = r.nextInt(0, (int) Math.min(size, 3 * MIB));
                long a = r.nextLong(size - len + 1);
                byte[] got = new byte[len + 4];
                src.read(a, got, 2, len);
                assertThat(Arrays.copyOfRange(got, 2, 2 + len)).as("seed %d read 0x%X+%d", seed, a, len)
                        .isEqualTo(s.bytes(a, len));
            }
            // the chunks' own readers agree too
            for (MemoryChunk c : src.chunks()) {
                int len = (int) Math.min(c.size(), 4096);
                byte[] got = new byte[len];
                c.data().read(c.size() - len, got, 0, len);
                assertThat(got).isEqualTo(s.bytes(c.end() - len, len));
            }
        }
    }

    @Test
    void handMadeLayout() throws IOException {
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(10 * MIB)) {
            s.putU8(2 * MIB, 1); // frame 2
            s.putU8(3 * MIB, 1); // frame 3
            s.putU8(7 * MIB + 5, 1); // frame 7
            List<MemoryChunk> chunks = new StorageMemorySource(s).chunks();
            assertThat(chunks).extracting(MemoryChunk::kind, MemoryChunk::start, MemoryChunk::size).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(MemoryChunk.Kind.ZERO, 0L, 2 * MIB),
                    org.assertj.core.groups.Tuple.tuple(MemoryChunk.Kind.DATA, 2 * MIB, 2 * MIB),
                    org.assertj.core.groups.Tuple.tuple(MemoryChunk.Kind.ZERO, 4 * MIB, 3 * MIB),
                    org.assertj.core.groups.Tuple.tuple(MemoryChunk.Kind.DATA, 7 * MIB, MIB),
                    org.assertj.core.groups.Tuple.tuple(MemoryChunk.Kind.ZERO, 8 * MIB, 2 * MIB));
            byte[] zeros = new byte[16];
            Arrays.fill(zeros, (byte) 7);
            chunks.get(0).data().read(100, zeros, 0, 16);
            assertThat(zeros).containsOnly(0);
        }
    }

    @Test
    void emptyAndFullStorage() throws IOException {
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(4 * MIB)) {
            List<MemoryChunk> none = new StorageMemorySource(s).chunks();
            assertThat(none).hasSize(1);
            assertThat(none.get(0).kind()).isEqualTo(MemoryChunk.Kind.ZERO);
            assertThat(none.get(0).start()).isZero();
            assertThat(none.get(0).size()).isEqualTo(4 * MIB);
            s.write(0, new byte[(int) (4 * MIB)]); // zeros, but written
            List<MemoryChunk> all = new StorageMemorySource(s).chunks();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).kind()).isEqualTo(MemoryChunk.Kind.DATA);
            assertThat(all.get(0).size()).isEqualTo(4 * MIB);
        }
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(longs = {1, 4096, 1048576, 1048577, 3145728, 5767168, 8388607})
    void limitCutsTheChunks(long limit) throws IOException {
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB)) {
            fillRandomFrames(s, new SplittableRandom(limit), 4);
            s.putU8(0, 0x42);
            StorageMemorySource src = new StorageMemorySource(s, limit);
            assertChunksFollowTheRecord(src.chunks(), s.writtenFrames(), limit, "limit " + limit);
            byte[] got = new byte[(int) limit];
            src.read(0, got, 0, got.length);
            assertThat(got).isEqualTo(s.bytes(0, (int) limit));
            assertThatThrownBy(() -> src.read(limit, new byte[1], 0, 1)).isInstanceOf(MemoryAbsentException.class)
                    .hasMessageContaining(String.format("0x%X", limit));
            assertThatThrownBy(() -> src.read(limit - 1, new byte[2], 0, 2))
                    .isInstanceOf(MemoryAbsentException.class)
                    .satisfies(e -> assertThat(((MemoryAbsentException) e).address()).isEqualTo(limit));
        }
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB)) {
            assertThatThrownBy(() -> new StorageMemorySource(s, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new StorageMemorySource(s, 8 * MIB + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void fileStorageSourceReadsTheImage() throws IOException {
        try (AbsoluteStorage s = StorageBacking.FILE.create(dir, 16 * MIB)) {
            SplittableRandom r = new SplittableRandom(99);
            fillRandomFrames(s, r, 5);
            StorageMemorySource src = new StorageMemorySource(s);
            assertChunksFollowTheRecord(src.chunks(), s.writtenFrames(), 16 * MIB, "file");
            byte[] got = new byte[(int) (16 * MIB)];
            src.read(0, got, 0, got.length);
            assertThat(got).isEqualTo(s.bytes(0, got.length));
        }
    }

    /** The default read of a source with a hole reports the first absent address. */
    @Test
    void readAcrossAGapReportsTheAbsentAddress() throws IOException {
        byte[] low = new byte[4096];
        Arrays.fill(low, (byte) 1);
        MemorySource gappy = new MemorySource() {
            private final List<MemoryChunk> chunks = List.of(
                    MemoryChunk.data(0, 4096, (off, dst, o, len) -> System.arraycopy(low, (int) off, dst, o, len)),
                    MemoryChunk.zero(8192, 4096));

            @Override
            public List<MemoryChunk> chunks() {
                return chunks;
            }

            @Override
            public long memorySize() {
                return 12288;
            }
        };
        byte[] b = new byte[8];
        gappy.read(4088, b, 0, 8);
        assertThat(b).containsOnly(1);
        gappy.read(8192 + 100, b, 0, 8);
        assertThat(b).containsOnly(0);
        assertThatThrownBy(() -> gappy.read(4090, new byte[10], 0, 10)).isInstanceOf(MemoryAbsentException.class)
                .hasMessageContaining("0x1000");
        assertThatThrownBy(() -> gappy.read(5000, new byte[1], 0, 1)).hasMessageContaining("0x1388");
        assertThatThrownBy(() -> gappy.read(12288, new byte[1], 0, 1)).hasMessageContaining("0x3000");
        gappy.read(5000, b, 0, 0); // nothing asked, nothing absent
    }

    /**
     * A chunk of storage in a file copies into a file by the kernel exactly what reading it gives, from any
     * offset of any cut of it; storage in memory declines (the writer reads), and a range holding an
     * unreadable page fails as its read does, before anything is written.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33, 34})
    void dataChunksInAFileAreCopiedByTheKernelAsTheyRead(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        long size = r.nextLong(4, 24) * MIB;
        try (FileStorage s = FileStorage.create(dir.resolve("storage.img"), dir.resolve("storage.frames"), size);
                AbsoluteStorage inMemory = AbsoluteStorage.inMemory(size)) {
            fillRandomFrames(s, r, 1 + r.nextInt(8));
            fillRandomFrames(inMemory, r, 1);
            for (MemoryChunk c : new StorageMemorySource(s).chunks()) {
                if (c.kind() != MemoryChunk.Kind.DATA) {
                    continue;
                }
                long cut = r.nextLong(c.size());
                MemoryChunk.Data data = c.data().from(cut);
                long offset = r.nextLong(c.size() - cut);
                long length = 1 + r.nextLong(c.size() - cut - offset);
                Path out = dir.resolve("out-" + c.start());
                try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(new byte[] {7}));
                    assertThat(data.transferTo(offset, length, ch)).as("seed %d", seed).isTrue();
                    assertThat(ch.position()).as("seed %d", seed).isEqualTo(1 + length);
                }
                byte[] expected = new byte[(int) length];
                data.read(offset, expected, 0, expected.length);
                byte[] got = Files.readAllBytes(out);
                assertThat(got[0]).isEqualTo((byte) 7);
                assertThat(Arrays.equals(got, 1, got.length, expected, 0, expected.length))
                        .as("seed %d: chunk at 0x%X, cut 0x%X, offset 0x%X", seed, c.start(), cut, offset).isTrue();
            }
            for (MemoryChunk c : new StorageMemorySource(inMemory).chunks()) {
                try (FileChannel ch = FileChannel.open(dir.resolve("mem-" + c.start()), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    if (c.kind() == MemoryChunk.Kind.DATA) {
                        assertThat(c.data().transferTo(0, c.size(), ch)).as("seed %d", seed).isFalse();
                        assertThat(ch.size()).isZero();
                    }
                }
            }
            long bad = r.nextLong(size / UnreadablePages.PAGE_SIZE) * UnreadablePages.PAGE_SIZE;
            s.setUnreadablePages(UnreadablePages.of(List.of(bad)));
            MemoryChunk holding = new StorageMemorySource(s).chunks().get(
                    MemoryChunk.indexHolding(new StorageMemorySource(s).chunks(), bad));
            try (FileChannel ch = FileChannel.open(dir.resolve("bad"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> holding.data().transferTo(0, holding.size(), ch))
                        .as("seed %d", seed).isInstanceOf(StorageReadErrorException.class);
                assertThat(ch.size()).isZero();
            }
        }
    }
}
