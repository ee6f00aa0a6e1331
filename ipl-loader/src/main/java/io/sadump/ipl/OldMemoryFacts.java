package io.sadump.ipl;

import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import io.sadump.machine.SaveArea;
import io.sadump.meminfo.Cksm;
import io.sadump.meminfo.MeminfoEntry;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoPage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the kdump kernel learns from old memory before it writes the vmcore (reference/kernel-kdump.md
 * §3.6 {@code os_info_old_init}, §4.3): the meminfo page (magic, csum, version checked), the VMCOREINFO
 * (meminfo entry 0, checksum-verified; else the ELF note the 0x0E0C pointer names) and every CPU's
 * store-status save area.
 *
 * @param meminfo the verified meminfo page, if old memory had one
 * @param vmcoreinfo the VMCOREINFO text, if found
 * @param vmcoreinfoSource where it came from, for the console
 * @param cpus the CPUs whose save areas have a non-zero prefix, IPL CPU first
 * @param warnings what was wrong and fell back (as the kernel logs "checksum failed")
 */
public record OldMemoryFacts(Optional<MeminfoPage> meminfo, Optional<String> vmcoreinfo, String vmcoreinfoSource,
        List<CpuState> cpus, List<String> warnings) {

    /** Name of the VMCOREINFO note, as the 0x0E0C fallback checks it. */
    static final String VMCOREINFO_NOTE_NAME = "VMCOREINFO";
    /** The note text starts after the 12-byte header and the 12-byte padded name. */
    static final int VMCOREINFO_NOTE_TEXT = 24;
    /** A sanity bound on the VMCOREINFO size, as the kernel bounds its copy. */
    static final int VMCOREINFO_MAX = 1 << 16;

    /**
     * Reads the facts through {@code old}, the old memory after the swap ({@link KdumpKernel#oldMemory}).
     *
     * @param cpuPrefixes the prefix of every CPU of the machine (as SIGP store status reaches them); the
     *     IPL CPU first, whose save area is also at absolute 0x1200
     */
    public static OldMemoryFacts read(MemorySource old, List<CpuState> cpuPrefixes) {
        List<String> warnings = new ArrayList<>();
        Optional<MeminfoPage> meminfo = meminfo(old, warnings);
        Optional<String> vmcoreinfo = Optional.empty();
        String source = "none";
        if (meminfo.isPresent()) {
            MeminfoEntry e = meminfo.get().entry(MeminfoEntryIndex.VMCOREINFO);
            if (!e.isAbsent() && e.size() > 0 && e.size() <= VMCOREINFO_MAX) {
                byte[] text = new byte[(int) e.size()];
                if (readSafely(old, e.addr(), text) && Cksm.of(text) == e.csum()) {
                    vmcoreinfo = Optional.of(new String(text, StandardCharsets.US_ASCII));
                    source = "meminfo entry 0";
                } else {
                    warnings.add("meminfo entry 0 (VMCOREINFO): checksum failed");
                }
            }
        }
        if (vmcoreinfo.isEmpty()) {
            vmcoreinfo = noteAt(old, u64(old, Lowcore.VMCOREINFO_POINTER));
            if (vmcoreinfo.isPresent()) {
                source = String.format("lowcore 0x%04X note", Lowcore.VMCOREINFO_POINTER);
            } else {
                warnings.add("no VMCOREINFO found: the vmcore has none");
            }
        }
        List<CpuState> cpus = new ArrayList<>();
        for (CpuState c : cpuPrefixes) {
            if (c.prefix() == 0) {
                continue;
            }
            byte[] area = new byte[SaveArea.SIZE];
            if (!readSafely(old, c.prefix() + Lowcore.SAVE_AREA, area)) {
                warnings.add(String.format("CPU %d: no save area at prefix 0x%X in old memory", c.cpuAddress(),
                        c.prefix()));
                continue;
            }
            CpuState saved = CpuState.fromSaveArea(c.cpuAddress(), SaveArea.read(ByteBuffer.wrap(area)));
            if (saved.prefix() != 0) {
                cpus.add(saved);
            }
        }
        return new OldMemoryFacts(meminfo, vmcoreinfo, source, List.copyOf(cpus), List.copyOf(warnings));
    }

    private static Optional<MeminfoPage> meminfo(MemorySource old, List<String> warnings) {
        long pointer = u64(old, Lowcore.MEMINFO_POINTER);
        if (pointer == 0 || (pointer & (MeminfoPage.ALIGNMENT - 1)) != 0) {
            warnings.add(String.format("no meminfo: pointer 0x%X", pointer));
            return Optional.empty();
        }
        byte[] page = new byte[MeminfoPage.SIZE];
        if (!readSafely(old, pointer, page)) {
            warnings.add(String.format("no meminfo: pointer 0x%X is outside memory", pointer));
            return Optional.empty();
        }
        MeminfoPage p = MeminfoPage.read(page);
        if (!p.magicValid()) {
            warnings.add("meminfo: bad magic");
        } else if (!p.checksumValid()) {
            warnings.add("meminfo: checksum failed");
        } else if (p.versionMajor() > MeminfoPage.VERSION_MAJOR) {
            warnings.add("meminfo: version " + p.versionMajor() + " not supported");
        } else {
            return Optional.of(p);
        }
        return Optional.empty();
    }

    private static Optional<String> noteAt(MemorySource old, long address) {
        byte[] header = new byte[VMCOREINFO_NOTE_TEXT];
        if (address == 0 || !readSafely(old, address, header)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(header);
        int namesz = b.getInt(0);
        long descsz = Integer.toUnsignedLong(b.getInt(4));
        String name = new String(header, 12, VMCOREINFO_NOTE_NAME.length(), StandardCharsets.US_ASCII);
        if (namesz != VMCOREINFO_NOTE_NAME.length() + 1 || !name.equals(VMCOREINFO_NOTE_NAME)
                || descsz > VMCOREINFO_MAX) {
            return Optional.empty();
        }
        byte[] text = new byte[(int) descsz];
        if (!readSafely(old, address + VMCOREINFO_NOTE_TEXT, text)) {
            return Optional.empty();
        }
        return Optional.of(new String(text, StandardCharsets.US_ASCII));
    }

    /** Reads old memory; false when the range is not in it (beyond memory, or in the crashkernel range). */
    private static boolean readSafely(MemorySource old, long address, byte[] dst) {
        if (address < 0 || address > old.memorySize() - dst.length) {
            return false;
        }
        try {
            old.read(address, dst, 0, dst.length);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A lowcore pointer of old memory (0 when it cannot be read). */
    private static long u64(MemorySource old, long address) {
        byte[] b = new byte[8];
        return readSafely(old, address, b) ? ByteBuffer.wrap(b).getLong() : 0;
    }
}
