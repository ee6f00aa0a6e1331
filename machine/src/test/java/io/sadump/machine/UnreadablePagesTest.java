package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The unreadable-page set, its file in the machine directory, and the typed read error of the storage view. */
class UnreadablePagesTest {
    private static final long MIB = Sizes.MIB;
    private static final int PAGE = UnreadablePages.PAGE_SIZE;

    @TempDir
    Path dir;

    @Test
    void addressesBecomeTheirPagesSortedAndDistinct() {
        UnreadablePages p = UnreadablePages.of(List.of(0x1F2345L, 0x3000L, 0x3FFFL, 0x1F2000L));
        assertThat(p.pages()).containsExactly(0x3000L, 0x1F2000L);
        assertThat(p.count()).isEqualTo(2);
        assertThat(p.with(0x0L).pages()).containsExactly(0L, 0x3000L, 0x1F2000L);
        assertThat(UnreadablePages.of(List.of())).isSameAs(UnreadablePages.NONE);
    }

    @Test
    void firstInFindsThePageARangeTouches() {
        UnreadablePages p = UnreadablePages.of(List.of(0x3000L, 0x1F2000L));
        assertThat(p.firstIn(0, 0x3000)).isEqualTo(-1);
        assertThat(p.firstIn(0, 0x3001)).isEqualTo(0x3000);
        assertThat(p.firstIn(0x3FFF, 1)).isEqualTo(0x3000);
        assertThat(p.firstIn(0x4000, 0x1EE000)).isEqualTo(-1);
        assertThat(p.firstIn(0x4000, 0x1EE001)).isEqualTo(0x1F2000);
        assertThat(p.firstIn(0, 16 * MIB)).isEqualTo(0x3000);
        assertThat(p.firstIn(0x3000, 0)).isEqualTo(-1);
        assertThat(p.inFrame(0)).isTrue();
        assertThat(p.inFrame(1)).isTrue();
        assertThat(p.inFrame(2)).isFalse();
    }

    @Test
    void theFileReadsBackAndABadLineIsNamed() {
        UnreadablePages p = UnreadablePages.of(List.of(0x3000L, 0x1F2000L));
        assertThat(p.format()).contains("pages = 0x3000 0x1F2000");
        assertThat(UnreadablePages.parse(p.format())).isEqualTo(p);
        assertThat(UnreadablePages.parse("pages = 3000, 0x1f2000\n")).isEqualTo(p);
        assertThat(UnreadablePages.parse("")).isEqualTo(UnreadablePages.NONE);
        assertThatThrownBy(() -> UnreadablePages.parse("\npages = 0x3000 zz\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2")
                .hasMessageContaining("'zz'");
        assertThatThrownBy(() -> UnreadablePages.parse("frames = 0x3000\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1")
                .hasMessageContaining("frames");
        assertThatThrownBy(() -> UnreadablePages.parse("pages = 0xFFFFFFFFFFFFF000\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        StringBuilder many = new StringBuilder("pages =");
        for (int i = 0; i <= UnreadablePages.MAX_PAGES; i++) {
            many.append(' ').append(Integer.toHexString(i * PAGE));
        }
        assertThatThrownBy(() -> UnreadablePages.parse(many.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 4096");
    }

    @Test
    void theStorageViewThrowsTheTypedErrorNamingThePageAndReadsEverythingElse() throws IOException {
        AbsoluteStorage s = AbsoluteStorage.inMemory(8 * MIB);
        byte[] data = new byte[(int) (2 * MIB)];
        new SplittableRandom(5).nextBytes(data);
        s.write(MIB, data);
        // one page in written storage, one in a frame never written
        s.setUnreadablePages(UnreadablePages.of(List.of(MIB + 0x5000, 6 * MIB + 0x2000)));
        StorageMemorySource view = new StorageMemorySource(s);
        byte[] buf = new byte[PAGE];
        assertThatThrownBy(() -> view.read(MIB + 0x4FFF, buf, 0, 2))
                .isInstanceOf(StorageReadErrorException.class)
                .hasMessageContaining("0x105000")
                .satisfies(e -> assertThat(((StorageReadErrorException) e).page()).isEqualTo(MIB + 0x5000));
        assertThatThrownBy(() -> view.readFilled(6 * MIB, new byte[(int) MIB], 0, (int) MIB))
                .isInstanceOf(StorageReadErrorException.class)
                .satisfies(e -> assertThat(((StorageReadErrorException) e).page()).isEqualTo(6 * MIB + 0x2000));
        // the frame of a bad page is read (DATA), not skipped as known zeros
        assertThat(view.chunks().get(MemoryChunk.indexHolding(view.chunks(), 6 * MIB)).kind())
                .isEqualTo(MemoryChunk.Kind.DATA);
        view.read(MIB + 0x4000, buf, 0, PAGE);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 0x4000, 0x4000 + PAGE));
        view.read(MIB + 0x6000, buf, 0, PAGE);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 0x6000, 0x6000 + PAGE));
        // raw storage reads are the dumper's control path: not failing
        assertThat(s.bytes(MIB + 0x5000, 16)).isEqualTo(Arrays.copyOfRange(data, 0x5000, 0x5010));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void theReadablePartLeavesExactlyTheBadPagesOut(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        AbsoluteStorage s = AbsoluteStorage.inMemory(16 * MIB);
        byte[] frame = new byte[(int) MIB];
        for (long f = 0; f < 16; f++) {
            if (r.nextBoolean()) {
                r.nextBytes(frame);
                s.write(f * MIB, frame);
            }
        }
        List<Long> bad = new ArrayList<>();
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            bad.add(r.nextLong(16 * MIB / PAGE) * PAGE);
        }
        s.setUnreadablePages(UnreadablePages.of(bad));
        MemorySource readable = new StorageMemorySource(s).readablePart();
        byte[] buf = new byte[PAGE];
        for (long a = 0; a < 16 * MIB; a += PAGE) {
            long page = a;
            if (bad.contains(a)) {
                assertThatThrownBy(() -> readable.read(page, buf, 0, 1)).as("seed %d page 0x%X", seed, a)
                        .isInstanceOf(MemoryAbsentException.class);
            } else {
                readable.read(a, buf, 0, PAGE);
                assertThat(buf).as("seed %d page 0x%X", seed, a).isEqualTo(s.bytes(a, PAGE));
            }
        }
        assertThat(readable.memorySize()).isEqualTo(16 * MIB);
    }

    @Test
    void theMachineDirectoryKeepsThePagesAndItsStorageViewHonoursThem() throws IOException {
        MachineDirectory m = MachineDirectory.create(dir.resolve("m"), MachineConfig.of(8 * MIB, 1, Optional.empty()),
                List.of(CpuState.reset(0).withPrefix(0x20000)));
        assertThat(m.unreadablePages()).isEqualTo(UnreadablePages.NONE);
        UnreadablePages p = UnreadablePages.of(List.of(0x7000L));
        try (MachineLock lock = m.lock()) {
            m.saveUnreadablePages(lock, p);
        }
        MachineDirectory again = MachineDirectory.open(dir.resolve("m"));
        assertThat(again.unreadablePages()).isEqualTo(p);
        try (FileStorage s = again.openStorage()) {
            assertThat(s.unreadablePages()).isEqualTo(p);
            assertThatThrownBy(() -> new StorageMemorySource(s).read(0x7000, new byte[1], 0, 1))
                    .isInstanceOf(StorageReadErrorException.class);
        }
        try (MachineLock lock = again.lock()) {
            again.saveUnreadablePages(lock, UnreadablePages.NONE);
        }
        assertThat(Files.exists(dir.resolve("m").resolve(MachineDirectory.STORAGE_ERRORS))).isFalse();
        Files.writeString(dir.resolve("m").resolve(MachineDirectory.STORAGE_ERRORS), "pages = 0x7000 nope\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(again::openStorage).isInstanceOf(MachineException.class)
                .hasMessageContaining(MachineDirectory.STORAGE_ERRORS).hasMessageContaining("line 1");
    }
}
