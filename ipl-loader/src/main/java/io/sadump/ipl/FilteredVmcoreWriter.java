package io.sadump.ipl;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.filter.FilteredPages;
import io.sadump.dump.filter.PageSelection;
import io.sadump.dump.kdump.KdumpCompressedWriter;
import io.sadump.dump.kdump.KdumpFileOutput;
import io.sadump.dump.kdump.KdumpNotes;
import io.sadump.dump.kdump.PageCompression;
import io.sadump.dump.kdump.PageSelector;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.output.ReplacementFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The kdump kernel's core collector when it is makedumpfile ({@code core_collector makedumpfile -c -d
 * 31}): old memory filtered at the machine's dump level and written as a kdump-compressed file, as
 * makedumpfile writes it from {@code /proc/vmcore} (the notes are those of the ELF vmcore the kernel
 * exports). The console gets makedumpfile's report of what each page class left out.
 */
public final class FilteredVmcoreWriter implements VmcoreWriter {
    private final CoreCollector collector;
    private final DumpProgressListener listener;

    /**
     * @param collector a makedumpfile collector ({@link CoreCollector#filters()})
     */
    public FilteredVmcoreWriter(CoreCollector collector, DumpProgressListener listener) {
        if (!collector.filters()) {
            throw new IllegalArgumentException("'" + collector.commandLine() + "' does not write a kdump-compressed file");
        }
        this.collector = collector;
        this.listener = listener;
    }

    @Override
    public long write(MemorySource memory, DumpMetadata metadata, Path file) throws IOException {
        return write(memory, metadata, file, ConsoleListener.NONE);
    }

    @Override
    public long write(MemorySource memory, DumpMetadata metadata, Path file, ConsoleListener console)
            throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        console.message("kdump: " + collector.commandLine() + " /proc/vmcore " + file.getFileName());
        PageSelection selection = PageSelector.standard().select(memory, metadata, collector.dumpLevel());
        // old memory is live storage, whose file is read positionally: the page threads may read at once
        KdumpCompressedWriter writer = new KdumpCompressedWriter(KdumpCompressedWriter.Options
                .of(compression(collector.compression())).withListener(listener).withParallelReads(true));
        // written beside its name and renamed when complete: a cut-short dump never bears the name
        try (ReplacementFile out = ReplacementFile.create(file).syncWhileWriting()) {
            KdumpCompressedWriter.Result r = writer.write(memory, metadata, KdumpNotes.built(metadata), selection,
                    new KdumpFileOutput(out.channel()));
            if (!r.complete()) {
                throw new IncompleteDumpException("makedumpfile: " + r.problem().orElseThrow());
            }
            out.commit();
            if (selection instanceof FilteredPages) {
                FilteredPages f = (FilteredPages) selection;
                f.warnings().forEach(w -> console.message("makedumpfile: " + w));
                f.report(r.zeroPages(), OptionalLong.of(r.fileSize())).text().lines()
                        .forEach(console::message);
            }
            return r.fileSize();
        }
    }

    static PageCompression compression(CoreCollector.Compression c) {
        switch (c) {
            case ZLIB:
                return PageCompression.ZLIB;
            case ZSTD:
                return PageCompression.ZSTD;
            default:
                return PageCompression.NONE;
        }
    }
}
