package io.sadump.archive;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.dump.elf.ElfHeader;
import io.sadump.dump.kdump.KdumpCompressedReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@code zgetdump -i} tells about a dump (docs/formats.md §10),
 * each field present only when the format knows it.
 *
 * @param format zgetdump's name of the input format (s390, s390tape, s390_ext, s390mv_ext, elf)
 * @param medium what held the dump (file, 3390 CKD image, AWSTAPE image)
 * @param version the s390 header version
 * @param created dump start (header TOD; for ELF the VMCOREINFO's CRASHTIME)
 * @param ended dump end (end-marker TOD)
 * @param cpuId the dumping CPU's STIDP
 * @param uts node name, release and version from the dumped kernel's {@code init_uts_ns}
 * @param volumeNumber the header's volume number
 * @param cpuCountOnline CPUs with registers in the dump (s390: the header's cpu_cnt)
 * @param cpuCountReal CPUs the dumper saw (s390: real_cpu_cnt)
 * @param dumpMemorySize one past the highest dumped address
 * @param realMemorySize the system's memory size
 * @param dumpFileBytes bytes of memory data in the dump file(s)
 * @param zlib whether the segments are zlib compressed, with the unit
 * @param memoryMap the contiguous memory ranges the dump holds
 * @param volumes the volumes read (multi-volume: all of the set)
 * @param kdump the kdump kernel's old-memory range when the dump holds two systems
 * @param problem why the dump cannot be processed (is not complete), empty when complete
 * @param zgetdump the attributes as zgetdump's input format sets them: what the default {@code -i}
 *     text prints (the fields above also hold sadump's own facts, for {@code --json} and {@code -v})
 * @param filtered for a kdump-compressed file: its dump level and how many pages it left out
 */
public record DumpInfo(
        String format,
        String medium,
        OptionalInt version,
        Optional<Instant> created,
        Optional<Instant> ended,
        OptionalLong cpuId,
        UtsInfo uts,
        OptionalInt volumeNumber,
        int cpuCountOnline,
        OptionalInt cpuCountReal,
        long dumpMemorySize,
        long realMemorySize,
        long dumpFileBytes,
        OptionalInt zlibEntrySize,
        List<MemoryRange> memoryMap,
        List<DumpVolume> volumes,
        Optional<SystemSelection.KdumpRange> kdump,
        Optional<String> problem,
        ZgetdumpAttributes zgetdump,
        Optional<FilteredPages> filtered) {

    /**
     * What a kdump-compressed file says of its pages (reference kdump-compressed.md §1.4).
     *
     * @param presentPages pages of the dumped memory (1st bitmap)
     * @param dumpablePages pages the dump keeps (2nd bitmap)
     * @param unwrittenPages kept pages never written because the dump was cut short
     */
    public record FilteredPages(int dumpLevel, String compression, long maxMapnr, long presentPages,
            long dumpablePages, long unwrittenPages) {
        /** Pages of the memory the dump level left out. */
        public long filteredPages() {
            return presentPages - dumpablePages;
        }
    }

    /** The architecture every sadump dump has. */
    public static final String ARCH = "s390x (64 bit)";

    /** A contiguous range of memory the dump holds, {@code [start, end)}. */
    public record MemoryRange(long start, long end) {
        public long size() {
            return end - start;
        }
    }

    public DumpInfo {
        memoryMap = List.copyOf(memoryMap);
        volumes = List.copyOf(volumes);
    }

    public boolean complete() {
        return problem.isEmpty();
    }

    /** The facts of an opened dump. */
    public static DumpInfo of(OpenedDump opened) {
        ReadBackDump d = opened.dump();
        DumpMetadata md = d.metadata();
        Optional<S390DumpHeader> h = d.s390Header();
        OptionalInt version = md.version();
        Optional<Instant> created = instant(md.startTod());
        Optional<Instant> ended = instant(md.endTod());
        OptionalLong cpuId = md.cpuId();
        OptionalInt volnr = md.volumeNumber();
        int online = h.map(S390DumpHeader::cpuCount).orElse(md.cpus().size());
        OptionalInt real = md.realCpuCount();
        List<MemoryRange> map = memoryMap(d.memory());
        long dumpEnd = h.map(S390DumpHeader::memSize).orElse(map.isEmpty() ? 0 : map.get(map.size() - 1).end());
        long realSize = h.map(x -> x.memSizeReal() != 0 ? x.memSizeReal() : x.memSize())
                .orElse(d.memory().memorySize());
        OptionalInt zlib = h.filter(S390DumpHeader::isCompressed).map(x -> OptionalInt.of(x.zlibEntrySize()))
                .orElse(OptionalInt.empty());
        String format = d.format().zgetdumpName();
        return new DumpInfo(format, opened.medium(), version, created, ended, cpuId,
                UtsInfo.of(d.memory(), md.vmcoreinfo()), volnr, online,
                real, dumpEnd, realSize, d.dumpFileBytes(), zlib, map, opened.volumes(),
                SystemSelection.kdumpRange(d.memory()), d.problem(), zgetdumpAttributes(opened, map),
                filteredPages(opened));
    }

    /** The page counts of a kdump-compressed or flattened file, read from its bitmaps. */
    private static Optional<FilteredPages> filteredPages(OpenedDump opened) {
        DumpFormat f = opened.dump().format();
        if (f != DumpFormat.KDUMP && f != DumpFormat.KDUMP_FLAT
                || opened.files().isEmpty() && opened.object().isEmpty()) {
            return Optional.empty();
        }
        if (opened.object().isPresent()) {
            return filteredPages(f, opened.object().get(), DumpOpener.OBJECT_MEDIUM); // the dump's own: not closed here
        }
        Path file = opened.files().get(0);
        try (DumpBlockSource s = DumpBlockSource.of(FileChannel.open(file, StandardOpenOption.READ))) {
            return filteredPages(f, s, file.toString());
        } catch (IOException e) {
            return Optional.empty(); // the reader already said what is wrong with the file
        }
    }

    private static Optional<FilteredPages> filteredPages(DumpFormat f, DumpBlockSource s, String name) {
        try {
            KdumpCompressedReader.Summary k = f == DumpFormat.KDUMP ? KdumpCompressedReader.summary(s, name)
                    : KdumpCompressedReader.summaryFlattened(s, name);
            return Optional.of(new FilteredPages(k.dumpLevel(), k.compression(), k.maxMapnr(), k.presentPages(),
                    k.dumpablePages(), k.unwrittenPages()));
        } catch (IOException e) {
            return Optional.empty(); // the reader already said what is wrong with the file
        }
    }

    /** What zgetdump's input format for this dump would set (see {@link ZgetdumpAttributes}). */
    private static ZgetdumpAttributes zgetdumpAttributes(OpenedDump opened, List<MemoryRange> map) {
        ReadBackDump d = opened.dump();
        Optional<S390DumpHeader> h = d.s390Header();
        OptionalInt version;
        if (h.isPresent()) {
            version = OptionalInt.of(h.get().version());
        } else if (d.format() == DumpFormat.ELF) {
            version = opened.object().isPresent() ? elfIdentVersion(opened.object().get())
                    : elfIdentVersion(opened.files().get(0));
        } else {
            version = OptionalInt.empty();
        }
        Optional<Instant> created = h.filter(x -> x.tod() != 0).map(x -> TodClock.toInstant(x.tod()));
        Optional<Instant> ended = d.s390EndMarker().filter(em -> em.tod() != 0).map(em -> TodClock.toInstant(em.tod()));
        OptionalLong cpuId = h.filter(x -> x.cpuId() != 0).map(x -> OptionalLong.of(x.cpuId()))
                .orElse(OptionalLong.empty());
        int cpus = h.map(S390DumpHeader::cpuCount).orElse(d.metadata().cpus().size());
        OptionalInt online = cpus != 0 ? OptionalInt.of(cpus) : OptionalInt.empty();
        OptionalInt real = h.filter(x -> x.realCpuCount() != 0).map(x -> OptionalInt.of(x.realCpuCount()))
                .orElse(OptionalInt.empty());
        // dfi_mem_range(): from the lowest to the highest address of the memory chunks
        long range = map.isEmpty() ? 0 : map.get(map.size() - 1).end() - map.get(0).start();
        List<MemoryRange> zgetdumpMap = volumeMemoryMap(d.memory());
        if (h.isPresent() && h.get().memSize() > 0
                && (d.format() == DumpFormat.S390 || d.format() == DumpFormat.S390_TAPE)) {
            // dfi_s390.c and dfi_s390tape.c add one chunk [0, mem_size) whatever the file holds
            range = h.get().memSize();
            zgetdumpMap = List.of(new MemoryRange(0, range));
        }
        OptionalLong memRange = range != 0 ? OptionalLong.of(range) : OptionalLong.empty();
        OptionalLong realMem = h.filter(x -> x.memSizeReal() != 0).map(x -> OptionalLong.of(x.memSizeReal()))
                .orElse(OptionalLong.empty());
        boolean extended = d.format() == DumpFormat.S390_EXT || d.format() == DumpFormat.S390_MV_EXT;
        OptionalLong fileSize = extended ? OptionalLong.of(d.dumpFileBytes()) : OptionalLong.empty();
        Optional<S390DumpHeader> zlib = h.filter(x -> x.multiVolume() == 0 && x.zlibVersion() != 0
                && x.zlibEntrySize() != 0);
        return new ZgetdumpAttributes(version, created, ended, dumpMethod(d.memory()), cpuId, online, real, memRange, realMem,
                fileSize, zlib.map(x -> OptionalInt.of(x.zlibVersion())).orElse(OptionalInt.empty()),
                zlib.map(x -> OptionalInt.of(x.zlibEntrySize())).orElse(OptionalInt.empty()), zgetdumpMap);
    }

    /** Adjacent chunks merged while they lie on one volume (see {@link ZgetdumpAttributes#memoryMap()}). */
    static List<MemoryRange> volumeMemoryMap(MemorySource m) {
        List<MemoryChunk> chunks = m.chunks();
        int[] volume = new int[chunks.size()];
        int next = -1; // the volume of the nearest data chunk after, -1 when none follows
        for (int i = chunks.size() - 1; i >= 0; i--) {
            if (chunks.get(i).data() instanceof S390ExtDumpReader.VolumeSegment s) {
                next = s.volume();
            }
            volume[i] = next;
        }
        int previous = 0;
        for (int i = 0; i < volume.length; i++) {
            if (volume[i] < 0) {
                volume[i] = previous; // the zero chunk at the end, or a format without volumes
            }
            if (chunks.get(i).kind() == MemoryChunk.Kind.DATA) {
                previous = volume[i];
            }
        }
        return merge(chunks, volume);
    }

    /** {@code e_ident[EI_VERSION]} of an ELF core, which dfi_elf.c reports as the dump's version. */
    private static OptionalInt elfIdentVersion(DumpBlockSource elf) {
        byte[] b = new byte[1];
        try {
            elf.read(ElfHeader.EI_VERSION, b, 0, 1);
            return OptionalInt.of(b[0] & 0xFF);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt elfIdentVersion(Path elf) {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            if (ch.read(b, ElfHeader.EI_VERSION) != 1) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(b.get(0) & 0xFF);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** "live" when memory at 0 holds the live-dump magic (dfi.c livedump_init); sadump's dumpers never do. */
    private static Optional<String> dumpMethod(MemorySource m) {
        byte[] b = new byte[Long.BYTES];
        try {
            m.read(0, b, 0, b.length);
        } catch (IOException e) {
            return Optional.empty(); // no memory at 0 (MemoryAbsentException) or unreadable: no magic
        }
        return ByteBuffer.wrap(b).getLong() == ZgetdumpAttributes.LIVE_DUMP_MAGIC
                ? Optional.of(ZgetdumpAttributes.DUMP_METHOD_LIVE) : Optional.empty();
    }

    private static Optional<Instant> instant(OptionalLong tod) {
        return tod.isPresent() ? Optional.of(TodClock.toInstant(tod.getAsLong())) : Optional.empty();
    }

    /** Contiguous runs of chunks (DATA and ZERO alike: both are memory the dump accounts for). */
    public static List<MemoryRange> memoryMap(MemorySource m) {
        return merge(m.chunks(), new int[m.chunks().size()]);
    }

    /** Adjacent chunks merged into one range while their {@code volume} is the same. */
    private static List<MemoryRange> merge(List<MemoryChunk> chunks, int[] volume) {
        List<MemoryRange> out = new ArrayList<>();
        long start = -1;
        long end = -1;
        int vol = 0;
        for (int i = 0; i < chunks.size(); i++) {
            MemoryChunk c = chunks.get(i);
            if (start >= 0 && c.start() == end && volume[i] == vol) {
                end = c.end();
                continue;
            }
            if (start >= 0) {
                out.add(new MemoryRange(start, end));
            }
            start = c.start();
            end = c.end();
            vol = volume[i];
        }
        if (start >= 0) {
            out.add(new MemoryRange(start, end));
        }
        return out;
    }

    /** Whether the dump was classic s390 or s390_ext (for the output of conversions). */
    static boolean isS390(DumpFormat f) {
        return f != DumpFormat.ELF;
    }
}
