package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.kdump.DiskDumpHeader;
import io.sadump.dump.filter.FilterReport;
import io.sadump.dump.filter.FilteredPages;
import io.sadump.dump.filter.PageSelection;
import io.sadump.dump.kdump.PageSelector;
import io.sadump.dump.kdump.ElfNoDataExclusion;
import io.sadump.dump.kdump.KdumpCompressedReader;
import io.sadump.dump.kdump.KdumpCompressedWriter;
import io.sadump.dump.kdump.KdumpFileOutput;
import io.sadump.dump.kdump.KdumpNotes;
import io.sadump.dump.kdump.KdumpOutput;
import io.sadump.dump.kdump.PageCompression;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * makedumpfile's kdump-compressed file ({@code KDUMP   } or the old {@code DISKDUMP}; reference
 * kdump-compressed.md §1): read with filtered pages absent, written as makedumpfile writes it at the
 * settings' dump level and compression. The size of a compressed file is known only once its pages are
 * compressed, so {@link #plannedSize} compresses them without writing (a conversion into a tar entry
 * compresses twice). A stream that cannot seek gets the file through a temporary file; the flattened
 * format ({@link KdumpFlatFormat}) is the one made for pipes.
 */
public final class KdumpFormat implements DumpFormatDescriptor, DumpFormatWriter {
    /**
     * How a conversion writes kdump-compressed files.
     *
     * @param notes the notes to copy (an ELF vmcore's PT_NOTE); empty: built from the metadata
     * @param elfSource whether the memory is an ELF core as read: its ZERO chunks are {@code PT_LOAD} bytes
     *     past {@code p_filesz}, which makedumpfile leaves out ({@link ElfNoDataExclusion})
     */
    public record Settings(int dumpLevel, PageCompression compression, PageSelector filter,
            Optional<KdumpNotes> notes, int threads, boolean elfSource) {
        public Settings {
            if (dumpLevel < 0 || dumpLevel > PageSelector.MAX_LEVEL) {
                throw new IllegalArgumentException("the dump level is 0 to 31, not " + dumpLevel);
            }
        }

        /** What a conversion without options writes: dump level 0 (every page), zlib. */
        public static Settings defaults() {
            return new Settings(0, PageCompression.ZLIB, PageSelector.standard(), Optional.empty(),
                    KdumpCompressedWriter.Options.of(PageCompression.ZLIB).threads(), false);
        }

        public Settings withDumpLevel(int level) {
            return new Settings(level, compression, filter, notes, threads, elfSource);
        }

        public Settings withCompression(PageCompression c) {
            return new Settings(dumpLevel, c, filter, notes, threads, elfSource);
        }

        public Settings withNotes(Optional<KdumpNotes> n) {
            return new Settings(dumpLevel, compression, filter, n, threads, elfSource);
        }

        public Settings withFilter(PageSelector f) {
            return new Settings(dumpLevel, compression, f, notes, threads, elfSource);
        }

        public Settings withElfSource(boolean elf) {
            return new Settings(dumpLevel, compression, filter, notes, threads, elf);
        }
    }

    private final Settings settings;

    public KdumpFormat() {
        this(Settings.defaults());
    }

    public KdumpFormat(Settings settings) {
        this.settings = settings;
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.KDUMP;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium == DumpMedium.FILE && DiskDumpHeader.hasSignature(head, length);
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        return KdumpCompressedReader.inspect(source, name);
    }

    @Override
    public Optional<DumpFormatWriter> writer() {
        return Optional.of(this);
    }

    /**
     * What a write did: the writer's result, and when the dump level filter chose the pages, makedumpfile's
     * report of what was left out per class with the filter's warnings.
     */
    public record Written(KdumpCompressedWriter.Result result, Optional<FilterReport> report, List<String> warnings) {
        public Written {
            warnings = List.copyOf(warnings);
        }
    }

    /** Writes memory with these settings to a kdump output. */
    static Written write(Settings s, MemorySource memory, DumpMetadata metadata,
            KdumpOutput out, DumpProgressListener listener) throws IOException {
        KdumpNotes notes = s.notes().orElseGet(() -> KdumpNotes.built(metadata));
        KdumpCompressedWriter w = new KdumpCompressedWriter(new KdumpCompressedWriter.Options(s.compression(),
                s.threads(), listener));
        PageSelection chosen = s.filter().select(memory, metadata, s.dumpLevel());
        PageSelection selection = s.elfSource() ? ElfNoDataExclusion.apply(chosen, memory) : chosen;
        KdumpCompressedWriter.Result r = w.write(memory, metadata, notes, selection, out);
        if (chosen instanceof FilteredPages) {
            FilteredPages f = (FilteredPages) chosen;
            return new Written(r, Optional.of(f.report(r.zeroPages(), OptionalLong.of(r.fileSize()))), f.warnings());
        }
        return new Written(r, Optional.empty(), List.of());
    }

    /** Writes to a file channel that can seek; the writer's result (which says whether it is complete). */
    public Written writeTo(MemorySource memory, DumpMetadata metadata, FileChannel out,
            DumpProgressListener listener) throws IOException {
        return write(settings, memory, metadata, new KdumpFileOutput(out), listener);
    }

    @Override
    public long plannedSize(MemorySource memory, DumpMetadata metadata) {
        try {
            return write(settings, memory, metadata, new SizeOnly(), DumpProgressListener.NONE).result().fileSize();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public long writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out,
            DumpProgressListener listener) throws IOException {
        if (out instanceof FileChannel f && !ElfPipeOutput.isPipe(f)) {
            long base = f.position();
            KdumpCompressedWriter.Result r = write(settings, memory, metadata,
                    new KdumpFileOutput(f, base, Long.MAX_VALUE), listener).result();
            f.position(base + r.fileSize());
            if (!r.complete()) {
                throw new IncompleteDumpException(r.problem().orElseThrow());
            }
            return r.fileSize();
        }
        // a stream: positioned writes need a file first
        Path tmp = Files.createTempFile("sadump-kdump", ".tmp");
        try (FileChannel t = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            KdumpCompressedWriter.Result r = write(settings, memory, metadata, new KdumpFileOutput(t), listener).result();
            if (!r.complete()) {
                throw new IncompleteDumpException(r.problem().orElseThrow());
            }
            long size = r.fileSize();
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            for (long pos = 0; pos < size; ) {
                b.clear().limit((int) Math.min(b.capacity(), size - pos));
                int n = t.read(b, pos);
                if (n <= 0) {
                    // a sparse tail reads as zeros
                    while (b.hasRemaining()) {
                        b.put((byte) 0);
                    }
                    n = b.position();
                }
                b.flip();
                while (b.hasRemaining()) {
                    out.write(b);
                }
                pos += n;
            }
            return size;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** An output that only measures: the file size a write would give. */
    static final class SizeOnly implements KdumpOutput {
        private long size;

        @Override
        public void write(long offset, byte[] b, int off, int length) {
            size = Math.max(size, offset + length);
        }

        @Override
        public boolean rewrite(long offset, byte[] b) {
            return true;
        }

        @Override
        public void finish() {}

        @Override
        public long size() {
            return size;
        }
    }

}
