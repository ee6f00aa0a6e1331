package io.sadump.ipl;

import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an ELF vmcore of a memory source (the kdump kernel's core collector); the ELF core writer of
 * the dump formats does the work.
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
}
