package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AbsoluteStorage#exchange} and its journal ({@link StorageExchange}): the exchange swaps
 * exactly its two ranges; a kill anywhere in a change that exchanges, even in the middle of a write
 * (a torn write: only a prefix of its bytes reached the file), is undone to the state before the
 * change, byte for byte; so is a recovery that is itself killed and run again; and the journal holds
 * one side of each frame, none for a side never written.
 */
class StorageExchangeTest {
    static final long STORAGE = 16 * Sizes.MIB;

    @TempDir
    Path tmp;

    @AfterEach
    void noHook() {
        MachineJournal.undoStep = what -> { };
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    /** Two disjoint ranges, sometimes frame aligned, sometimes not, either one first. */
    record Ranges(long first, long second, long length) {
        static Ranges random(SplittableRandom r) {
            long length = switch (r.nextInt(3)) {
                case 0 -> (1 + r.nextInt(4)) * Sizes.MIB;
                case 1 -> (1 + r.nextInt(4 * 256)) * 4096L;
                default -> 1 + r.nextInt((int) (4 * Sizes.MIB));
            };
            long a = r.nextLong(STORAGE - 2 * length + 1);
            long b = a + length + r.nextLong(STORAGE - a - 2 * length + 1);
            if (length % Sizes.MIB == 0 && r.nextBoolean()) {
                // frame aligned, as a crashkernel is: b & -MiB stays at least a' + length
                a &= -Sizes.MIB;
                b &= -Sizes.MIB;
            }
            return r.nextBoolean() ? new Ranges(a, b, length) : new Ranges(b, a, length);
        }

        void applyTo(byte[] model) {
            byte[] x = java.util.Arrays.copyOfRange(model, (int) first, (int) (first + length));
            System.arraycopy(model, (int) second, model, (int) first, (int) length);
            System.arraycopy(x, 0, model, (int) second, (int) length);
        }
    }

    /** Some frames never written, some with random pieces, some with pieces of zeros over data. */
    static byte[] fill(AbsoluteStorage s, SplittableRandom r) {
        byte[] model = new byte[(int) s.size()];
        for (long f = 0; f < s.size() / Sizes.MIB; f++) {
            int kind = r.nextInt(3);
            if (kind == 0) {
                continue;
            }
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                int off = (int) (f * Sizes.MIB) + r.nextInt((int) Sizes.MIB - 65536);
                byte[] b = new byte[1 + r.nextInt(65536)];
                if (kind == 1 || i == 0) {
                    r.nextBytes(b);
                }
                s.write(off, b);
                System.arraycopy(b, 0, model, off, b.length);
            }
        }
        return model;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anExchangeSwapsTheTwoRangesAndNothingElse(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Ranges x = Ranges.random(r);
        AbsoluteStorage memory = AbsoluteStorage.inMemory(STORAGE);
        byte[] model = fill(memory, r.split());
        memory.exchange(x.first(), x.second(), x.length());
        x.applyTo(model);
        assertThat(memory.bytes(0, (int) STORAGE)).as("seed %d, %s, in memory", seed, x).isEqualTo(model);

        // a file, not journaled: the same
        Path img = tmp.resolve("s.img");
        try (FileStorage file = FileStorage.create(img, tmp.resolve("s.frames"), STORAGE)) {
            byte[] m2 = fill(file, new SplittableRandom(seed).split());
            file.exchange(x.first(), x.second(), x.length());
            x.applyTo(m2);
            assertThat(file.bytes(0, (int) STORAGE)).as("seed %d, %s, in a file", seed, x).isEqualTo(m2);
        }
    }

    @Test
    void framesWithNoDataOnEitherSideStayOutOfTheFrameRecord() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(STORAGE);
        s.write(Sizes.MIB + 5, new byte[] {9});
        s.exchange(0, 8 * Sizes.MIB, 4 * Sizes.MIB);
        assertThat(s.u8(8 * Sizes.MIB + Sizes.MIB + 5)).isEqualTo(9);
        assertThat(s.u8(Sizes.MIB + 5)).isZero();
        FrameRecord f = s.writtenFrames();
        // frame 9 got the data; frames 0, 2, 3 and 8, 10, 11 were empty on both sides: never written
        assertThat(f.isWritten(9)).isTrue();
        for (long frame : new long[] {0, 2, 3, 8, 10, 11}) {
            assertThat(f.isWritten(frame)).as("frame %d", frame).isFalse();
        }
    }

    @Test
    void overlappingRangesAreRefusedBeforeAnythingChanges() {
        AbsoluteStorage s = AbsoluteStorage.inMemory(STORAGE);
        s.write(0, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> s.exchange(0, 4 * Sizes.MIB, 5 * Sizes.MIB)).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> s.exchange(4 * Sizes.MIB, 0, 5 * Sizes.MIB)).hasMessageContaining("overlap");
        assertThatThrownBy(() -> s.exchange(0, STORAGE - Sizes.MIB, 2 * Sizes.MIB)).isInstanceOf(
                AddressOutOfRangeException.class);
        assertThat(s.bytes(0, 3)).containsExactly(1, 2, 3);
    }

    /**
     * The change under test, as a kdump load makes it: writes before the exchange (store status),
     * some inside the ranges; the exchange; writes after it into the ranges (OLDMEM_BASE, the re-IPL).
     */
    static byte[] change(Path dir, long seed, Ranges x, byte[] model, MachineChange.StepHook hook) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 7919);
        byte[] after = model.clone();
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            lock.onChangeStep(hook);
            try (MachineChange c = m.beginChange(lock, "exchange test " + seed)) {
                try (FileStorage s = m.openStorage(lock)) {
                    for (int i = 0; i < 3; i++) {
                        write(s, after, r, x);
                    }
                    s.exchange(x.first(), x.second(), x.length());
                    x.applyTo(after);
                    for (int i = 0; i < 3; i++) {
                        write(s, after, r, x);
                    }
                }
                c.commit();
            }
        }
        return after;
    }

    /** A random write, half of them inside one of the ranges. */
    private static void write(FileStorage s, byte[] model, SplittableRandom r, Ranges x) {
        byte[] b = new byte[1 + r.nextInt(8192)];
        r.nextBytes(b);
        long at = switch (r.nextInt(4)) {
            case 0 -> x.first() + r.nextLong(x.length());
            case 1 -> x.second() + r.nextLong(x.length());
            default -> r.nextLong(STORAGE);
        };
        at = Math.min(at, STORAGE - b.length);
        s.write(at, b);
        System.arraycopy(b, 0, model, (int) at, b.length);
    }

    private Path machine(String name, long seed, Ranges[] ranges, byte[][] model) {
        Path dir = tmp.resolve(name);
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(STORAGE, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        SplittableRandom r = new SplittableRandom(seed);
        ranges[0] = Ranges.random(r);
        try (MachineLock lock = m.lock(); FileStorage s = m.openStorage(lock)) {
            model[0] = fill(s, r.split());
        }
        return dir;
    }

    /**
     * Kill at a seeded random step of the change; when that step is a storage write, the kill tears
     * it at a seeded random byte. The next open undoes the change: storage is the state before it,
     * byte for byte; the process that was cut short undid it too; a full run gives the state after.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void aKillAnywhereInAnExchangeIsUndoneByteForByte(long seed) throws Exception {
        Ranges[] x = new Ranges[1];
        byte[][] model = new byte[1][];
        Path dir = machine("m", seed, x, model);
        byte[] before = image(dir);
        assertThat(before).isEqualTo(model[0]);

        Path full = tmp.resolve("full");
        copy(dir, full);
        AtomicLong steps = new AtomicLong();
        List<Long> storageWrites = new ArrayList<>();
        byte[] after = change(full, seed, x[0], model[0], (step, what) -> {
            steps.set(step);
            if (what.startsWith("storage write")) {
                storageWrites.add(step);
            }
        });
        assertThat(image(full)).as("seed %d: the change done", seed).isEqualTo(after);
        assertThat(after).isNotEqualTo(before);

        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        // mostly a write (torn), as most of the exchange's time is writing
        long k = r.nextInt(4) == 0 ? 1 + r.nextLong(steps.get()) : storageWrites.get(r.nextInt(storageWrites.size()));
        Path killed = tmp.resolve("killed");
        Path atKill = tmp.resolve("at-kill");
        String[] what = new String[1];
        assertThatThrownBy(() -> change(dir, seed, x[0], model[0], (step, w) -> {
            if (step == k) {
                what[0] = w;
                copy(dir, atKill);
                if (!w.startsWith("storage write")) {
                    throw new SimulatedKill();
                }
            } else if (step == k + 1) {
                // the write of step k is complete now: the kill tore it somewhere
                torn(atKill, dir, killed, r);
                throw new SimulatedKill();
            }
        })).isInstanceOf(SimulatedKill.class);
        if (!Files.exists(killed)) {
            copy(atKill, killed);
        }
        String where = "seed " + seed + ", " + x[0] + ", kill at step " + k + " of " + steps.get() + " (" + what[0] + ")";
        assertThat(image(dir)).as("%s: undone by the process itself", where).isEqualTo(before);

        Path killed2 = tmp.resolve("killed2");
        copy(killed, killed2);
        MachineDirectory.open(killed);
        assertThat(Files.exists(killed.resolve(MachineJournal.FILE))).as(where).isFalse();
        assertThat(image(killed)).as("%s: undone by the next command", where).isEqualTo(before);

        killRecoveryAndRunAgain(killed2, before, where, r);

        // the machine works again: the change runs to its end
        assertThat(change(killed, seed, x[0], model[0], null)).isEqualTo(after);
        assertThat(image(killed)).as(where).isEqualTo(after);
    }

    /**
     * A change complete but for its commit (all of it journaled: writes before the exchange, the
     * exchange, writes after it) is undone by a recovery that is killed at a seeded random step (its
     * writes torn) and run again: storage is the state before the change, byte for byte.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void aRecoveryKilledAnywhereAndRunAgainStillUndoesTheChange(long seed) throws Exception {
        Ranges[] x = new Ranges[1];
        byte[][] model = new byte[1][];
        Path dir = machine("m", seed, x, model);
        byte[] before = image(dir);
        Path uncommitted = tmp.resolve("uncommitted");
        assertThatThrownBy(() -> change(dir, seed, x[0], model[0], (step, w) -> {
            if (w.equals("commit")) {
                copy(dir, uncommitted);
                throw new SimulatedKill();
            }
        })).isInstanceOf(SimulatedKill.class);
        killRecoveryAndRunAgain(uncommitted, before, "seed " + seed + ", " + x[0] + ", killed before its commit",
                new SplittableRandom(seed * 131 + 3));
    }

    /** Kills the recovery of {@code killed} at a seeded step, tearing its writes, and runs it again. */
    private void killRecoveryAndRunAgain(Path killed, byte[] before, String where, SplittableRandom r)
            throws IOException {
        List<String> undoSteps = new ArrayList<>();
        Path probe = tmp.resolve("probe");
        copy(killed, probe);
        MachineJournal.undoStep = undoSteps::add;
        try {
            MachineDirectory.open(probe);
        } finally {
            MachineJournal.undoStep = w -> { };
        }
        assertThat(image(probe)).as(where).isEqualTo(before);
        if (undoSteps.isEmpty()) {
            return; // nothing was changed: nothing to undo
        }
        int j = r.nextInt(undoSteps.size());
        int[] seen = {0};
        Path atUndoKill = tmp.resolve("at-undo-kill");
        Path cut = tmp.resolve("recovery-cut");
        MachineJournal.undoStep = w -> {
            int n = seen[0]++;
            if (n == j) {
                copy(killed, atUndoKill);
            } else if (n == j + 1) {
                torn(atUndoKill, killed, cut, r);
                throw new SimulatedKill();
            }
        };
        try {
            MachineDirectory.open(killed);
        } catch (SimulatedKill expected) {
            // the recovery was cut short
        } finally {
            MachineJournal.undoStep = w -> { };
        }
        if (seen[0] <= j + 1) {
            copy(killed, cut); // killed at the recovery's last step: nothing after it to tear
        }
        MachineDirectory.open(cut);
        assertThat(image(cut)).as("%s, recovery killed at its step %d of %d (%s), run again", where, j + 1,
                undoSteps.size(), undoSteps.get(j)).isEqualTo(before);
        assertThat(Files.exists(cut.resolve(MachineJournal.FILE))).as(where).isFalse();
    }

    @Test
    void theJournalHoldsOneSideAndNoneForASideNeverWritten() throws Exception {
        long ck = 6 * Sizes.MIB;
        // the crashkernel area [6M, 12M) never written: the swap journals no bytes of either side
        assertThat(journalOfExchange(tmp.resolve("empty"), ck, 0)).isLessThan(64 * 1024);
        // the kdump kernel in the first 2 MiB of it: those frames are journaled once, not twice
        assertThat(journalOfExchange(tmp.resolve("kernel"), ck, 2 * Sizes.MIB))
                .isGreaterThan(2 * Sizes.MIB).isLessThan(2 * Sizes.MIB + 64 * 1024);
    }

    /**
     * The journal's size just before the commit of a change that only swaps [0, ck) (all data) with
     * [ck, 2 ck) (data in its first {@code kernel} bytes) on a new machine.
     */
    private static long journalOfExchange(Path dir, long ck, long kernel) throws IOException {
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(STORAGE, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        SplittableRandom r = new SplittableRandom(99);
        byte[] frame = new byte[(int) Sizes.MIB];
        try (MachineLock lock = m.lock(); FileStorage s = m.openStorage(lock)) {
            for (long a = 0; a < ck + kernel; a += Sizes.MIB) {
                r.nextBytes(frame);
                s.write(a, frame);
            }
        }
        try (MachineLock lock = m.lock(); MachineChange c = m.beginChange(lock, "swap")) {
            long bytes;
            try (FileStorage s = m.openStorage(lock)) {
                s.exchange(0, ck, ck);
                bytes = Files.size(m.path().resolve(MachineJournal.FILE));
            }
            c.commit();
            return bytes;
        }
    }

    static final class SimulatedKill extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedKill() {
            super("simulated kill");
        }
    }

    /**
     * The machine as a kill in the middle of the storage writes between {@code before} and {@code now}
     * leaves it: every file as in {@code before}, storage.img with a random prefix (in address order,
     * as a write goes) of the bytes that changed since.
     */
    private static void torn(Path before, Path now, Path into, SplittableRandom r) {
        copy(before, into);
        try {
            byte[] a = image(before);
            byte[] b = image(now);
            int changed = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    changed++;
                }
            }
            if (changed == 0) {
                return;
            }
            // the first `cut` changed bytes reached the file: all of `now` below the next changed byte
            int cut = r.nextInt(changed + 1);
            int end = a.length;
            for (int i = 0, seen = 0; i < a.length; i++) {
                if (a[i] != b[i] && seen++ == cut) {
                    end = i;
                    break;
                }
            }
            try (FileChannel ch = FileChannel.open(into.resolve(MachineDirectory.STORAGE), StandardOpenOption.WRITE)) {
                ByteBuffer w = ByteBuffer.wrap(b, 0, end);
                while (w.hasRemaining()) {
                    ch.write(w, w.position());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] image(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve(MachineDirectory.STORAGE));
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.exists(to)) {
                try (Stream<Path> old = Files.walk(to)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path d = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(d);
                    } else if (!p.getFileName().toString().equals(".lock")) {
                        Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
