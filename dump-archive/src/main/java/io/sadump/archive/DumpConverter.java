package io.sadump.archive;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Converts a dump's memory to a file format, streamed: a reader's memory and metadata plugged into a
 * writer (DESIGN.md "Data flow"; zgetdump's {@code dfo_s390} and {@code dfo_elf}, reference
 * s390-tools-dump.md §3). The size of the output is known before a byte is written ({@link #outputSize},
 * from the writer's own plan), so it can go into a tar entry without being buffered.
 */
public final class DumpConverter {
    static final int PAGE = 4096;

    private final OutputFormat format;
    private final DumpProgressListener listener;

    public DumpConverter(OutputFormat format, DumpProgressListener listener) {
        this.format = format;
        this.listener = listener;
    }

    public OutputFormat format() {
        return format;
    }

    /** One past the highest address the memory holds, rounded up to a page: what an s390 output dumps. */
    static long dumpedEnd(MemorySource m) {
        if (m.chunks().isEmpty()) {
            throw new IllegalArgumentException("the dump holds no memory");
        }
        long end = m.chunks().get(m.chunks().size() - 1).end();
        return (end + PAGE - 1) / PAGE * PAGE;
    }

    /** The memory an s390 output dumps: up to the dumped end, even where an ELF core says less. */
    private static MemorySource s390Memory(MemorySource m) {
        long end = dumpedEnd(m);
        return m.memorySize() >= end ? m : m.map(List.of(MemoryMapping.identity(0, end)), end);
    }

    /**
     * zgetdump's s390 output: uncompressed, the memory up to the dumped end, the dump's own times and
     * CPU id from the metadata (the clock only for a source that has none).
     */
    private ClassicS390DumpWriter s390Writer(MemorySource m) {
        S390DumpSettings settings = S390DumpSettings.defaults().withCompression(false).withThreads(1)
                .withListener(listener).withMemoryLimit(dumpedEnd(m));
        return new ClassicS390DumpWriter(settings).asZgetdumpOutput();
    }

    private ElfCoreWriter elfWriter() {
        return new ElfCoreWriter(ElfCoreWriter.Options.defaults().withListener(listener));
    }

    /** The exact byte size of the converted file. */
    public long outputSize(MemorySource m, DumpMetadata metadata) {
        if (format == OutputFormat.S390) {
            MemorySource s390 = s390Memory(m);
            return s390Writer(s390).plannedFileSize(s390);
        }
        return elfWriter().plannedSize(m, metadata);
    }

    /**
     * Writes the converted dump to {@code out} and returns the bytes written.
     *
     * @throws IOException when the writer produced another size than {@link #outputSize} said (a bug
     *     that would corrupt a tar entry), or on I/O errors
     */
    public long write(MemorySource m, DumpMetadata metadata, WritableByteChannel out) throws IOException {
        long expected = outputSize(m, metadata);
        long written;
        if (format == OutputFormat.S390) {
            MemorySource s390 = s390Memory(m);
            ClassicS390DumpWriter writer = s390Writer(s390);
            writer.writeFile(s390, metadata, out);
            written = writer.plannedFileSize(s390);
        } else {
            written = elfWriter().write(m, metadata, out).fileSize();
        }
        if (written != expected) {
            throw new IOException("the " + format.name().toLowerCase(java.util.Locale.ROOT) + " writer produced "
                    + written + " bytes where " + expected + " were planned");
        }
        return written;
    }
}
