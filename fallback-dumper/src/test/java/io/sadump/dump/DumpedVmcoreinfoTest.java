package io.sadump.dump;

import io.sadump.meminfo.Cksm;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.VmcoreinfoLocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.Lowcore;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.meminfo.Cksm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The s390 and ELF readers find the VMCOREINFO in dumped memory through {@link VmcoreinfoLocator}. */
class DumpedVmcoreinfoTest {
    static final long MIB = 1L << 20;
    static final String TEXT = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(lowcore_ptr)=0000000001234000\n";

    /** A meminfo page at {@code page} whose entry 0 points to {@code data} at {@code dataAddress}. */
    static void meminfo(AbsoluteStorage s, long page, long dataAddress, byte[] data) {
        s.write(dataAddress, data);
        byte[] p = new byte[4096];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putLong(0, MeminfoPage.MAGIC).putShort(0x0C, (short) 1).putShort(0x0E, (short) 2)
                .putLong(0x10, 64 * MIB).putLong(0x18, 32 * MIB);
        b.putLong(0x20, dataAddress).putLong(0x28, data.length).putInt(0x30, Cksm.of(data, 0, data.length));
        b.putInt(0x08, Cksm.of(p, 0x0C, 4096 - 0x0C));
        s.write(page, p);
        s.putU64(Lowcore.MEMINFO_POINTER, page);
    }

    /** Every s390 reader finds it in the dumped memory, and a conversion to ELF carries it as a note. */
    @Test
    void s390DumpsYieldTheVmcoreinfoAndConvertToElf() throws IOException {
        AbsoluteStorage s = TestMemory.storage(TestMemory.Workload.MIXED, 16 * MIB, 4);
        meminfo(s, 0x30000, 0x31000, TEXT.getBytes(StandardCharsets.US_ASCII));
        List<io.sadump.machine.CpuState> cpus = TestMemory.cpus(s, 2, 4);
        StorageMemorySource src = new StorageMemorySource(s);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        S390DumpSettings settings = S390DumpSettings.defaults().withFixedTod(0xD000_0000_0000_0000L);
        MemoryVolume vol = new MemoryVolume(1 << 16);
        new S390ExtDumpWriter(settings).write(src, srcMeta, vol);
        try (ReadBackDump ext = S390ExtDumpReader.open(vol.source(), "ext")) {
            assertThat(ext.metadata().vmcoreinfo()).contains(TEXT);
            ByteArrayOutputStream elf = new ByteArrayOutputStream();
            new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(ext.memory(), ext.metadata(),
                    Channels.newChannel(elf));
            try (ReadBackDump back = ElfCoreReader.open(DumpBlockSource.ofBytes(elf.toByteArray()), "converted")) {
                assertThat(back.metadata().vmcoreinfo()).contains(TEXT);
                assertThat(back.metadata().cpus()).isEqualTo(cpus);
                assertThat(TestMemory.digests(back.memory(), 16 * MIB)).isEqualTo(TestMemory.digests(s, 16 * MIB));
            }
        }
        ByteArrayOutputStream classic = new ByteArrayOutputStream();
        new ClassicS390DumpWriter(settings).writeFile(src, srcMeta, Channels.newChannel(classic));
        try (ReadBackDump c = ClassicS390DumpReader.open(DumpBlockSource.ofBytes(classic.toByteArray()), "c")) {
            assertThat(c.metadata().vmcoreinfo()).contains(TEXT);
        }
    }
}
