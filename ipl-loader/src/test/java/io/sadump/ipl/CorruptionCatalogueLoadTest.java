package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.DumpFormat;
import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every entry of the corruption catalogue through the whole Load path: the verdict names the expected
 * check, the dump kind follows from it (vmcore for the controls, s390_ext on the DASD otherwise), and
 * the dump read back equals the production system's memory at the time of the dump.
 */
class CorruptionCatalogueLoadTest {
    static final long STORAGE = 128 * Sizes.MIB;
    static final long SEED = 42;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Corruption.class)
    void loadAfterInjection(Corruption kind) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"), STORAGE);
        InjectionReport report;
        try (MachineLock lock = m.machine.lock()) {
            report = CorruptionCatalogue.inject(m.machine, lock, kind, SEED);
        }
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE));
        String context = report + "\n" + String.join("\n", o.messages());

        if (kind.expected().isEmpty()) {
            assertThat(o.verdictWord()).as(context).isEqualTo("pass");
            assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
            Path vmcore = Path.of(o.paths().get(0));
            try (ReadBackDump core = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(vmcore)), "vmcore")) {
                MebibyteDigests.Comparison c = m.atDump.compare(core.memory());
                assertThat(c.different()).as(context).isEmpty();
                long ckMiB = m.machine.config().crashkernel().orElseThrow().size() / Sizes.MIB;
                assertThat(c.absent()).hasSize((int) ckMiB);
            }
        } else {
            assertThat(o.verdictCode()).as(context).isEqualTo(kind.expected().get().code());
            assertThat(o.messages()).as(context).anyMatch(s -> s.startsWith(String.format("kdump not possible: 0x%04X",
                    kind.expected().get().code())));
            assertThat(o.dumpFormat()).contains(DumpFormat.S390_EXT);
            assertThat(o.dumpComplete()).as(context).isTrue();
            try (EckdDasd dasd = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                    ReadBackDump dump = S390ExtDumpReader.open(dasd.dumpPartition(),
                            "0.0.0190")) {
                MebibyteDigests.Comparison c = m.atDump.compare(dump.memory());
                assertThat(c.different()).as(context).isEmpty();
                assertThat(c.absent()).isEmpty();
            }
        }
    }
}
