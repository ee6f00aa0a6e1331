package io.sadump.ipl;

import io.sadump.device.FaultPlanChannel;
import io.sadump.device.IoFaultPlan;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.output.ReplacementFile;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The kdump kernel's core collector: the ELF core writer of the dump formats, writing a sparse file.
 * The crashkernel range is already absent from the old memory ({@link KdumpKernel#oldMemory}), so it gets
 * no PT_LOAD.
 */
public final class ElfVmcoreWriter implements VmcoreWriter {
    private final ElfCoreWriter.Options options;
    private final IoFaultPlan targetFaults;

    public ElfVmcoreWriter(DumpProgressListener listener) {
        this(listener, IoFaultPlan.none());
    }

    /**
     * A core collector whose target file system has injected faults (an I/O error or a full file
     * system at a byte offset of the vmcore; see {@link IoFaultPlan}'s file rules).
     */
    public ElfVmcoreWriter(DumpProgressListener listener, IoFaultPlan targetFaults) {
        this.options = ElfCoreWriter.Options.defaults().withListener(listener);
        this.targetFaults = Objects.requireNonNull(targetFaults);
    }

    @Override
    public long write(MemorySource memory, DumpMetadata metadata, Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        // written beside its name and renamed when complete: a cut-short vmcore never bears the name
        try (ReplacementFile out = ReplacementFile.create(file).syncWhileWriting()) {
            long size;
            try {
                SeekableByteChannel target = targetFaults.kind() == IoFaultPlan.Kind.NONE
                        ? out.channel() : new FaultPlanChannel(out.channel(), targetFaults);
                size = new ElfCoreWriter(options).write(memory, metadata, target).fileSize();
                out.commit();
            } catch (IOException e) {
                if (e.getClass() != IOException.class) {
                    throw e; // a typed failure (memory absent, say) keeps its type and message
                }
                throw new IOException("writing the vmcore " + file + ": " + e.getMessage(), e);
            }
            return size;
        }
    }
}
