package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Optional;

/**
 * The classic s390 format in a file or a DASD partition (magic {@code ...fd};
 * docs/formats.md §1, §2.1): read as zgetdump's {@code dfi_s390}, written as its {@code dfo_s390}
 * (header version 5, all memory up to the highest dumped page, holes as zeros, the source's times).
 */
public final class S390Format implements DumpFormatDescriptor, DumpFormatWriter {
    static final int PAGE = 4096;

    @Override
    public DumpFormat format() {
        return DumpFormat.S390;
    }

    static long magic(byte[] head, int length) {
        return length >= 8 ? ByteBuffer.wrap(head).getLong(0) : 0;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium != DumpMedium.AWS_TAPE && magic(head, length) == S390DumpHeader.MAGIC;
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        return ClassicS390DumpReader.inspect(source, name);
    }

    @Override
    public Optional<DumpFormatWriter> writer() {
        return Optional.of(this);
    }

    /** One past the highest address the memory holds, rounded up to a page: what the output dumps. */
    static long dumpedEnd(MemorySource m) {
        if (m.chunks().isEmpty()) {
            throw new IllegalArgumentException("the dump holds no memory");
        }
        long end = m.chunks().get(m.chunks().size() - 1).end();
        return (end + PAGE - 1) / PAGE * PAGE;
    }

    /** The memory the output dumps: up to the dumped end, even where an ELF core says less. */
    private static MemorySource dumped(MemorySource m) {
        long end = dumpedEnd(m);
        return m.memorySize() >= end ? m : m.map(List.of(MemoryMapping.identity(0, end)), end);
    }

    /**
     * zgetdump's s390 output: uncompressed, the memory up to the dumped end, the dump's own times and
     * CPU id from the metadata (the clock only for a source that has none).
     */
    private static ClassicS390DumpWriter writer(MemorySource m, DumpProgressListener listener) {
        S390DumpSettings settings = S390DumpSettings.defaults().withCompression(false).withThreads(1)
                .withListener(listener).withMemoryLimit(dumpedEnd(m));
        return new ClassicS390DumpWriter(settings).asZgetdumpOutput();
    }

    @Override
    public long plannedSize(MemorySource memory, DumpMetadata metadata) {
        MemorySource m = dumped(memory);
        return writer(m, DumpProgressListener.NONE).plannedFileSize(m);
    }

    @Override
    public long writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out,
            DumpProgressListener listener) throws IOException {
        MemorySource m = dumped(memory);
        ClassicS390DumpWriter w = writer(m, listener);
        w.writeFile(m, metadata, out);
        return w.plannedFileSize(m);
    }
}
