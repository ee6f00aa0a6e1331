package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.elf.ElfHeader;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * The s390x ELF core (a vmcore; {@code \x7fELF}): read as zgetdump's {@code dfi_elf}, written with
 * the CPUs' notes, the VMCOREINFO and one {@code PT_LOAD} per memory range (its {@code dfo_elf}).
 */
public final class ElfFormat implements DumpFormatDescriptor, DumpFormatWriter {
    @Override
    public DumpFormat format() {
        return DumpFormat.ELF;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium == DumpMedium.FILE && length >= 4 && ElfHeader.hasMagic(ByteBuffer.wrap(head, 0, length));
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        return ElfCoreReader.inspect(source, name);
    }

    @Override
    public Optional<DumpFormatWriter> writer() {
        return Optional.of(this);
    }

    private static ElfCoreWriter writer(DumpProgressListener listener) {
        return new ElfCoreWriter(ElfCoreWriter.Options.defaults().withListener(listener));
    }

    @Override
    public long plannedSize(MemorySource memory, DumpMetadata metadata) {
        return writer(DumpProgressListener.NONE).plannedSize(memory, metadata);
    }

    @Override
    public boolean writesIntoPipes() {
        return true;
    }

    @Override
    public long writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out,
            DumpProgressListener listener) throws IOException {
        if (out instanceof FileChannel f && ElfPipeOutput.isPipe(f)) {
            return ElfPipeOutput.write(writer(DumpProgressListener.NONE), memory, metadata, f, listener);
        }
        return writer(listener).write(memory, metadata, out).fileSize();
    }
}
