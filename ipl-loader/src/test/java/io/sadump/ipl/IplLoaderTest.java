package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.fixtures.CrashkernelSegments;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuControls;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineLock;
import io.sadump.machine.RunState;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.VerdictCheck;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IplLoaderTest {
    @TempDir
    Path tmp;
    TestMachine m;

    @BeforeEach
    void setUp() throws IOException {
        m = new TestMachine(tmp.resolve("m"));
    }

    @Test
    void passingVerdictStartsKdumpWhoseVmcoreReadsBackAsOldMemoryWas() throws IOException {
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());

        assertThat(o.verdictWord()).isEqualTo("pass");
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(o.dumpComplete()).isTrue();
        assertThat(o.paths()).singleElement().asString().endsWith("/vmcore");
        Path vmcore = Path.of(o.paths().get(0));
        assertThat(vmcore.getParent().getParent()).isEqualTo(m.machine.vmcoreDir());
        assertThat(o.bytes()).isEqualTo(Files.size(vmcore));
        CrashkernelRange ck = m.machine.config().crashkernel().orElseThrow();
        try (ReadBackDump core = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(vmcore)), vmcore.toString())) {
            MebibyteDigests.Comparison cmp = m.atDump.compare(core.memory());
            assertThat(cmp.different()).as("MiBs that differ from storage at dump time").isEmpty();
            assertThat(cmp.absent()).as("the crashkernel range is left out")
                    .containsExactlyElementsOf(LongStream.range(ck.base() >> 20, ck.end() >> 20).boxed().toList());
            assertThat(core.metadata().cpus()).hasSize(2);
            assertThat(core.metadata().cpus()).extracting(c -> c.pswAddress())
                    .containsExactlyElementsOf(m.cpusBefore.stream().map(c -> c.pswAddress()).toList());
            assertThat(core.metadata().vmcoreinfo()).hasValueSatisfying(v -> assertThat(v).contains("OSRELEASE="));
        }
        assertThat(o.messages()).contains(IplLoader.BANNER);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("kdump check: meminfo at 0x"));
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);
        assertThat(m.system.state().bootCount()).isEqualTo(2);
        // the re-IPLed system has kdump loaded again: a second load passes again
        LoadOutcome again = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        assertThat(again.verdictWord()).isEqualTo("pass");
        assertThat(again.paths().get(0)).isNotEqualTo(o.paths().get(0));
    }

    static VmcoreWriter elf() {
        return new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE);
    }

    @Test
    void corruptedKernelSegmentFallsBackToS390ExtOnDasdThatReadsBackEqual() throws IOException {
        KexecSegment kernel;
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            kernel = CrashkernelSegments.currentTable(s).orElseThrow().segments().get(0);
            long at = kernel.mem() + 0x1234;
            s.putU8(at, s.u8(at) ^ 0x10);
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                elf());

        assertThat(o.verdictWord()).isEqualTo("fail");
        assertThat(o.verdictCode()).isEqualTo(VerdictCheck.SEGMENT_CORRUPTED.code());
        assertThat(o.messages()).anyMatch(s -> s.startsWith("kdump not possible: 0x4533 segment 0 (kernel) corrupted"));
        assertThat(o.messages()).contains(IplLoader.DUMPING, IplLoader.DUMP_SUCCESSFUL);
        assertThat(o.messages()).anyMatch(s -> s.matches("\\d{8} / 00000256 MB \\(Dump file size \\d{8} MB\\)"));
        assertThat(o.dumpFormat()).contains(DumpFormat.S390_EXT);
        assertThat(o.dumpComplete()).isTrue();
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);

        try (EckdDasd dasd = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                ReadBackDump dump = S390ExtDumpReader.open(dasd.dumpPartition(), "0.0.0190")) {
            MebibyteDigests.Comparison cmp = m.atDump.compare(dump.memory());
            assertThat(cmp.absent()).isEmpty();
            assertThat(cmp.different()).isEmpty();
            assertThat(cmp.equal()).isEqualTo(TestMachine.STORAGE / Sizes.MIB);
            assertThat(dump.metadata().cpus()).hasSize(2);
        }
    }

    @Test
    void fallbackToTapeWritesAClassicDump() throws IOException {
        breakMeminfoPointer();
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.TAPE, false, false, ""), c),
                elf());
        assertThat(o.verdictCode()).isEqualTo(0x4520);
        assertThat(o.dumpFormat()).contains(DumpFormat.S390_TAPE);
        assertThat(o.dumpComplete()).isTrue();
        assertThat(o.bytes()).isEqualTo(TestMachine.STORAGE);
    }

    @Test
    void deviceTooSmallFailsTheDumpWith4600() throws IOException {
        breakMeminfoPointer();
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.SMALL_DASD, false, false, ""), c),
                elf());
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(0x4600);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x4600 Device too small"));
    }

    @Test
    void withoutAValidIpibTheDumperStopsInADisabledWaitWithTheCode() throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            s.putU32(io.sadump.machine.Lowcore.IPIB_CHECKSUM, s.u32(io.sadump.machine.Lowcore.IPIB_CHECKSUM) ^ 1);
            s.putU64(io.sadump.machine.Lowcore.MEMINFO_POINTER, 0);
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, false, ""), c),
                elf());
        assertThat(o.after()).isEqualTo(AfterDump.DISABLED_WAIT);
        assertThat(o.waitCode()).isEqualTo(0x4520);
        assertThat(o.cpus().get(0).pswMask()).isEqualTo(IplLoader.DISABLED_WAIT_MASK);
        assertThat(o.cpus().get(0).pswAddress()).isEqualTo(0x4520);
        assertThat(o.messages().get(o.messages().size() - 1)).contains("checksum").contains("disabled wait");
        assertThat(o.runState()).isEqualTo(RunState.disabledWait(0x4520));
        assertThat(m.machine.runState()).isEqualTo(RunState.disabledWait(0x4520));
    }

    @Test
    void aNormalLoadOfOperatingCpusIsRefusedAndChangesNothingThenStopAndLoadWorks() throws IOException {
        m.operatorStops = false;
        assertThat(m.machine.runState()).isEqualTo(RunState.operating());
        byte[] cpus = Files.readAllBytes(m.machine.path().resolve(io.sadump.machine.MachineDirectory.CPUS));
        MebibyteDigests before;
        try (AbsoluteStorage s = m.machine.openStorage()) {
            before = MebibyteDigests.of(s);
        }
        assertThatThrownBy(() -> m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                elf())).isInstanceOf(CpuStateException.class).hasMessage("the CPUs are operating: a load needs them "
                        + "stopped first (the HMC's stop), or a load clear, which zeroes storage");
        assertThat(m.console).isEmpty();
        assertThat(Files.readAllBytes(m.machine.path().resolve(io.sadump.machine.MachineDirectory.CPUS))).isEqualTo(cpus);
        assertThat(m.machine.runState()).isEqualTo(RunState.operating());
        try (AbsoluteStorage s = m.machine.openStorage()) {
            assertThat(before.compare(new io.sadump.machine.StorageMemorySource(s)).different()).isEmpty();
        }

        try (MachineLock lock = m.machine.lock()) {
            assertThat(CpuControls.stop(m.machine, lock).after()).isEqualTo(RunState.stopped());
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);
        assertThat(m.machine.runState()).as("the re-IPLed production system runs").isEqualTo(RunState.operating());
    }

    @Test
    void aLoadOfOperatingCpusFromAMissingDeviceNamesTheMissingDeviceFirst() {
        // the run-state fix (a load clear) would zero storage and still fail on the device
        m.operatorStops = false;
        assertThatThrownBy(() -> m.run((l, c) -> l.load(new LoadRequest(
                io.sadump.machine.DeviceNumber.parse("0.0.0999"), false, false, ""), c), elf()))
                .isInstanceOf(IplException.class).hasMessageContaining("no device at load address 0.0.0999");
        assertThat(m.console).isEmpty();
        assertThat(m.machine.runState()).isEqualTo(RunState.operating());
    }

    @Test
    void aLoadClearOfOperatingCpusIsAllowedAndLeavesThemStopped() throws IOException {
        m.operatorStops = false;
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, true, false, ""), c), elf());
        assertThat(o.after()).isEqualTo(AfterDump.STOPPED);
        assertThat(m.machine.runState()).isEqualTo(RunState.stopped());
    }

    @Test
    void checkStoppedCpusTakeNoRestartButALoadRecoversThem() throws IOException {
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveRunState(lock, RunState.checkStop());
        }
        m.operatorStops = false;
        assertThatThrownBy(() -> m.run((l, c) -> l.restart(c), elf())).isInstanceOf(CpuStateException.class)
                .hasMessageContaining("check-stop");
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(m.machine.runState()).isEqualTo(RunState.operating());
    }

    @Test
    void loadClearZeroesStorageAndDumpsNothing() throws IOException {
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, true, false, ""), c),
                elf());
        assertThat(o.dumpFormat()).isEmpty();
        assertThat(o.verdict()).isEmpty();
        assertThat(o.messages()).anyMatch(s -> s.contains("no dump is possible"));
        try (AbsoluteStorage s = m.machine.openStorage()) {
            assertThat(s.writtenFrames().nextWritten(0)).as("first written frame").isNegative();
        }
    }

    @Test
    void aMissingDeviceOrAnUnpreparedOneFailsTheLoadBeforeAnythingChanges() throws IOException {
        MebibyteDigests before;
        try (AbsoluteStorage s = m.machine.openStorage()) {
            before = MebibyteDigests.of(s);
        }
        assertThatThrownBy(() -> m.run((l, c) -> l.load(new LoadRequest(io.sadump.machine.DeviceNumber.parse("0.0.0999"),
                false, true, ""), c), elf()))
                .isInstanceOf(IplException.class)
                .hasMessageContaining("no device at load address 0.0.0999")
                .hasMessageContaining("0.0.0190");
        assertThatThrownBy(() -> m.run((l, c) -> l.load(new LoadRequest(TestMachine.BLANK_DASD, false, true, ""), c),
                elf()))
                .isInstanceOf(IplException.class)
                .hasMessageContaining("0.0.0192 holds no dump tool");
        try (AbsoluteStorage s = m.machine.openStorage()) {
            MebibyteDigests.Comparison c = before.compare(new io.sadump.machine.StorageMemorySource(s));
            assertThat(c.different()).isEmpty();
        }
    }

    @Test
    void restartRunsTheVerdictInTheKernelAndOnFailureTheDumpconfAction() throws IOException {
        m.operatorStops = false; // a restart is taken by running CPUs: no stop first
        // pass: kdump from the kernel, with store status of every CPU
        LoadOutcome pass = m.run((l, c) -> l.restart(c), elf());
        assertThat(pass.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(pass.messages()).anyMatch(s -> s.startsWith("kernel: kdump check"));
        assertThat(m.machine.runState()).isEqualTo(RunState.operating());

        // fail with on_restart = dump: the configured dump device is IPLed
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveConfig(lock, m.machine.config().withDumpconf(io.sadump.machine.MachineConfig.DumpconfAction.DUMP,
                    io.sadump.machine.MachineConfig.DumpconfAction.DUMP, java.util.Optional.of(TestMachine.DASD)));
        }
        breakMeminfoPointer();
        LoadOutcome dump = m.run((l, c) -> l.restart(c), elf());
        assertThat(dump.messages()).anyMatch(s -> s.contains("on_restart = dump: IPL of dump device 0.0.0190"));
        assertThat(dump.dumpFormat()).contains(DumpFormat.S390_EXT);
        assertThat(dump.verdictCode()).isEqualTo(0x4520);

        // fail with on_restart = stop
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveConfig(lock, m.machine.config().withDumpconf(io.sadump.machine.MachineConfig.DumpconfAction.STOP,
                    io.sadump.machine.MachineConfig.DumpconfAction.STOP, java.util.Optional.empty()));
        }
        breakMeminfoPointer();
        LoadOutcome stop = m.run((l, c) -> l.restart(c), elf());
        assertThat(stop.after()).isEqualTo(AfterDump.STOPPED);
        assertThat(stop.dumpFormat()).isEmpty();
        assertThat(m.machine.runState()).isEqualTo(RunState.stopped());
    }

    @Test
    void panicRunsTheVerdictAndOnFailureTheOnPanicAction() throws IOException {
        m.operatorStops = false;
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveConfig(lock, m.machine.config().withDumpconf(io.sadump.machine.MachineConfig.DumpconfAction.REIPL,
                    io.sadump.machine.MachineConfig.DumpconfAction.STOP, java.util.Optional.empty()));
        }
        breakMeminfoPointer();
        LoadOutcome o = m.run((l, c) -> l.panic("Oops", c), elf());
        assertThat(o.trigger()).isEqualTo("panic");
        assertThat(o.messages().get(0)).isEqualTo("Kernel panic - not syncing: Oops (on_panic = reipl)");
        assertThat(o.verdictCode()).isEqualTo(0x4520);
        assertThat(o.dumpFormat()).isEmpty();
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);
        assertThat(m.system.state().bootCount()).isEqualTo(2);
    }

    private void breakMeminfoPointer() {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            s.putU64(io.sadump.machine.Lowcore.MEMINFO_POINTER, 0);
        }
    }
}
