package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.fixtures.CrashkernelSegments;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineLock;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.VmcoreinfoNote;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dump's VMCOREINFO says when it was taken: panic, PSW restart and the Load that dumps write
 * {@code CRASHTIME} into the note (and keep meminfo valid) before the dump is written.
 */
class CrashTimeTest {
    @TempDir
    Path tmp;
    TestMachine m;

    @BeforeEach
    void setUp() throws IOException {
        m = new TestMachine(tmp.resolve("m"));
    }

    static Optional<Instant> vmcoreCrashTime(LoadOutcome o) throws IOException {
        Path vmcore = Path.of(o.paths().get(0));
        try (ReadBackDump core = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(vmcore)), vmcore.toString())) {
            return core.metadata().vmcoreinfo().flatMap(VmcoreinfoNote::crashTime);
        }
    }

    @Test
    void aVmcoreTakenNowSaysNowAndTheVerdictStillPasses() throws IOException {
        Instant before = Instant.now();
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                elf());
        Instant after = Instant.now();
        assertThat(o.verdictWord()).as("the crash time kept meminfo valid").isEqualTo("pass");
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(vmcoreCrashTime(o)).hasValueSatisfying(t -> assertThat(t)
                .isBetween(before.minusSeconds(1), after.plusSeconds(1)));
    }

    @Test
    void panicAndRestartWriteTheLoadersClockTime() throws IOException {
        m.operatorStops = false; // the kernel takes them while it runs
        Instant panic = Instant.parse("2026-12-01T23:00:00Z");
        m.clock = Clock.fixed(panic, ZoneOffset.UTC);
        LoadOutcome p = m.run((l, c) -> l.panic("Oops", c), elf());
        assertThat(p.verdictWord()).isEqualTo("pass");
        assertThat(vmcoreCrashTime(p)).contains(panic);

        Instant restart = panic.plus(Duration.ofMinutes(7));
        m.clock = Clock.fixed(restart, ZoneOffset.UTC);
        LoadOutcome r = m.run((l, c) -> l.restart(c), elf());
        assertThat(r.verdictWord()).isEqualTo("pass");
        assertThat(vmcoreCrashTime(r)).as("the re-IPLed system's own crash").contains(restart);
    }

    @Test
    void aStandAloneDumpTakenNowSaysNowInItsMemory() throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            KexecSegment kernel = CrashkernelSegments.currentTable(s).orElseThrow().segments().get(0);
            s.putU8(kernel.mem() + 0x100, s.u8(kernel.mem() + 0x100) ^ 0x01);
        }
        Instant before = Instant.now();
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                elf());
        Instant after = Instant.now();
        assertThat(o.dumpFormat()).contains(DumpFormat.S390_EXT);
        try (EckdDasd dasd = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                ReadBackDump dump = S390ExtDumpReader.open(dasd.dumpPartition(), "0.0.0190")) {
            assertThat(dump.metadata().vmcoreinfo().flatMap(VmcoreinfoNote::crashTime)).hasValueSatisfying(t -> assertThat(t)
                    .isBetween(before.minusSeconds(1), after.plusSeconds(1)));
            assertThat(m.atDump.compare(dump.memory()).different()).as("the dump holds storage as the crash time left it")
                    .isEmpty();
        }
    }

    @Test
    void aFreshlyBootedSystemHasNoCrashTimeAndPassesTheVerdict() throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            assertThat(KdumpVerdict.evaluate(s).passed()).isTrue();
            assertThat(io.sadump.meminfo.VmcoreinfoLocator.find(new io.sadump.machine.StorageMemorySource(s)).flatMap(VmcoreinfoNote::crashTime)).isEmpty();
        }
    }

    static VmcoreWriter elf() {
        return new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE);
    }
}
