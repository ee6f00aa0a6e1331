package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stand-alone dump taken while a kdump kernel ran (reference kernel-kdump.md §3.7): the production
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
        MemorySource dumped = new StorageMemorySource(s[1], List.of(), Optional.empty());
        Path f = dir.resolve("both.s390");
        TestDumps.classicFile(dumped, f);
        try (OpenedDump d = DumpOpener.open(List.of(f))) {
            DumpInfo info = DumpInfo.of(d);
            assertThat(info.kdump()).contains(new SystemSelection.KdumpRange(CK, CK));
            assertThat(info.uts().nodename()).isEmpty(); // the kdump kernel's lowcore has no pointers

            MemorySource prod = SystemSelection.PROD.apply(d.dump(), info.kdump().get());
            MemorySource prodStorage = new StorageMemorySource(s[0], List.of(), Optional.empty());
            assertThat(TestDumps.digests(prod, CK)).isEqualTo(TestDumps.digests(prodStorage, CK));
            byte[] hi = new byte[(int) MIB];
            byte[] want = new byte[(int) MIB];
            prod.read(20 * MIB, hi, 0, hi.length);
            s[0].read(20 * MIB, want, 0, want.length);
            assertThat(hi).isEqualTo(want);
            assertThatThrownBy(() -> prod.read(CK + 5, new byte[1], 0, 1)).isInstanceOf(MemoryAbsentException.class);
            assertThat(UtsInfo.of(prod).nodename()).contains(TestDumps.NODENAME);

            MemorySource kdump = SystemSelection.KDUMP.apply(d.dump(), info.kdump().get());
            assertThat(kdump.memorySize()).isEqualTo(CK);
            assertThat(DumpInfo.memoryMap(kdump)).containsExactly(new DumpInfo.MemoryRange(0, CK));
            assertThat(TestDumps.digests(kdump, CK)).isEqualTo(TestDumps.digests(dumped, CK));

            assertThat(SystemSelection.ALL.apply(d.dump(), info.kdump().get())).isSameAs(d.dump());
        }
    }

    @Test
    void aPlainDumpHoldsOneSystem() throws IOException {
        TestDumps.System sys = TestDumps.boot(SIZE, 1, 3);
        assertThat(SystemSelection.kdumpRange(sys.memory())).isEmpty();
        AbsoluteStorage bad = AbsoluteStorage.inMemory(SIZE);
        bad.putU64(Lowcore.OLDMEM_BASE, CK + 4096); // not 1 MiB aligned
        bad.putU64(Lowcore.OLDMEM_SIZE, CK);
        assertThat(SystemSelection.kdumpRange(new StorageMemorySource(bad, List.of(), Optional.empty()))).isEmpty();
        assertThat(SystemSelection.parse("Prod")).isEqualTo(SystemSelection.PROD);
        assertThatThrownBy(() -> SystemSelection.parse("both")).hasMessageContaining("prod, kdump or all");
    }
}
