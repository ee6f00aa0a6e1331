package io.sadump.dump.s390;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The 4 KiB s390 dump header {@code struct df_s390_hdr} (packed, big-endian), exactly as
 * s390-tools {@code include/dump/s390_dump.h} lays it out (docs/formats.md §1).
 *
 * @param magic {@link #MAGIC} (classic) or {@link #MAGIC_EXT} (s390_ext, DASD dumpers)
 * @param version 2 from the current dumpers; required when {@code zlibVersion != 0}
 * @param headerSize {@link #SIZE}
 * @param dumpLevel 4
 * @param pageSize 4096
 * @param memSize bytes dumped (after the size limit)
 * @param memStart 0
 * @param memEnd the dumper writes {@code memSize}
 * @param numPages {@code memSize >> 12} (u32)
 * @param tod TOD clock at dump start
 * @param cpuId STIDP of the dumping CPU
 * @param arch 2 = 64-bit
 * @param volumeNumber volume number of a multi-volume dump, from 0
 * @param buildArch 2 (0 accepted when reading)
 * @param memSizeReal memory size before the size limit
 * @param multiVolume {@code mvdump} byte, 1 for a multi-volume dump
 * @param cpuCount number of prefix pointers in the prefix vector (u16)
 * @param realCpuCount CPUs seen by store status (u16)
 * @param zlibVersion 1 when the segments are zlib compressed, else 0 (u8)
 * @param zlibEntrySize compression unit, 1 MiB (u32)
 * @param multiVolumeSignature {@code mvdump_sign}: {@link #MAGIC_EXT} in a multi-volume dump
 * @param multiVolumeZiplTime {@code mvdump_zipl_time}
 * @param prefixes the prefix vector {@code lc_vec}: one 32-bit prefix per recorded CPU (at most 512)
 */
public record S390DumpHeader(
        long magic,
        int version,
        int headerSize,
        int dumpLevel,
        int pageSize,
        long memSize,
        long memStart,
        long memEnd,
        int numPages,
        long tod,
        long cpuId,
        int arch,
        int volumeNumber,
        int buildArch,
        long memSizeReal,
        int multiVolume,
        int cpuCount,
        int realCpuCount,
        int zlibVersion,
        int zlibEntrySize,
        long multiVolumeSignature,
        long multiVolumeZiplTime,
        long[] prefixes) {

    /** {@code DF_S390_MAGIC}: the classic format (tape, zgetdump's s390 output). */
    public static final long MAGIC = 0xa8190173618f23fdL;
    /** {@code DF_S390_MAGIC_EXT}: the s390_ext format of the DASD dumpers; also the multi-volume signature. */
    public static final long MAGIC_EXT = 0xa8190173618f23feL;
    /** {@code DF_S390_HDR_SIZE}. */
    public static final int SIZE = 0x1000;
    /** {@code DF_S390_CPU_MAX}: entries of the prefix vector. */
    public static final int CPU_MAX = 512;
    /** {@code DF_S390_ARCH_64}. */
    public static final int ARCH_64 = 2;
    /** The version the current zipl dumpers write. */
    public static final int VERSION_DUMPER = 2;
    /**
     * The version of zgetdump's s390 output when the source has CPU registers; {@link
     * #VERSION_ZGETDUMP_NO_CPUS} when it has none ({@code zdump/dfo_s390.c: df_s390_dump_init}).
     */
    public static final int VERSION_ZGETDUMP = 5;
    public static final int VERSION_ZGETDUMP_NO_CPUS = 4;
    /** The dump level the dumpers write. */
    public static final int DUMP_LEVEL = 4;
    public static final int PAGE_SIZE = 4096;
    /** {@code DUMP_SEGM_ZLIB_ENTSIZE}: 1 MiB. */
    public static final int ZLIB_ENTRY_SIZE = 1 << 20;

    // Field offsets of struct df_s390_hdr (docs/formats.md §1).
    public static final int OFF_MAGIC = 0x000;
    public static final int OFF_VERSION = 0x008;
    public static final int OFF_HDR_SIZE = 0x00C;
    public static final int OFF_DUMP_LEVEL = 0x010;
    public static final int OFF_PAGE_SIZE = 0x014;
    public static final int OFF_MEM_SIZE = 0x018;
    public static final int OFF_MEM_START = 0x020;
    public static final int OFF_MEM_END = 0x028;
    public static final int OFF_NUM_PAGES = 0x030;
    public static final int OFF_TOD = 0x038;
    public static final int OFF_CPU_ID = 0x040;
    public static final int OFF_ARCH = 0x048;
    public static final int OFF_VOLNR = 0x04C;
    public static final int OFF_BUILD_ARCH = 0x050;
    public static final int OFF_MEM_SIZE_REAL = 0x054;
    public static final int OFF_MVDUMP = 0x05C;
    public static final int OFF_CPU_CNT = 0x05D;
    public static final int OFF_REAL_CPU_CNT = 0x05F;
    public static final int OFF_ZLIB_VERSION = 0x061;
    public static final int OFF_ZLIB_ENTRY_SIZE = 0x062;
    public static final int OFF_MVDUMP_SIGN = 0x200;
    public static final int OFF_MVDUMP_ZIPL_TIME = 0x208;
    public static final int OFF_LC_VEC = 0x800;

    public S390DumpHeader {
        prefixes = prefixes.clone();
        if (prefixes.length > CPU_MAX) {
            throw new IllegalArgumentException("the prefix vector holds at most 512 CPUs, not " + prefixes.length);
        }
    }

    /**
     * The header a zipl stand-alone dumper writes (docs/formats.md §1,
     * {@code df_s390_dump_init} and {@code mem_and_cpu_init}): magic, version 2, size 4 KiB, level 4,
     * page size 4096, mem_end = mem_size, arch and build arch 2.
     */
    public static S390DumpHeader forDumper(long magic, long memSize, long memSizeReal, long tod, long cpuId,
            long[] prefixes, int realCpuCount) {
        return new S390DumpHeader(magic, VERSION_DUMPER, SIZE, DUMP_LEVEL, PAGE_SIZE, memSize, 0, memSize,
                (int) (memSize >>> 12), tod, cpuId, ARCH_64, 0, ARCH_64, memSizeReal, 0, prefixes.length,
                realCpuCount, 0, 0, 0, 0, prefixes);
    }

    @Override
    public long[] prefixes() {
        return prefixes.clone();
    }

    public boolean isExtended() {
        return magic == MAGIC_EXT;
    }

    public boolean isCompressed() {
        return zlibVersion != 0;
    }

    public S390DumpHeader withVersion(int v) {
        return new S390DumpHeader(magic, v, headerSize, dumpLevel, pageSize, memSize, memStart, memEnd, numPages,
                tod, cpuId, arch, volumeNumber, buildArch, memSizeReal, multiVolume, cpuCount, realCpuCount,
                zlibVersion, zlibEntrySize, multiVolumeSignature, multiVolumeZiplTime, prefixes);
    }

    public S390DumpHeader withVolumeNumber(int volnr) {
        return new S390DumpHeader(magic, version, headerSize, dumpLevel, pageSize, memSize, memStart, memEnd, numPages,
                tod, cpuId, arch, volnr, buildArch, memSizeReal, multiVolume, cpuCount, realCpuCount, zlibVersion,
                zlibEntrySize, multiVolumeSignature, multiVolumeZiplTime, prefixes);
    }

    /** Marks a multi-volume dump: {@code mvdump = 1} and the signature, as {@code eckd2dump_mv.c} does. */
    public S390DumpHeader withMultiVolume(long ziplTime) {
        return new S390DumpHeader(magic, version, headerSize, dumpLevel, pageSize, memSize, memStart, memEnd, numPages,
                tod, cpuId, arch, volumeNumber, buildArch, memSizeReal, 1, cpuCount, realCpuCount, zlibVersion,
                zlibEntrySize, MAGIC_EXT, ziplTime, prefixes);
    }

    /** Marks zlib-compressed segments: zlib version 1, entry size 1 MiB (the version must be 2). */
    public S390DumpHeader withZlib() {
        return new S390DumpHeader(magic, version, headerSize, dumpLevel, pageSize, memSize, memStart, memEnd, numPages,
                tod, cpuId, arch, volumeNumber, buildArch, memSizeReal, multiVolume, cpuCount, realCpuCount, 1,
                ZLIB_ENTRY_SIZE, multiVolumeSignature, multiVolumeZiplTime, prefixes);
    }


    /**
     * Whether {@code block} is an s390 dump header, classic or s390_ext, by its size and magic: how a
     * reader tells a dump file from the dump tool's file at the start of a tape.
     */
    public static boolean isDumpHeader(byte[] block) {
        if (block.length < SIZE) {
            return false;
        }
        long magic = ByteBuffer.wrap(block).getLong(OFF_MAGIC);
        return magic == MAGIC || magic == MAGIC_EXT;
    }

    /** Reads 4096 bytes from the buffer's position. The prefix vector keeps {@code min(cpu_cnt, 512)} entries. */
    public static S390DumpHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        int cpuCount = b.getShort(OFF_CPU_CNT) & 0xFFFF;
        long[] prefixes = new long[Math.min(cpuCount, CPU_MAX)];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = b.getInt(OFF_LC_VEC + 4 * i) & 0xFFFF_FFFFL;
        }
        S390DumpHeader h = new S390DumpHeader(b.getLong(OFF_MAGIC), b.getInt(OFF_VERSION), b.getInt(OFF_HDR_SIZE),
                b.getInt(OFF_DUMP_LEVEL), b.getInt(OFF_PAGE_SIZE), b.getLong(OFF_MEM_SIZE), b.getLong(OFF_MEM_START),
                b.getLong(OFF_MEM_END), b.getInt(OFF_NUM_PAGES), b.getLong(OFF_TOD), b.getLong(OFF_CPU_ID),
                b.getInt(OFF_ARCH), b.getInt(OFF_VOLNR), b.getInt(OFF_BUILD_ARCH), b.getLong(OFF_MEM_SIZE_REAL),
                b.get(OFF_MVDUMP) & 0xFF, cpuCount, b.getShort(OFF_REAL_CPU_CNT) & 0xFFFF,
                b.get(OFF_ZLIB_VERSION) & 0xFF, b.getInt(OFF_ZLIB_ENTRY_SIZE), b.getLong(OFF_MVDUMP_SIGN),
                b.getLong(OFF_MVDUMP_ZIPL_TIME), prefixes);
        src.position(src.position() + SIZE);
        return h;
    }

    /** Writes 4096 bytes at the buffer's position; padding is zero. */
    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < SIZE; i += 8) {
            b.putLong(i, 0);
        }
        b.putLong(OFF_MAGIC, magic).putInt(OFF_VERSION, version).putInt(OFF_HDR_SIZE, headerSize)
                .putInt(OFF_DUMP_LEVEL, dumpLevel).putInt(OFF_PAGE_SIZE, pageSize).putLong(OFF_MEM_SIZE, memSize)
                .putLong(OFF_MEM_START, memStart).putLong(OFF_MEM_END, memEnd).putInt(OFF_NUM_PAGES, numPages)
                .putLong(OFF_TOD, tod).putLong(OFF_CPU_ID, cpuId).putInt(OFF_ARCH, arch).putInt(OFF_VOLNR, volumeNumber)
                .putInt(OFF_BUILD_ARCH, buildArch).putLong(OFF_MEM_SIZE_REAL, memSizeReal)
                .put(OFF_MVDUMP, (byte) multiVolume).putShort(OFF_CPU_CNT, (short) cpuCount)
                .putShort(OFF_REAL_CPU_CNT, (short) realCpuCount).put(OFF_ZLIB_VERSION, (byte) zlibVersion)
                .putInt(OFF_ZLIB_ENTRY_SIZE, zlibEntrySize).putLong(OFF_MVDUMP_SIGN, multiVolumeSignature)
                .putLong(OFF_MVDUMP_ZIPL_TIME, multiVolumeZiplTime);
        for (int i = 0; i < prefixes.length; i++) {
            b.putInt(OFF_LC_VEC + 4 * i, (int) prefixes[i]);
        }
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S390DumpHeader h && Arrays.equals(toBytes(), h.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return String.format("S390DumpHeader[magic=%016x version=%d mem_size=0x%X mem_size_real=0x%X tod=%016x "
                + "volnr=%d mvdump=%d cpu_cnt=%d real_cpu_cnt=%d zlib=%d/%d]", magic, version, memSize, memSizeReal,
                tod, volumeNumber, multiVolume, cpuCount, realCpuCount, zlibVersion, zlibEntrySize);
    }
}
