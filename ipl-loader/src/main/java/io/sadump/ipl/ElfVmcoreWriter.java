package io.sadump.ipl;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The kdump kernel's core collector: the ELF core writer of the dump formats, writing a sparse file.
 * The crashkernel range is already absent from the old memory ({@link KdumpKernel#oldMemory}), so it gets
 * no PT_LOAD.
 */
public final class ElfVmcoreWriter implements VmcoreWriter {
    private final ElfCoreWriter.Options options;

    public ElfVmcoreWriter(DumpProgressListener listener) {
        this.options = ElfCoreWriter.Options.defaults().withListener(listener);
    }

    @Override
    public long write(MemorySource memory, DumpMetadata metadata, Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            return new ElfCoreWriter(options).write(memory, metadata, out).fileSize();
        }
    }
}
