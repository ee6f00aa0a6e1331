package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.MachineConfig.DumpconfAction;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineDirectoryTest {
    private static final long MIB = Sizes.MIB;

    @TempDir
    Path tmp;

    private static MachineConfig fullConfig() {
        return new MachineConfig(64 * MIB, 2, Optional.of(CrashkernelRange.parse("16M@32M")),
                List.of(new AttachedDevice(DeviceNumber.parse("0.0.0191"), AttachedDevice.DeviceType.TAPE_3490,
                                800 * MIB),
                        new AttachedDevice(DeviceNumber.parse("190"), AttachedDevice.DeviceType.DASD_3390, 3339)),
                DumpconfAction.DUMP, DumpconfAction.KDUMP, Optional.of(DeviceNumber.parse("0.0.0190")), "DUMPLP01",
                CoreCollector.parse("makedumpfile -c -d 31"));
    }

    private static List<CpuState> cpus(int n) {
        List<CpuState> cpus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cpus.add(CpuState.reset(i).withPrefix(0x20000L + 0x2000L * i));
        }
        return cpus;
    }

    @Test
    void createThenOpenRoundTripsEverything() throws IOException {
        Path dir = tmp.resolve("m1");
        MachineConfig config = fullConfig();
        List<CpuState> cpus = List.of(CpuStateTest.distinctive(0, 0x20000), CpuStateTest.distinctive(1, 0x22000));
        MachineDirectory created = MachineDirectory.create(dir, config, cpus);
        assertThat(created.path()).isEqualTo(dir);
        assertThat(created.config()).isEqualTo(config);

        MachineDirectory m = MachineDirectory.open(dir);
        assertThat(m.config()).isEqualTo(config);
        assertThat(m.config().devices()).extracting(d -> d.number().toString())
                .containsExactly("0.0.0190", "0.0.0191");
        assertThat(m.config().device(DeviceNumber.parse("191"))).map(AttachedDevice::capacity).contains(800 * MIB);
        assertThat(m.cpus()).isEqualTo(cpus);
        assertThat(Files.size(dir.resolve(MachineDirectory.STORAGE))).isEqualTo(64 * MIB);
        assertThat(dir.resolve(MachineDirectory.FRAMES)).isRegularFile();
        assertThat(m.devicesDir()).isDirectory().isEqualTo(dir.resolve("devices"));
        assertThat(m.vmcoreDir()).isDirectory();
        assertThat(m.deviceImage(config.devices().get(0))).isEqualTo(dir.resolve("devices/0.0.0190.3390"));
        assertThat(m.deviceImage(config.devices().get(1))).isEqualTo(dir.resolve("devices/0.0.0191.aws"));
        String text = Files.readString(dir.resolve(MachineDirectory.CONFIG));
        assertThat(text).contains("storage = 64M\n", "cpus = 2\n", "crashkernel = 16M@32M\n", "on_panic = dump\n",
                "on_restart = kdump\n", "dump_device = 0.0.0190\n", "loadparm = DUMPLP01\n",
                "device.0.0.0190 = 3390 cylinders=3339\n", "device.0.0.0191 = 3490 capacity=800M\n");
        try (FileStorage s = m.openStorage()) {
            assertThat(s.size()).isEqualTo(64 * MIB);
            assertThat(s.writtenFrames().writtenCount()).isZero();
        }
    }

    @Test
    void crashkernelNoneAndDefaultsRoundTrip() {
        Path dir = tmp.resolve("m2");
        MachineConfig config = MachineConfig.of(16 * MIB, 1, Optional.empty());
        MachineDirectory.create(dir, config, cpus(1));
        MachineConfig back = MachineDirectory.open(dir).config();
        assertThat(back).isEqualTo(config);
        assertThat(back.crashkernel()).isEmpty();
        assertThat(back.dumpDevice()).isEmpty();
        assertThat(back.loadparm()).isEmpty();
        assertThat(back.format()).contains("crashkernel = none\n").contains("dump_device = none\n");
    }

    @Test
    void storageWrittenUnderTheLockIsSeenByTheNextOpen() {
        Path dir = tmp.resolve("m3");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        try (MachineLock lock = m.lock(); FileStorage s = m.openStorage(lock)) {
            s.putU64(Lowcore.MEMINFO_POINTER, 0x7FF000);
        }
        try (FileStorage s = MachineDirectory.open(dir).openStorage()) {
            assertThat(s.u64(Lowcore.MEMINFO_POINTER)).isEqualTo(0x7FF000);
            assertThat(AbsoluteStorageTest.writtenFrames(s)).containsExactly(0L);
        }
    }

    @Test
    void changesNeedTheLock() {
        Path dir = tmp.resolve("m4");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        MachineLock lock = m.lock();
        lock.close();
        assertThatThrownBy(() -> m.openStorage(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.saveCpus(lock, cpus(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lock");
        assertThatThrownBy(() -> m.saveConfig(lock, m.config().withLoadparm("X")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.appendConsole(lock, List.of("x"))).isInstanceOf(IllegalStateException.class);
        // the lock of another machine does not do
        MachineDirectory other = MachineDirectory.create(tmp.resolve("m4b"), MachineConfig.of(8 * MIB, 1,
                Optional.empty()), cpus(1));
        try (MachineLock otherLock = other.lock()) {
            assertThatThrownBy(() -> m.openStorage(otherLock)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toString());
            other.openStorage(otherLock).close();
        }
    }

    @Test
    void saveConfigCpusAndConsoleAreKept() {
        Path dir = tmp.resolve("m5");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 2, Optional.empty()), cpus(2));
        List<CpuState> changed = List.of(CpuStateTest.distinctive(0, 0x4000), CpuStateTest.distinctive(1, 0x6000));
        try (MachineLock lock = m.lock()) {
            m.saveConfig(lock, m.config().withLoadparm("SADUMP").withDumpconf(DumpconfAction.STOP,
                    DumpconfAction.REIPL, Optional.empty()));
            m.saveCpus(lock, changed);
            m.appendConsole(lock, List.of("Linux version 6.1", "kdump: loaded"));
            m.appendConsole(lock, List.of("Kernel panic"));
        }
        MachineDirectory again = MachineDirectory.open(dir);
        assertThat(again.config().loadparm()).isEqualTo("SADUMP");
        assertThat(again.config().onPanic()).isEqualTo(DumpconfAction.STOP);
        assertThat(again.config().onRestart()).isEqualTo(DumpconfAction.REIPL);
        assertThat(again.cpus()).isEqualTo(changed);
        assertThat(again.console()).hasSize(3);
        assertThat(again.console().get(0)).endsWith(" Linux version 6.1");
        assertThat(again.console().get(2)).endsWith(" Kernel panic");
        assertThat(dir.resolve(MachineDirectory.CONFIG + ".tmp")).doesNotExist();
    }

    @Test
    void openOfANonMachineDirectoryIsAClearMachineException() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> MachineDirectory.open(empty)).isInstanceOf(MachineException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("is not a sadump machine")
                .hasMessageContaining("machine.conf");
        Path missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> MachineDirectory.open(missing)).isInstanceOf(MachineException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("is not a directory")
                .hasMessageContaining("does not exist");
        Path file = Files.writeString(tmp.resolve("file.txt"), "hello");
        assertThatThrownBy(() -> MachineDirectory.open(file)).isInstanceOf(MachineException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a directory");
    }

    @Test
    void brokenConfigNamesTheFileAndTheLine() throws IOException {
        Path dir = tmp.resolve("m6");
        MachineDirectory.create(dir, fullConfig(), cpus(2));
        Path conf = dir.resolve(MachineDirectory.CONFIG);
        List<String> lines = new ArrayList<>(Files.readAllLines(conf));
        int storageLine = lines.indexOf("storage = 64M");
        lines.set(storageLine, "storage = 64Q");
        Files.write(conf, lines);
        assertThatThrownBy(() -> MachineDirectory.open(dir)).isInstanceOf(MachineException.class)
                .hasMessageContaining(conf.toString())
                .hasMessageContaining("line " + (storageLine + 1))
                .hasMessageContaining("64Q");
    }

    @Test
    void missingOrBrokenCpuStateIsAMachineException() throws IOException {
        Path dir = tmp.resolve("m7");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        String good = CpuStateFile.format(cpus(1));
        Files.writeString(dir.resolve(MachineDirectory.CPUS), good.replace("prefix = 0x20000", "prefix = 0xnope"));
        assertThatThrownBy(m::cpus).isInstanceOf(MachineException.class).hasMessageContaining("cpus.state")
                .hasMessageContaining("cpu 0").hasMessageContaining("line 3").hasMessageContaining("0xnope");
        Files.delete(dir.resolve(MachineDirectory.CPUS));
        assertThatThrownBy(m::cpus).isInstanceOf(MachineException.class).hasMessageContaining("missing");
    }

    @Test
    void storageOfTheWrongLengthIsAStorageException() throws IOException {
        Path dir = tmp.resolve("m8");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(MachineDirectory.STORAGE),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(MIB);
        }
        assertThatThrownBy(m::openStorage).isInstanceOf(StorageException.class)
                .hasMessageContaining("storage.img").hasMessageContaining("8M");
    }

    @Test
    void createIntoANonEmptyDirectoryIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("busy"));
        Path precious = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()),
                cpus(1))).isInstanceOf(MachineException.class).hasMessageContaining(dir.toString())
                .hasMessageContaining("not empty");
        assertThat(Files.readString(precious)).isEqualTo("keep me");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(precious);
        }
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        assertThatThrownBy(() -> MachineDirectory.create(file, MachineConfig.of(8 * MIB, 1, Optional.empty()),
                cpus(1))).isInstanceOf(MachineException.class).hasMessageContaining("not a directory");
        // an existing empty directory is fine
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        MachineDirectory.create(empty, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        assertThat(MachineDirectory.open(empty).config().storageSize()).isEqualTo(8 * MIB);
        // so is creating the same machine twice: the second is refused
        assertThatThrownBy(() -> MachineDirectory.create(empty, MachineConfig.of(8 * MIB, 1, Optional.empty()),
                cpus(1))).isInstanceOf(MachineException.class).hasMessageContaining("not empty");
    }

    @Test
    void cpuCountMustMatchTheConfig() {
        assertThatThrownBy(() -> MachineDirectory.create(tmp.resolve("m9"),
                MachineConfig.of(8 * MIB, 2, Optional.empty()), cpus(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp.resolve("m9")).doesNotExist();
    }

    @Test
    void aFailedCreateLeavesNoHalfMachine() throws IOException {
        // 16T does not fit on ext4 (the usual temp file system); on one where it fits this still passes
        Path dir = tmp.resolve("huge");
        try {
            MachineDirectory.create(dir, MachineConfig.of(AbsoluteStorage.MAX_SIZE, 1, Optional.empty()), cpus(1));
            assertThat(MachineDirectory.open(dir).config().storageSize()).isEqualTo(AbsoluteStorage.MAX_SIZE);
        } catch (StorageException e) {
            assertThat(e).hasMessageContaining("16T");
            assertThat(dir).doesNotExist();
            Path existing = Files.createDirectory(tmp.resolve("huge2"));
            assertThatThrownBy(() -> MachineDirectory.create(existing,
                    MachineConfig.of(AbsoluteStorage.MAX_SIZE, 1, Optional.empty()), cpus(1)))
                    .isInstanceOf(StorageException.class);
            try (var files = Files.list(existing)) {
                assertThat(files).as("the directory the caller made is kept, and empty").isEmpty();
            }
        }
    }

    @Test
    void secondLockInTheSameJvmIsRefusedUntilTheFirstIsClosed() throws IOException {
        Path dir = tmp.resolve("locked");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        MachineDirectory other = MachineDirectory.open(dir);
        try (MachineLock first = m.lock()) {
            assertThat(first.isValid()).isTrue();
            assertThatThrownBy(other::lock).isInstanceOf(MachineLockedException.class)
                    .isInstanceOf(MachineException.class).hasMessageContaining(dir.toString());
            assertThatThrownBy(m::lock).isInstanceOf(MachineLockedException.class);
            assertThat(first.isValid()).as("a refused attempt does not break the held lock").isTrue();
        }
        try (MachineLock again = other.lock()) {
            assertThat(again.isValid()).isTrue();
        }
        try (MachineLock third = m.lock()) {
            assertThat(third.isValid()).isTrue();
            // another spelling of the same directory is the same machine
            Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
            assertThatThrownBy(() -> MachineDirectory.open(link).lock()).isInstanceOf(MachineLockedException.class);
            assertThatThrownBy(() -> MachineDirectory.open(dir.resolve("../locked")).lock())
                    .isInstanceOf(MachineLockedException.class);
            third.close();
            assertThat(third.isValid()).isFalse();
            third.close(); // twice is harmless
        }
    }

    @Test
    void lockHeldHereRefusesAnotherProcess() throws Exception {
        Path dir = tmp.resolve("shared");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        try (MachineLock lock = m.lock()) {
            ProbeResult r = runProbe("try", dir);
            assertThat(r.exit).as(r.output).isEqualTo(3);
            assertThat(r.output).startsWith("REFUSED ").contains(dir.toString())
                    .contains("pid " + ProcessHandle.current().pid());
        }
        ProbeResult r = runProbe("try", dir);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).isEqualTo("LOCKED");
    }

    /**
     * POSIX record locks belong to the process: closing any descriptor of the lock file drops them. A
     * refused second attempt in this JVM must therefore not open and close the file behind the holder's
     * back, or another process could then take the lock.
     */
    @Test
    void refusedAttemptHereDoesNotReleaseTheLockForOtherProcesses() throws Exception {
        Path dir = tmp.resolve("twice");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        try (MachineLock lock = m.lock()) {
            assertThatThrownBy(m::lock).isInstanceOf(MachineLockedException.class)
                    .hasMessageContaining("this process");
            ProbeResult r = runProbe("try", dir);
            assertThat(r.output).as("another process after a refused attempt here").startsWith("REFUSED ");
            assertThat(r.exit).isEqualTo(3);
            assertThat(lock.isValid()).isTrue();
        }
        assertThat(runProbe("try", dir).output).isEqualTo("LOCKED");
    }

    @Test
    void lockHeldByAnotherProcessIsRefusedHere() throws Exception {
        Path dir = tmp.resolve("other");
        MachineDirectory m = MachineDirectory.create(dir, MachineConfig.of(8 * MIB, 1, Optional.empty()), cpus(1));
        Process child = probe("hold", dir).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("HOLDING");
            assertThatThrownBy(m::lock).isInstanceOf(MachineLockedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("pid " + child.pid());
            try (OutputStream in = child.getOutputStream()) {
                in.write("release\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
        }
        try (MachineLock lock = m.lock()) {
            assertThat(lock.isValid()).isTrue();
        }
    }

    private record ProbeResult(int exit, String output) {}

    private static ProbeResult runProbe(String mode, Path dir) throws Exception {
        Process p = probe(mode, dir).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProbeResult(p.exitValue(), output);
    }

    /** A child JVM running {@link LockProbe} from this module's main and test classes. */
    private static ProcessBuilder probe(String mode, Path dir) throws URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = location(LockProbe.class) + File.pathSeparator + location(MachineLock.class);
        return new ProcessBuilder(java, "-Xmx64m", "-cp", classpath, LockProbe.class.getName(), mode,
                dir.toString());
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
