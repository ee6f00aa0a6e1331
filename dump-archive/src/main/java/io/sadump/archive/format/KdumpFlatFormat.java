package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.kdump.FlatHeader;
import io.sadump.dump.kdump.FlattenedOutput;
import io.sadump.dump.kdump.KdumpCompressedReader;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * makedumpfile's flattened stream of a kdump-compressed file ({@code makedumpfile -F}; signature
 * "makedumpfile", reference kdump-compressed.md §2): read in place by indexing its records, written as
 * {@code -F} writes it (never seeks, so it goes into pipes and tar entries as it is).
 */
public final class KdumpFlatFormat implements DumpFormatDescriptor, DumpFormatWriter {
    private final KdumpFormat.Settings settings;

    public KdumpFlatFormat() {
        this(KdumpFormat.Settings.defaults());
    }

    public KdumpFlatFormat(KdumpFormat.Settings settings) {
        this.settings = settings;
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.KDUMP_FLAT;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium == DumpMedium.FILE && FlatHeader.matches(head, length);
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        return KdumpCompressedReader.inspectFlattened(source, name);
    }

    @Override
    public Optional<DumpFormatWriter> writer() {
        return Optional.of(this);
    }

    @Override
    public long plannedSize(MemorySource memory, DumpMetadata metadata) {
        long[] count = new long[1];
        WritableByteChannel counter = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                src.position(src.limit());
                count[0] += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
        try {
            KdumpFormat.write(settings, memory, metadata, new FlattenedOutput(counter), DumpProgressListener.NONE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count[0];
    }

    @Override
    public long writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out,
            DumpProgressListener listener) throws IOException {
        FlattenedOutput f = new FlattenedOutput(out);
        KdumpFormat.write(settings, memory, metadata, f, listener);
        return f.size();
    }
}
