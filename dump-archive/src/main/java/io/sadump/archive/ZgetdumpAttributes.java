package io.sadump.archive;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The dump attributes exactly as zgetdump's input formats set them ({@code dfi_attr_*} in s390-tools
 * {@code zdump/dfi.c}), so that {@code -i} prints a line where zgetdump prints one and nowhere else.
 * An empty field is an attribute zgetdump leaves unset for this format (and so prints no line for).
 *
 * <p>Who sets what (s390-tools v2.43.0): {@code df_s390.c df_s390_hdr_add} sets the version, the dump
 * time (when the header TOD is non-zero), the CPU ID, the real memory size and the real CPU count (each
 * when non-zero) and the zlib attributes (not for a multi-volume dump); {@code df_s390_em_add} the end
 * time; {@code dfi_s390.c} and {@code dfi_s390mv_ext.c} the dump file size for s390_ext only;
 * {@code dfi_elf.c} only the version ({@code e_ident[EI_VERSION]}); {@code dfi.c livedump_init} the
 * dump method. No input format sets the volume number.
 *
 * @param version the s390 header version, or the ELF {@code e_ident[EI_VERSION]}
 * @param created the dump start (s390 header TOD, when non-zero)
 * @param ended the dump end (end-marker TOD, when non-zero)
 * @param dumpMethod "live" when memory at 0 holds the live-dump magic
 * @param cpuId the header's CPU ID, when non-zero
 * @param onlineCpuCount the CPUs zgetdump lists (s390: the header's cpu_cnt; ELF: the PRSTATUS notes),
 *     when non-zero
 * @param realCpuCount the header's real_cpu_cnt, when non-zero
 * @param memoryRange last dumped address + 1 - first dumped address, when non-zero
 * @param realMemorySize the header's mem_size_real, when non-zero
 * @param fileSize the bytes of memory data in an s390_ext dump (compressed size of compressed segments)
 * @param zlibVersion the header's zlib version (single-volume s390_ext with zlib)
 * @param zlibEntrySize the header's zlib compression unit, with {@code zlibVersion}
 * @param memoryMap the "Memory map" lines: adjacent memory chunks merged while they lie on one volume
 *     ({@code dfi_mem_map_print}); a zero chunk lies on the volume of the segment after it, the zero
 *     chunk at the end on the last segment's volume, as {@code dfi_s390mv_ext.c} adds them
 */
public record ZgetdumpAttributes(
        OptionalInt version,
        Optional<Instant> created,
        Optional<Instant> ended,
        Optional<String> dumpMethod,
        OptionalLong cpuId,
        OptionalInt onlineCpuCount,
        OptionalInt realCpuCount,
        OptionalLong memoryRange,
        OptionalLong realMemorySize,
        OptionalLong fileSize,
        OptionalInt zlibVersion,
        OptionalInt zlibEntrySize,
        List<DumpInfo.MemoryRange> memoryMap) {

    public ZgetdumpAttributes {
        memoryMap = List.copyOf(memoryMap);
    }

    /** {@code DFI_DUMP_METHOD_LIVE}. */
    public static final String DUMP_METHOD_LIVE = "live";

    /** {@code dfi_live_dump_magic} ("LIVEDUMP"), at address 0 of a live dump ({@code zdump/dfi.c}). */
    public static final long LIVE_DUMP_MAGIC = 0x4c49564544554d50L;
}
