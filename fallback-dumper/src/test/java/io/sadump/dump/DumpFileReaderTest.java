package io.sadump.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DumpFileReaderTest {
    static final long MIB = TestMemory.MIB;

    @Test
    void probesEachFormatByItsMagicAndReadsIt() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(TestMemory.Workload.MIXED, 8 * MIB, 17);
        StorageMemorySource src = new StorageMemorySource(storage, List.of(), Optional.empty());
        S390DumpSettings settings = S390DumpSettings.defaults().withFixedTod(0xD000_0000_0000_0000L);

        MemoryVolume ext = new MemoryVolume(10_000);
        new S390ExtDumpWriter(settings).write(src, ext);
        MemoryVolume mv = new MemoryVolume(10_000);
        new S390ExtDumpWriter(settings).writeMultiVolume(src, List.of(mv), 1);
        ByteArrayOutputStream classic = new ByteArrayOutputStream();
        new ClassicS390DumpWriter(settings).writeFile(src, Channels.newChannel(classic));
        ByteArrayOutputStream elf = new ByteArrayOutputStream();
        new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(src, Channels.newChannel(elf));

        assertThat(DumpFileReader.probe(ext.fileSource(), "e")).isEqualTo(DumpFormat.S390_EXT);
        assertThat(DumpFileReader.probe(mv.fileSource(), "m")).isEqualTo(DumpFormat.S390_MV_EXT);
        assertThat(DumpFileReader.probe(DumpBlockSource.ofBytes(classic.toByteArray()), "c")).isEqualTo(DumpFormat.S390);
        assertThat(DumpFileReader.probe(DumpBlockSource.ofBytes(elf.toByteArray()), "v")).isEqualTo(DumpFormat.ELF);
        for (DumpBlockSource s : List.of(ext.fileSource(), DumpBlockSource.ofBytes(classic.toByteArray()),
                DumpBlockSource.ofBytes(elf.toByteArray()))) {
            try (ReadBackDump d = DumpFileReader.open(s, "dump")) {
                assertThat(TestMemory.digests(d, 8 * MIB)).isEqualTo(TestMemory.digests(storage, 8 * MIB));
            }
        }
        assertThatThrownBy(() -> DumpFileReader.open(mv.fileSource(), "vol0"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("multi-volume");
        assertThatThrownBy(() -> DumpFileReader.open(DumpBlockSource.ofBytes(new byte[4096]), "zeros"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("no valid dump found");
    }
}
