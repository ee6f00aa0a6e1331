package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MachineChange} and {@link MachineJournal}: whatever a kill leaves, the next open undoes it. */
class MachineChangeTest {
    static final long STORAGE = 16 * Sizes.MIB;

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void machine() {
        dir = tmp.resolve("m");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(STORAGE, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        try (MachineLock lock = m.lock(); FileStorage s = m.openStorage(lock)) {
            byte[] b = new byte[4096];
            Arrays.fill(b, (byte) 0x5A);
            for (long a = 0; a < STORAGE / 2; a += 3 * Sizes.MIB) {
                s.write(a, b); // some frames written, some never
            }
        }
    }

    /** Random writes, a clear, a rename and a made file, in one change; a kill at a seeded step. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aKillAtAnyStepLeavesTheMachineAsBefore(long seed) throws Exception {
        byte[] before = storage(dir);
        String cpusBefore = Files.readString(dir.resolve(MachineDirectory.CPUS));
        Path full = tmp.resolve("full");
        copy(dir, full);
        long[] steps = new long[1];
        change(full, seed, (step, what) -> steps[0] = step);
        assertThat(storage(full)).isNotEqualTo(before);

        long k = 1 + new SplittableRandom(seed * 31).nextLong(steps[0]);
        String where = "seed " + seed + ", kill at step " + k + " of " + steps[0];
        Path killed = tmp.resolve("killed");
        assertThatThrownBy(() -> change(dir, seed, (step, what) -> {
            if (step == k) {
                copy(dir, killed);
                throw new IllegalStateException("killed");
            }
        })).as(where).hasMessage("killed");
        // the process itself undid it when the change closed
        assertThat(storage(dir)).as(where).isEqualTo(before);
        // and the next command on the directory the kill left undoes it too
        List<String> heard = new ArrayList<>();
        MachineDirectory.onRecovery(heard::add);
        try {
            MachineDirectory m = MachineDirectory.open(killed);
            assertThat(storage(killed)).as(where).isEqualTo(before);
            assertThat(Files.readString(killed.resolve(MachineDirectory.CPUS))).as(where).isEqualTo(cpusBefore);
            assertThat(Files.exists(killed.resolve(MachineJournal.FILE))).as(where).isFalse();
            assertThat(Files.exists(killed.resolve("made"))).as(where).isFalse();
            assertThat(Files.exists(killed.resolve("storage.img.replaced"))).as(where).isFalse();
            assertThat(heard).as(where).hasSizeLessThanOrEqualTo(1); // none when nothing had changed yet
            if (!heard.isEmpty()) {
                assertThat(m.console()).as(where).last().asString().contains("recovered an interrupted");
            }
        } finally {
            MachineDirectory.onRecovery(x -> { });
        }
    }

    @Test
    void aRecordCutShortIsNotUndoneAndAJournalWithoutHeaderIsDropped() throws Exception {
        byte[] before = storage(dir);
        Path full = tmp.resolve("full");
        copy(dir, full);
        // a journal ending inside a record: the record's change never began
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            MachineChange c = m.beginChange(lock, "test");
            try (FileStorage s = m.openStorage(lock)) {
                s.write(5 * Sizes.MIB, new byte[] {1, 2, 3});
            }
            Files.copy(dir.resolve(MachineJournal.FILE), tmp.resolve("journal"), StandardCopyOption.REPLACE_EXISTING);
            c.commit();
        }
        byte[] after = storage(dir);
        long size = Files.size(tmp.resolve("journal"));
        Files.copy(tmp.resolve("journal"), dir.resolve(MachineJournal.FILE));
        try (FileChannel ch = FileChannel.open(dir.resolve(MachineJournal.FILE), StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }
        MachineDirectory.open(dir);
        assertThat(storage(dir)).as("the frame record cut short: its write is taken as not begun").isEqualTo(after);
        assertThat(Files.exists(dir.resolve(MachineJournal.FILE))).isFalse();

        Files.write(full.resolve(MachineJournal.FILE), new byte[] {'H', 0, 0});
        MachineDirectory.open(full);
        assertThat(storage(full)).isEqualTo(before);
        assertThat(Files.exists(full.resolve(MachineJournal.FILE))).isFalse();
    }

    @Test
    void aCommittedChangeLeavesNoJournalAndTheNewState() throws Exception {
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock(); MachineChange c = m.beginChange(lock, "test")) {
            try (FileStorage s = m.openStorage(lock)) {
                s.clear();
                s.write(0, new byte[] {7});
            }
            c.commit();
        }
        assertThat(Files.exists(dir.resolve(MachineJournal.FILE))).isFalse();
        assertThat(Files.exists(dir.resolve("storage.img.replaced"))).isFalse();
        try (FileStorage s = MachineDirectory.open(dir).openStorage()) {
            assertThat(s.u8(0)).isEqualTo(7);
            assertThat(s.writtenFrames().writtenCount()).isEqualTo(1);
        }
    }

    /** The change under test: writes, a clear, more writes, a made file, a CPU save. */
    private static void change(Path dir, long seed, MachineChange.StepHook hook) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            lock.onChangeStep(hook);
            try (MachineChange c = m.beginChange(lock, "test change " + seed)) {
                try (FileStorage s = m.openStorage(lock)) {
                    s.journalRange(2 * Sizes.MIB, 4 * Sizes.MIB);
                    for (int i = 0; i < 20; i++) {
                        byte[] b = new byte[1 + r.nextInt(3 * 4096)];
                        r.nextBytes(b);
                        s.write(r.nextLong(STORAGE - b.length), b);
                    }
                    if (r.nextBoolean()) {
                        s.clear();
                        for (int i = 0; i < 5; i++) {
                            s.write(r.nextLong(STORAGE - 8), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                        }
                    }
                }
                c.creates(dir.resolve("made"));
                Files.writeString(dir.resolve("made"), "x");
                m.saveCpus(lock, List.of(CpuState.reset(0).withPsw(0x0002000180000000L, seed)));
                c.commit();
            }
        }
    }

    private static byte[] storage(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve(MachineDirectory.STORAGE));
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
