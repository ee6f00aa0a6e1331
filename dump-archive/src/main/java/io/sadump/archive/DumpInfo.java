package io.sadump.archive;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.meminfo.VmcoreinfoNote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@code zgetdump -i} tells about a dump (reference s390-tools-dump.md §3, "-i fields, in order"),
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
        Optional<String> problem) {

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
        Optional<S390DumpHeader> h = d.s390Header();
        OptionalInt version = h.map(x -> OptionalInt.of(x.version())).orElse(OptionalInt.empty());
        Optional<Instant> created = h.map(x -> TodClock.toInstant(x.tod()));
        if (created.isEmpty()) {
            created = d.vmcoreinfo().flatMap(VmcoreinfoNote::crashTime);
        }
        Optional<Instant> ended = d.s390EndMarker().map(em -> TodClock.toInstant(em.tod()));
        OptionalLong cpuId = h.map(x -> OptionalLong.of(x.cpuId())).orElse(OptionalLong.empty());
        OptionalInt volnr = h.map(x -> OptionalInt.of(x.volumeNumber())).orElse(OptionalInt.empty());
        int online = h.map(S390DumpHeader::cpuCount).orElse(d.cpus().size());
        OptionalInt real = h.map(x -> OptionalInt.of(x.realCpuCount())).orElse(OptionalInt.empty());
        List<MemoryRange> map = memoryMap(d);
        long dumpEnd = h.map(S390DumpHeader::memSize).orElse(map.isEmpty() ? 0 : map.get(map.size() - 1).end());
        long realSize = h.map(x -> x.memSizeReal() != 0 ? x.memSizeReal() : x.memSize()).orElse(d.memorySize());
        OptionalInt zlib = h.filter(S390DumpHeader::isCompressed).map(x -> OptionalInt.of(x.zlibEntrySize()))
                .orElse(OptionalInt.empty());
        String format = d.format().zgetdumpName();
        return new DumpInfo(format, opened.medium(), version, created, ended, cpuId, UtsInfo.of(d), volnr, online,
                real, dumpEnd, realSize, d.dumpFileBytes(), zlib, map, opened.volumes(),
                SystemSelection.kdumpRange(d), d.problem());
    }

    /** Contiguous runs of chunks (DATA and ZERO alike: both are memory the dump accounts for). */
    public static List<MemoryRange> memoryMap(MemorySource m) {
        List<MemoryRange> out = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (MemoryChunk c : m.chunks()) {
            if (start >= 0 && c.start() == end) {
                end = c.end();
                continue;
            }
            if (start >= 0) {
                out.add(new MemoryRange(start, end));
            }
            start = c.start();
            end = c.end();
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
