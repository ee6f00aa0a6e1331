package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCopyTest {
    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    @Test
    void aCopyAndARestoredScenarioDirectoryAreTheTemplateByteForByte() throws IOException {
        CampaignTemplate template = CampaignTemplate.ensure(dir, 64L << 20);
        TemplateCopy copy = new TemplateCopy(template.machineDir());
        Path m = dir.resolve("w");
        copy.copyTo(m);
        assertSameTree(template.machineDir(), m);

        ScenarioRunner runner = new ScenarioRunner(template);
        for (Corruption kind : new Corruption[] {Corruption.SEGMENT_BITFLIP_KERNEL, Corruption.CONTROL_USER_PAGE,
                Corruption.MEMINFO_POINTER_ZERO}) {
            ScenarioResult r = runner.run(new Scenario(0, 64L << 20, kind, 17), m);
            assertThat(r.problems()).isEmpty();
            // the scenario changed the machine: storage, CPUs, console, the DASD or a new vmcore
            assertThat(differs(template.machineDir(), m)).as("after " + kind).isTrue();
            copy.restore(m);
            assertSameTree(template.machineDir(), m);
        }
        // stray files go, a half-deleted machine comes back
        Files.writeString(m.resolve("stray.txt"), "x");
        Files.delete(m.resolve(MachineDirectory.CPUS));
        try (MachineLock lock = MachineDirectory.open(m).lock()) {
            CorruptionCatalogue.inject(MachineDirectory.open(m), lock, Corruption.MEMINFO_BODY_BYTE, 3);
        }
        copy.restore(m);
        assertSameTree(template.machineDir(), m);

        // a byte changed inside the data, a longer storage file, bytes past the DASD's data: all undone
        Path image = m.resolve(MachineDirectory.STORAGE);
        long size = Files.size(image);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {4}), 12345);
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), size + 100_000);
        }
        Path dasd;
        try (Stream<Path> s = Files.list(m.resolve("devices"))) {
            dasd = s.filter(p -> p.toString().endsWith(".3390")).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(dasd, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9}), Files.size(dasd) - 70_000);
        }
        copy.restore(m);
        assertSameTree(template.machineDir(), m);
    }

    /**
     * The runner's restore looks only where a scenario's storage and DASD noted writes; after every kind of
     * the catalogue the machine is still the template byte for byte, and a write that was not noted (made
     * behind the machine's back) is found by the file's time and undone by a full comparison.
     */
    @Test
    void restoringOnlyWhatEachKindOfScenarioWroteGivesTheTemplateBack() throws IOException {
        CampaignTemplate template = CampaignTemplate.ensure(dir, 64L << 20);
        ScenarioRunner runner = new ScenarioRunner(template);
        Path m = dir.resolve("w");
        long seed = 41;
        for (Corruption kind : CorruptionCatalogue.kinds()) {
            ScenarioResult r = runner.run(new Scenario(0, 64L << 20, kind, seed++), m);
            assertThat(r.problems()).as(kind.kindName()).isEmpty();
            assertThat(differs(template.machineDir(), m)).as("after " + kind).isTrue();
            runner.restore(m);
            assertSameTree(template.machineDir(), m);
        }
        Path dasd;
        try (Stream<Path> s = Files.list(m.resolve("devices"))) {
            dasd = s.filter(p -> p.toString().endsWith(".3390")).findFirst().orElseThrow();
        }
        for (Path file : new Path[] {dasd, m.resolve(MachineDirectory.STORAGE), m.resolve("kexec/kernel")}) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {7, 7, 7}), Files.size(file) / 2 + 1);
            }
            runner.restore(m);
            assertSameTree(template.machineDir(), m);
        }
    }

    private static boolean differs(Path a, Path b) throws IOException {
        try {
            assertSameTree(a, b);
            return false;
        } catch (AssertionError e) {
            return true;
        }
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, Path> e = files(expected);
        Map<String, Path> a = files(actual);
        e.remove(".lock");
        assertThat(a.keySet()).isEqualTo(e.keySet());
        for (String rel : e.keySet()) {
            Path x = e.get(rel);
            Path y = a.get(rel);
            if (Files.isRegularFile(x)) {
                assertThat(Files.size(y)).as(rel).isEqualTo(Files.size(x));
                assertThat(Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y))).as(rel + " content").isTrue();
            }
            assertThat(Files.getLastModifiedTime(y)).as(rel + " time").isEqualTo(Files.getLastModifiedTime(x));
        }
    }

    private static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> m.put(root.relativize(p).toString(), p));
        }
        return m;
    }
}
