package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.AddressOutOfRangeException;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Sizes;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Digests hashed on all cores at once give what hashing the segments one by one in order gives. */
class SegmentDigestsTest {
    private static final SegmentKind[] KINDS = {SegmentKind.KERNEL, SegmentKind.INITRD, SegmentKind.COMMAND_LINE,
        SegmentKind.PURGATORY};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void parallelDigestsAgreeWithOneByOne(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AbsoluteStorage storage = AbsoluteStorage.inMemory(64 * Sizes.MIB)) {
            List<KexecSegment> segments = new ArrayList<>();
            long at = Sizes.MIB;
            int count = 1 + rnd.nextInt(5);
            for (int i = 0; i < count; i++) {
                // sizes from a page to a few MiB, so several chunks and uneven shares of the work
                long size = AbsoluteStorage.PAGE_SIZE * (1 + (long) rnd.nextInt(1200));
                byte[] data = new byte[(int) size];
                rnd.nextBytes(data);
                storage.write(at, data);
                segments.add(new KexecSegment(at, size, size, KINDS[i % KINDS.length],
                        StorageDigest.sha256(storage, at, size)));
                at += size + AbsoluteStorage.PAGE_SIZE;
            }
            // corrupt some segments after their digests were recorded
            List<Integer> corrupted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (rnd.nextInt(3) == 0) {
                    KexecSegment s = segments.get(i);
                    long where = s.mem() + rnd.nextLong(s.memsz());
                    byte[] b = storage.bytes(where, 1);
                    b[0] ^= (byte) (1 << rnd.nextInt(8));
                    storage.write(where, b);
                    corrupted.add(i);
                }
            }
            int expected = corrupted.isEmpty() ? -1 : corrupted.get(0);
            SegmentDigests digests = new SegmentDigests(storage);
            assertThat(digests.firstMismatch(segments)).as("seed %d, corrupted %s", seed, corrupted)
                    .isEqualTo(expected);
            List<byte[]> all = digests.digests(segments);
            for (int i = 0; i < count; i++) {
                KexecSegment s = segments.get(i);
                assertThat(all.get(i)).as("seed %d, segment %d", seed, i)
                        .isEqualTo(StorageDigest.sha256(storage, s.mem(), s.memsz()));
            }
            // a second look answers from what was hashed, and a fresh one hashes again
            assertThat(digests.firstMismatch(segments)).as("seed %d", seed).isEqualTo(expected);
            assertThat(new SegmentDigests(storage).firstMismatch(segments)).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "outside segment at index {0}")
    @ValueSource(ints = {0, 1, 2})
    void aSegmentOutsideStorageFailsUnlessAnEarlierOneMismatches(int outsideAt) {
        try (AbsoluteStorage storage = AbsoluteStorage.inMemory(16 * Sizes.MIB)) {
            List<KexecSegment> segments = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long mem = i == outsideAt ? 15 * Sizes.MIB : (1 + 2L * i) * Sizes.MIB;
                long size = i == outsideAt ? 2 * Sizes.MIB : Sizes.MIB;
                byte[] recorded = i == outsideAt ? new byte[32]
                        : StorageDigest.sha256(storage, mem, size);
                segments.add(new KexecSegment(mem, size, size, KINDS[i], recorded));
            }
            assertThatThrownBy(() -> new SegmentDigests(storage).firstMismatch(segments))
                    .isInstanceOf(AddressOutOfRangeException.class);
            // a mismatch before the bad segment decides first, as a check in order would
            if (outsideAt > 0) {
                storage.write(Sizes.MIB, new byte[] {1});
                assertThat(new SegmentDigests(storage).firstMismatch(segments)).isZero();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24})
    void fileBackedStorageGivesTheDigestsOfItsBytes(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (AbsoluteStorage storage = FileStorage.create(dir.resolve("storage.img"), dir.resolve("storage.frames"),
                32 * Sizes.MIB)) {
            List<KexecSegment> segments = new ArrayList<>();
            long at = Sizes.MIB;
            for (int i = 0; i < 3; i++) {
                // odd sizes around several read chunks; part written, the rest a hole that reads as zeros
                long size = AbsoluteStorage.SCAN_PIECE * (long) (1 + rnd.nextInt(8)) + rnd.nextInt(5000) + 1;
                byte[] data = new byte[(int) (size - rnd.nextLong(size))];
                rnd.nextBytes(data);
                storage.write(at, data);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] expected = md.digest(storage.bytes(at, (int) size));
                segments.add(new KexecSegment(at, size, data.length, KINDS[i], expected));
                assertThat(StorageDigest.sha256(storage, at, size)).as("seed %d, segment %d", seed, i)
                        .isEqualTo(expected);
                at += size + rnd.nextInt(3) * AbsoluteStorage.PAGE_SIZE;
            }
            assertThat(new SegmentDigests(storage).firstMismatch(segments)).as("seed %d", seed).isEqualTo(-1);
        }
    }
}
