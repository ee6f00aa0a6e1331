package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390EndMarker;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stand-alone dump taken while a kdump kernel ran (docs/abi.md §9.3): the production
 * system's {@code [0, size)} sits at the crashkernel base, the kdump kernel in {@code [0, size)}.
 */
class SystemSelectionTest {
    static final long MIB = TestDumps.MIB;
    static final long SIZE = 32 * MIB;
    static final long CK = 8 * MIB;

    @TempDir
    Path dir;

    /** The production system, and storage as the stand-alone dumper saw it after the swap. */
    static AbsoluteStorage[] swapped() {
        TestDumps.System prod = TestDumps.boot(SIZE, 2, 31);
        AbsoluteStorage after = AbsoluteStorage.inMemory(SIZE);
        byte[] b = new byte[(int) CK];
        prod.storage().read(0, b, 0, b.length);
        after.write(CK, b);
        byte[] rest = new byte[(int) (SIZE - 2 * CK)];
        prod.storage().read(2 * CK, rest, 0, rest.length);
        after.write(2 * CK, rest);
        byte[] kdump = new byte[(int) CK];
        new SplittableRandom(9).nextBytes(kdump);
        after.write(0, kdump);
        after.putU64(Lowcore.VMCOREINFO_POINTER, 0);
        after.putU64(Lowcore.MEMINFO_POINTER, 0);
        after.putU64(Lowcore.OLDMEM_BASE, CK);
        after.putU64(Lowcore.OLDMEM_SIZE, CK);
        return new AbsoluteStorage[] {prod.storage(), after};
    }

    @Test
    void prodKdumpAndAllViews() throws IOException {
        AbsoluteStorage[] s = swapped();
        MemorySource dumped = new StorageMemorySource(s[1]);
        Path f = dir.resolve("both.s390");
        TestDumps.classicFile(dumped, DumpMetadata.none(), f);
        try (OpenedDump d = DumpOpener.open(List.of(f))) {
            DumpInfo info = DumpInfo.of(d);
            assertThat(info.kdump()).contains(new SystemSelection.KdumpRange(CK, CK));
            assertThat(info.uts().nodename()).isEmpty(); // the kdump kernel's lowcore has no pointers

            SystemSelection.Selected prodSystem = SystemSelection.PROD.apply(d.dump().memory(), d.dump().metadata(),
                    info.kdump().get());
            MemorySource prod = prodSystem.memory();
            MemorySource prodStorage = new StorageMemorySource(s[0]);
            assertThat(TestDumps.digests(prod, CK)).isEqualTo(TestDumps.digests(prodStorage, CK));
            byte[] hi = new byte[(int) MIB];
            byte[] want = new byte[(int) MIB];
            prod.read(20 * MIB, hi, 0, hi.length);
            s[0].read(20 * MIB, want, 0, want.length);
            assertThat(hi).isEqualTo(want);
            assertThatThrownBy(() -> prod.read(CK + 5, new byte[1], 0, 1)).isInstanceOf(MemoryAbsentException.class);
            assertThat(UtsInfo.of(prod, prodSystem.metadata().vmcoreinfo()).nodename()).contains(TestDumps.NODENAME);

            MemorySource kdump = SystemSelection.KDUMP.apply(d.dump().memory(), d.dump().metadata(),
                    info.kdump().get()).memory();
            assertThat(kdump.memorySize()).isEqualTo(CK);
            assertThat(DumpInfo.memoryMap(kdump)).containsExactly(new DumpInfo.MemoryRange(0, CK));
            assertThat(TestDumps.digests(kdump, CK)).isEqualTo(TestDumps.digests(dumped, CK));

            assertThat(SystemSelection.ALL.apply(d.dump().memory(), d.dump().metadata(), info.kdump().get()))
                    .isEqualTo(new SystemSelection.Selected(d.dump().memory(), d.dump().metadata()));
        }
    }

    @Test
    void aPlainDumpHoldsOneSystem() throws IOException {
        TestDumps.System sys = TestDumps.boot(SIZE, 1, 3);
        assertThat(SystemSelection.kdumpRange(sys.memory())).isEmpty();
        AbsoluteStorage bad = AbsoluteStorage.inMemory(SIZE);
        bad.putU64(Lowcore.OLDMEM_BASE, CK + 4096); // not 1 MiB aligned
        bad.putU64(Lowcore.OLDMEM_SIZE, CK);
        assertThat(SystemSelection.kdumpRange(new StorageMemorySource(bad))).isEmpty();
        assertThat(SystemSelection.parse("Prod")).isEqualTo(SystemSelection.PROD);
        assertThatThrownBy(() -> SystemSelection.parse("both")).hasMessageContaining("prod, kdump or all");
    }

    /**
     * Regression: a selected system is converted with the dump's own start and end TOD, CPU id and
     * CPUs, not with the converter's defaults (the selected memory used to lose them).
     */
    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"PROD, S390", "PROD, ELF", "KDUMP, S390", "KDUMP, ELF", "ALL, S390"})
    void aSelectedSystemKeepsTheDumpsTimesAndCpus(SystemSelection which, DumpFormat to) throws IOException {
        AbsoluteStorage[] s = swapped();
        TestDumps.System prod = TestDumps.boot(SIZE, 2, 31);
        Path f = dir.resolve("both.s390");
        TestDumps.classicFile(new StorageMemorySource(s[1]), DumpMetadata.of(prod.cpus(), Optional.empty()), f);
        Path out = dir.resolve("selected." + to.name().toLowerCase(java.util.Locale.ROOT));
        S390DumpHeader source;
        S390EndMarker sourceEnd;
        List<CpuState> sourceCpus;
        try (OpenedDump d = DumpOpener.open(List.of(f))) {
            source = d.dump().s390Header().orElseThrow();
            sourceEnd = d.dump().s390EndMarker().orElseThrow();
            sourceCpus = d.dump().metadata().cpus();
            assertThat(source.tod()).isEqualTo(TestDumps.START_TOD);
            assertThat(source.cpuId()).isEqualTo(TestDumps.CPU_ID);
            assertThat(sourceCpus).hasSize(2);
            SystemSelection.Selected sel = which.apply(d.dump().memory(), d.dump().metadata(),
                    DumpInfo.of(d).kdump().orElseThrow());
            DumpFormatWriter c = DumpFormatRegistry.of(to).writer().orElseThrow();
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.write(sel.memory(), sel.metadata(), ch, io.sadump.dump.DumpProgressListener.NONE);
            }
        }
        try (OpenedDump d = DumpOpener.open(List.of(out))) {
            assertThat(d.dump().complete()).isTrue();
            if (to == DumpFormat.ELF) {
                // the notes carry the registers the source dump holds
                assertThat(d.dump().metadata().cpus()).as("%s: the CPUs", which).isEqualTo(sourceCpus);
            } else {
                // the s390 format keeps the CPUs' save areas in memory: the prefixes are the dump's, the
                // save areas those of the selected system's memory
                S390DumpHeader h = d.dump().s390Header().orElseThrow();
                assertThat(h.prefixes()).as("%s: the CPUs' prefixes", which).isEqualTo(source.prefixes());
                assertThat(h.tod()).as("%s: dump start TOD", which).isEqualTo(source.tod());
                assertThat(h.cpuId()).as("%s: CPU id", which).isEqualTo(source.cpuId());
                assertThat(d.dump().s390EndMarker().orElseThrow().tod()).as("%s: dump end TOD", which)
                        .isEqualTo(sourceEnd.tod());
            }
        }
    }
}
