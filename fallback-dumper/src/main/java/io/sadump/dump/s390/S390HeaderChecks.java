package io.sadump.dump.s390;

import io.sadump.dump.DumpFormatException;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The header checks zgetdump makes before it accepts an s390 dump ({@code zdump/dfi_s390.c:
 * read_s390_hdr}; docs/formats.md §10): big enough for a header, magic, arch 64-bit,
 * build arch 0 or 64-bit, at most 512 CPUs, zlib only with version 2. sadump adds the checks its
 * readers rely on: page size 4096, a memory size that is a positive multiple of 4096, and a sane
 * zlib entry size.
 */
final class S390HeaderChecks {
    private S390HeaderChecks() {}

    static S390DumpHeader readHeader(DumpBlockSource source, String name) throws IOException {
        if (source.size() < S390DumpHeader.SIZE) {
            throw new DumpFormatException(name + ": too small for an s390 dump header (" + source.size()
                    + " bytes, need 4096)");
        }
        byte[] b = new byte[S390DumpHeader.SIZE];
        try {
            source.read(0, b, 0, b.length);
        } catch (EOFException e) {
            throw new DumpFormatException(name + ": the s390 dump header is cut short", e);
        }
        return S390DumpHeader.read(ByteBuffer.wrap(b));
    }

    static void check(S390DumpHeader h, long magic, String name) throws DumpFormatException {
        if (h.magic() != magic) {
            throw new DumpFormatException(String.format("%s: not an %s dump (header magic %016x, expected %016x)", name,
                    magic == S390DumpHeader.MAGIC ? "s390" : "s390_ext", h.magic(), magic));
        }
        if (h.arch() != S390DumpHeader.ARCH_64) {
            throw new DumpFormatException(name + ": dump architecture " + h.arch() + " is not supported (need 2, 64-bit)");
        }
        if (h.buildArch() != 0 && h.buildArch() != S390DumpHeader.ARCH_64) {
            throw new DumpFormatException(name + ": dump-tool build architecture " + h.buildArch() + " is not supported");
        }
        if (h.cpuCount() > S390DumpHeader.CPU_MAX) {
            throw new DumpFormatException(name + ": header field cpu_cnt is " + h.cpuCount() + ", more than 512");
        }
        if (h.zlibVersion() != 0 && h.version() != 2) {
            throw new DumpFormatException(name + ": a zlib-compressed dump must have header version 2, not " + h.version());
        }
        if (h.zlibVersion() != 0 && (h.zlibEntrySize() <= 0 || h.zlibEntrySize() % 4096 != 0
                || h.zlibEntrySize() > 16 << 20)) {
            throw new DumpFormatException(name + ": header field zlib_entry_size 0x" + Integer.toHexString(h.zlibEntrySize())
                    + " is not a multiple of 4096 up to 16 MiB");
        }
        if (h.pageSize() != S390DumpHeader.PAGE_SIZE) {
            throw new DumpFormatException(name + ": header field page_size is " + h.pageSize() + ", not 4096");
        }
        if (h.memSize() <= 0 || (h.memSize() & 0xFFF) != 0) {
            throw new DumpFormatException(String.format("%s: header field mem_size 0x%X is not a positive multiple of 4096",
                    name, h.memSize()));
        }
    }
}
