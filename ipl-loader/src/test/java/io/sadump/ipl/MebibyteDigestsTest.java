package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both digests find a flipped bit in the right MiB, know never-written MiBs as zeros, and name absent MiBs. */
class MebibyteDigestsTest {
    static final int MIB = MebibyteDigests.MIB;

    static Stream<Arguments> cases() {
        return Stream.of(MebibyteDigests.Algorithm.values())
                .flatMap(a -> new SplittableRandom(0x5eed).longs(4).mapToObj(seed -> Arguments.of(a, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void aFlippedBitIsFoundInItsMebibyteAndNothingElseDiffers(MebibyteDigests.Algorithm algorithm, long seed)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(16L * MIB)) {
            // a few written MiBs with random bytes; the rest stays never written (known zero)
            writeRandomPages(s, rnd, 5);
            MebibyteDigests ref = MebibyteDigests.of(s, algorithm);
            assertThat(ref.algorithm()).isEqualTo(algorithm);
            StorageMemorySource live = new StorageMemorySource(s);
            MebibyteDigests.Comparison same = ref.compare(live);
            assertThat(same.equal()).as("seed %d", seed).isEqualTo(16);
            assertThat(same.matches()).isTrue();

            long at = rnd.nextLong(16L * MIB);
            int bit = rnd.nextInt(8);
            s.putU8(at, s.u8(at) ^ (1 << bit));
            // a new view: its chunks (zero for never-written frames) are taken when it is made
            MebibyteDigests.Comparison c = ref.compare(new StorageMemorySource(s));
            assertThat(c.different()).as("seed %d: bit %d at 0x%X", seed, bit, at).containsExactly(at / MIB);
            assertThat(c.equal()).isEqualTo(15);
            assertThat(c.absent()).isEmpty();

            // a dump that holds only the first 8 MiB: the rest is absent, not different
            StorageMemorySource half = new StorageMemorySource(s, 8L * MIB);
            MebibyteDigests.Comparison h = ref.compare(half);
            assertThat(h.absent()).as("seed %d", seed).hasSize(8).allMatch(f -> f >= 8);
        }
    }

    /** Digests of a raw image in a buffer are those of the storage it holds, and compare the same way. */
    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void anImageInABufferDigestsAndComparesAsItsStorage(MebibyteDigests.Algorithm algorithm, long seed)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(8L * MIB + 12345)) {
            writeRandomPages(s, rnd, 5);
            byte[] raw = new byte[(int) s.size()];
            s.read(0, raw, 0, raw.length);
            java.nio.ByteBuffer image = java.nio.ByteBuffer.allocateDirect(raw.length).put(raw).flip();

            MebibyteDigests fromImage = MebibyteDigests.ofImage(image, s.writtenFrames(), algorithm);
            MebibyteDigests fromStorage = MebibyteDigests.of(s, algorithm);
            assertThat(fromImage.memorySize()).isEqualTo(s.size());
            assertThat(fromStorage.compareImage(image, s.writtenFrames()).equal()).as("seed %d", seed).isEqualTo(9);
            assertThat(fromImage.compare(new StorageMemorySource(s)).equal()).as("seed %d", seed).isEqualTo(9);

            // a changed byte is found in its MiB when the frame record marks it written (a write marks it)
            long at = rnd.nextLong(s.size());
            image.put((int) at, (byte) (image.get((int) at) ^ 0x10));
            io.sadump.machine.FrameRecord marked = new io.sadump.machine.FrameRecord(s.size());
            marked.markWrittenFrom(s.writtenFrames());
            marked.markWritten(at / MIB);
            MebibyteDigests.Comparison c = fromStorage.compareImage(image, marked);
            assertThat(c.different()).as("seed %d: byte at 0x%X", seed, at).containsExactly(at / MIB);
            assertThat(fromStorage.compareImage(image.slice(0, 4 * MIB), marked).absent()).as("seed %d", seed)
                    .containsExactly(4L, 5L, 6L, 7L, 8L);
        }
    }

    /**
     * Digests patched where the bytes changed equal digests taken afresh, and a comparison limited to some
     * ranges finds the changes inside them and looks nowhere else.
     */
    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void digestsPatchedInRangesAreTheFreshOnesAndRangesBoundTheComparison(MebibyteDigests.Algorithm algorithm,
            long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AbsoluteStorage s = AbsoluteStorage.inMemory(8L * MIB + 12345)) {
            writeRandomPages(s, rnd, 3);
            MebibyteDigests before = MebibyteDigests.of(s, algorithm);
            // new writes, each noted as a range, some across a MiB boundary or into the short last MiB
            List<long[]> ranges = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] b = new byte[1 + rnd.nextInt(MIB / 2)]; // two MiBs at most: one stays untouched
                rnd.nextBytes(b);
                long at = rnd.nextLong(s.size() - b.length);
                s.write(at, b);
                ranges.add(new long[] {at, at + b.length});
            }
            ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
            byte[] raw = new byte[(int) s.size()];
            s.read(0, raw, 0, raw.length);
            java.nio.ByteBuffer image = java.nio.ByteBuffer.allocateDirect(raw.length).put(raw).flip();

            MebibyteDigests patched = before.withImageRanges(image, s.writtenFrames(), ranges);
            assertThat(patched.compareImage(image, s.writtenFrames()).equal()).as("seed %d", seed).isEqualTo(9);
            assertThat(patched.compare(new StorageMemorySource(s)).different()).as("seed %d", seed).isEmpty();

            // the old digests differ from the image in some of the ranges' MiBs, and in no other
            java.util.Set<Long> touched = new java.util.TreeSet<>();
            for (long[] r : ranges) {
                for (long f = r[0] / MIB; f <= (r[1] - 1) / MIB; f++) {
                    touched.add(f);
                }
            }
            MebibyteDigests.Comparison whole = before.compareImage(image, s.writtenFrames());
            MebibyteDigests.Comparison limited = before.compareImage(image, s.writtenFrames(), ranges);
            assertThat(whole.different()).as("seed %d", seed).isNotEmpty().isSubsetOf(touched);
            assertThat(limited.different()).as("seed %d", seed).isEqualTo(whole.different());
            assertThat(limited.equal()).isEqualTo(9 - whole.different().size());

            // a change outside the ranges is not looked at: the ranges are the caller's knowledge
            long outside = java.util.stream.LongStream.range(0, 9).filter(f -> !touched.contains(f)).findFirst()
                    .orElseThrow();
            int at = (int) (outside * MIB);
            image.put(at, (byte) (image.get(at) ^ 1));
            io.sadump.machine.FrameRecord marked = new io.sadump.machine.FrameRecord(s.size());
            marked.markWrittenFrom(s.writtenFrames());
            marked.markWritten(outside);
            assertThat(before.compareImage(image, marked, ranges).different()).as("seed %d", seed)
                    .isEqualTo(whole.different());
            assertThat(before.compareImage(image, marked).different()).as("seed %d", seed).contains(outside);
        }
    }

    /** Writes {@code count} pages of random bytes at random addresses of {@code s}. */
    private static void writeRandomPages(AbsoluteStorage s, SplittableRandom rnd, int count) {
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[4096];
            rnd.nextBytes(b);
            s.write(rnd.nextLong(s.size() - b.length), b);
        }
    }
}
