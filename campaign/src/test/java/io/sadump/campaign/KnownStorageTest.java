package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.WrittenRanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference a scenario takes from what its storage is known to hold (the template's digests, patched
 * where the write log noted writes) must equal the digests of the storage's bytes, and the check after a
 * dump must still find every MiB that changed, noted or written behind the machine's back.
 */
class KnownStorageTest {
    private static final long SIZE = 64L << 20;
    private static final int MIB = 1 << 20;

    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    private CampaignTemplate template;
    private TemplateCopy copy;
    private MebibyteDigests templateDigests;
    private Path m;
    private WrittenRanges log;

    @BeforeEach
    void restoredCopy() throws IOException {
        template = CampaignTemplate.ensure(dir, SIZE);
        copy = new TemplateCopy(template.machineDir());
        MachineDirectory t = MachineDirectory.open(template.machineDir());
        try (FileStorage s = t.openStorage()) {
            templateDigests = MebibyteDigests.ofImage(map(t.path().resolve(MachineDirectory.STORAGE)), s.writtenFrames(),
                    MebibyteDigests.Algorithm.CRC_32C);
        }
        m = dir.resolve("w");
        log = new WrittenRanges();
        copy.restore(m, log);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void theReferenceIsTheDigestOfWhatStorageHolds(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        MachineDirectory machine = MachineDirectory.open(m).watchWrites(log);
        KnownStorage known = known();
        try (MachineLock lock = machine.lock(); FileStorage s = machine.openStorage(lock)) {
            // writes anywhere: written frames and never-written ones, inside a MiB and across two
            for (int i = 1 + rnd.nextInt(5); i > 0; i--) {
                byte[] b = new byte[1 + rnd.nextInt(3 * MIB / 2)];
                rnd.nextBytes(b);
                s.write(rnd.nextLong(SIZE - b.length), b);
            }
            ByteBuffer image = map(m.resolve(MachineDirectory.STORAGE));
            MebibyteDigests reference = known.digestsOf(image, s.writtenFrames(), MebibyteDigests.Algorithm.CRC_32C);
            MebibyteDigests.Comparison c = reference.compareImage(image, s.writtenFrames());
            assertThat(c.different()).as("seed %d", seed).isEmpty();
            assertThat(c.equal()).as("seed %d", seed).isEqualTo(SIZE / MIB);
        }
    }

    @Test
    void aMiBWrittenAfterTheReferenceIsFoundNotedOrNot() throws IOException {
        MachineDirectory machine = MachineDirectory.open(m).watchWrites(log);
        KnownStorage known = known();
        ByteBuffer image = map(m.resolve(MachineDirectory.STORAGE));
        MebibyteDigests reference;
        try (MachineLock lock = machine.lock(); FileStorage s = machine.openStorage(lock)) {
            assertThat(known.writtenSinceRestore()).hasValueSatisfying(r -> assertThat(r).isEmpty());
            reference = known.digestsOf(image, s.writtenFrames(), MebibyteDigests.Algorithm.CRC_32C);
            assertThat(known.compare(reference, image, s.writtenFrames()).different()).isEmpty();
        }

        // behind the machine's back, nothing noted: the file's time gives it away, all of storage is compared
        try (FileChannel ch = FileChannel.open(m.resolve(MachineDirectory.STORAGE), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xA5}), 40L * MIB + 7);
        }
        assertThat(known.writtenSinceRestore()).isEmpty();
        try (FileStorage s = machine.openStorage()) {
            assertThat(known.compare(reference, image, s.writtenFrames()).different()).containsExactly(40L);
        }

        // after a restore, noted writes: exactly the MiBs they changed
        copy.restore(m, log);
        try (MachineLock lock = machine.lock(); FileStorage s = machine.openStorage(lock)) {
            s.write(3L * MIB + 100, new byte[] {1, 2, 3});
            s.write(50L * MIB - 2, new byte[] {4, 5, 6, 7}); // across MiB 49 and 50
            assertThat(known.writtenSinceRestore()).isPresent();
            List<Long> different = new ArrayList<>(known.compare(reference, image, s.writtenFrames()).different());
            assertThat(different).containsExactly(3L, 49L, 50L);
        }
    }

    private KnownStorage known() {
        return new KnownStorage(templateDigests, m.resolve(MachineDirectory.STORAGE), log, copy);
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }
}
