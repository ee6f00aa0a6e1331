package io.sadump.ipl;

import io.sadump.dump.DumpProgressListener;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The kdump kernel's core collector: writes old memory to a file, as an ELF vmcore ({@code cp
 * /proc/vmcore}, {@link ElfVmcoreWriter}) or filtered into a kdump-compressed file ({@code makedumpfile},
 * {@link FilteredVmcoreWriter}).
 */
@FunctionalInterface
public interface VmcoreWriter {
    /**
     * Writes {@code memory} with the CPUs and VMCOREINFO of {@code metadata} to {@code file} (created;
     * must not exist).
     *
     * @return bytes written
     */
    long write(MemorySource memory, DumpMetadata metadata, Path file) throws IOException;

    /** As {@link #write(MemorySource, DumpMetadata, Path)}, telling the console what it left out. */
    default long write(MemorySource memory, DumpMetadata metadata, Path file, ConsoleListener console)
            throws IOException {
        return write(memory, metadata, file);
    }

    /** The writer of a machine's core collector. */
    static VmcoreWriter of(CoreCollector collector, DumpProgressListener listener) {
        return collector.filters() ? new FilteredVmcoreWriter(collector, listener) : new ElfVmcoreWriter(listener);
    }
}
