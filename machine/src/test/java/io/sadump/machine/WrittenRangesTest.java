package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WrittenRangesTest {
    @Test
    void writesAreMergedPerFileAndTakenOnce() {
        WrittenRanges log = new WrittenRanges();
        Path a = Path.of("m/storage.img");
        log.written(a, 100, 10);
        log.written(a, 110, 5);
        log.written(a, 0, 4);
        log.written(Path.of("m/./storage.img"), 50, 0);
        log.written(Path.of("m/devices/0.0.0190.3390"), 7, 1);

        WrittenRanges.FileWrites w = log.take(Path.of("m/devices/../storage.img"));
        assertThat(w.replaced()).isFalse();
        assertThat(w.ranges()).containsExactly(new long[] {0, 4}, new long[] {100, 115});
        assertThat(log.take(a).none()).isTrue();

        log.replaced(a);
        assertThat(log.take(a).replaced()).isTrue();
        log.clear();
        assertThat(log.take(Path.of("m/devices/0.0.0190.3390")).none()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20261202})
    void theTakenRangesCoverExactlyTheBytesWritten(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        WrittenRanges log = new WrittenRanges();
        Path f = Path.of("storage.img");
        BitSet written = new BitSet();
        for (int i = 0; i < 200; i++) {
            int off = rnd.nextInt(10_000);
            int len = rnd.nextInt(rnd.nextBoolean() ? 8 : 300);
            log.written(f, off, len);
            written.set(off, off + len);
        }
        List<long[]> ranges = log.take(f).ranges();
        BitSet covered = new BitSet();
        long lastEnd = -1;
        for (long[] r : ranges) {
            assertThat(r[0]).as("seed %d: sorted, apart and not empty", seed).isGreaterThan(lastEnd);
            assertThat(r[1]).as("seed %d", seed).isGreaterThan(r[0]);
            covered.set((int) r[0], (int) r[1]);
            lastEnd = r[1];
        }
        assertThat(covered).as("seed %d", seed).isEqualTo(written);
    }
}
