package io.sadump.archive;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.elf.ElfHeader;
import io.sadump.dump.elf.ElfNote;
import io.sadump.dump.elf.ElfProgramHeader;
import io.sadump.dump.elf.S390CoreNotes;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390EndMarker;
import io.sadump.machine.CpuState;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Converts a dump's memory to a file format, streamed: a reader's memory source plugged into a writer
 * (DESIGN.md "Data flow"; zgetdump's {@code dfo_s390} and {@code dfo_elf}, reference
 * s390-tools-dump.md §3). The size of the output is known before a byte is written ({@link #outputSize}),
 * so it can go into a tar entry without being buffered.
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

    /** The exact byte size of the converted file. */
    public long outputSize(MemorySource m) {
        if (format == OutputFormat.S390) {
            return S390DumpHeader.SIZE + dumpedEnd(m) + S390EndMarker.SIZE;
        }
        return elfSize(m);
    }

    /** The ELF core's size, laid out as {@link ElfCoreWriter} lays it out (no excluded ranges). */
    static long elfSize(MemorySource m) {
        List<DumpInfo.MemoryRange> loads = DumpInfo.memoryMap(m);
        long notes = S390CoreNotes.prpsinfo().size();
        int ordinal = 0;
        for (CpuState c : m.cpus()) {
            if (c.prefix() == 0) {
                continue;
            }
            for (ElfNote n : S390CoreNotes.cpuNotes(c, ++ordinal, S390CoreNotes.LINUX)) {
                notes += n.size();
            }
        }
        if (m.vmcoreinfo().isPresent()) {
            notes += S390CoreNotes.vmcoreinfo(m.vmcoreinfo().get()).size();
        }
        long notesEnd = ElfHeader.SIZE + (long) ElfProgramHeader.SIZE * (1 + loads.size()) + notes;
        if (loads.isEmpty()) {
            return notesEnd;
        }
        long offset = alignUp(notesEnd);
        long last = 0;
        for (DumpInfo.MemoryRange r : loads) {
            last = offset + r.size();
            offset = alignUp(last);
        }
        return last;
    }

    private static long alignUp(long v) {
        return (v + PAGE - 1) / PAGE * PAGE;
    }

    /**
     * Writes the converted dump to {@code out} and returns the bytes written.
     *
     * @throws IOException when the writer produced another size than {@link #outputSize} said (a bug
     *     that would corrupt a tar entry), or on I/O errors
     */
    public long write(MemorySource m, WritableByteChannel out) throws IOException {
        long expected = outputSize(m);
        long written;
        if (format == OutputFormat.S390) {
            long end = dumpedEnd(m);
            long tod = startTod(m);
            long cpuId = m instanceof ReadBackDump d && d.s390Header().isPresent() ? d.s390Header().get().cpuId()
                    : S390DumpSettings.DEFAULT_CPU_ID;
            S390DumpSettings settings = S390DumpSettings.defaults().withCompression(false).withThreads(1)
                    .withFixedTod(tod).withCpuId(cpuId).withListener(listener);
            MemorySource sized = m.memorySize() >= end ? m : new SizedMemory(m, end);
            settings = settings.withMemoryLimit(end);
            long endTod = m instanceof ReadBackDump d && d.s390EndMarker().isPresent() ? d.s390EndMarker().get().tod()
                    : tod;
            new ClassicS390DumpWriter(settings).asZgetdumpOutput(endTod).writeFile(sized, out);
            written = S390DumpHeader.SIZE + end + S390EndMarker.SIZE;
        } else {
            ElfCoreWriter.Result r = new ElfCoreWriter(ElfCoreWriter.Options.defaults().withListener(listener))
                    .write(m, out);
            written = r.fileSize();
        }
        if (written != expected) {
            throw new IOException("the " + format.name().toLowerCase(java.util.Locale.ROOT) + " writer produced "
                    + written + " bytes where " + expected + " were planned");
        }
        return written;
    }

    /** The dump's start time: the s390 header's TOD, the ELF's CRASHTIME, else now. */
    static long startTod(MemorySource m) {
        if (m instanceof ReadBackDump d && d.s390Header().isPresent()) {
            return d.s390Header().get().tod();
        }
        Optional<String> crash = m.vmcoreinfo().map(UtsInfo::parse).map(k -> k.get("CRASHTIME"));
        if (crash.isPresent()) {
            try {
                return TodClock.fromInstant(Instant.ofEpochSecond(Long.parseLong(crash.get())));
            } catch (NumberFormatException e) {
                // fall through to now
            }
        }
        return TodClock.now();
    }

    /** A source whose memory size is at least the dumped end (an ELF core may say less). */
    private record SizedMemory(MemorySource m, long size) implements MemorySource {
        @Override
        public List<io.sadump.machine.MemoryChunk> chunks() {
            return m.chunks();
        }

        @Override
        public long memorySize() {
            return size;
        }

        @Override
        public List<CpuState> cpus() {
            return m.cpus();
        }

        @Override
        public Optional<String> vmcoreinfo() {
            return m.vmcoreinfo();
        }
    }
}
