package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import io.sadump.meminfo.VmcoreinfoLocator;
import org.junit.jupiter.api.Test;

/** UTS node name and release as zgetdump finds them: meminfo entry 0, else the 0x0E0C note, then init_uts_ns. */
class UtsInfoTest {
    static UtsInfo uts(TestDumps.System s) {
        MemorySource memory = new StorageMemorySource(s.storage());
        return UtsInfo.of(memory, VmcoreinfoLocator.find(memory));
    }

    @Test
    void fromMeminfoThenFromTheNotePointer() {
        TestDumps.System s = TestDumps.boot(16 * TestDumps.MIB, 1, 41);
        UtsInfo both = uts(s);
        assertThat(both.nodename()).contains(TestDumps.NODENAME);
        assertThat(both.release()).contains(FirstKernel.RELEASE);
        assertThat(both.version()).contains(FirstKernel.VERSION);
        assertThat(both.trusted()).isTrue();

        // a damaged meminfo page (its checksum fails): the 0x0E0C note still leads to init_uts_ns, and
        // the facts say they were not verified
        s.storage().putU8(FirstKernelLayout.MEMINFO_PAGE + 0x100, s.storage().u8(FirstKernelLayout.MEMINFO_PAGE + 0x100) ^ 1);
        UtsInfo damaged = uts(s);
        assertThat(damaged.nodename()).contains(TestDumps.NODENAME);
        assertThat(damaged.trusted()).isFalse();
        assertThat(damaged.unverified()).contains("meminfo checksum failed");

        // neither place: nothing is claimed
        s.storage().putU64(Lowcore.VMCOREINFO_POINTER, 0);
        assertThat(uts(s)).isEqualTo(UtsInfo.NONE);
    }

    @Test
    void releaseFallsBackToOsrelease() {
        TestDumps.System s = TestDumps.boot(16 * TestDumps.MIB, 1, 43);
        // init_uts_ns wiped: only the VMCOREINFO's OSRELEASE remains
        s.storage().zero(FirstKernelLayout.INIT_UTS_NS, UtsInfo.SIZE);
        UtsInfo u = uts(s);
        assertThat(u.nodename()).isEmpty();
        assertThat(u.release()).contains(FirstKernel.RELEASE);
        assertThat(u.trusted()).isTrue();
    }

    @Test
    void aVmcoreinfoWhoseEntryFailsItsChecksumIsMarkedToo() {
        TestDumps.System s = TestDumps.boot(16 * TestDumps.MIB, 1, 47);
        // one byte of the VMCOREINFO text changed after the kernel sealed entry 0
        long text = FirstKernelLayout.VMCOREINFO_NOTE + io.sadump.meminfo.VmcoreinfoNote.TEXT_OFFSET;
        s.storage().putU8(text, 'o');
        UtsInfo u = uts(s);
        assertThat(u.nodename()).contains(TestDumps.NODENAME);
        assertThat(u.unverified()).contains(VmcoreinfoLocator.ENTRY_CHECKSUM_FAILED);
    }
}
