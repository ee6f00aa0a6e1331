package io.sadump.dump;

import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds the VMCOREINFO text in the memory of a dump, as the kdump kernel does (reference
 * kernel-kdump.md §4.3): first entry 0 of the meminfo ({@code os_info}) page that absolute lowcore
 * 0x0E18 points to, with its checksums verified; else the ELF note that the (unaligned) pointer at
 * 0x0E0C points to, whose name must be "VMCOREINFO" and whose text starts 24 bytes in.
 */
public final class VmcoreinfoLocator {
    private VmcoreinfoLocator() {}

    /** "OSINFOSZ" (reference kernel-kdump.md §1.2). */
    public static final long MEMINFO_MAGIC = 0x4F53494E464F535AL;

    static final int MEMINFO_SIZE = 4096;
    static final int MEMINFO_CSUM = 0x08;
    static final int MEMINFO_CSUM_START = 0x0C;
    static final int MEMINFO_VERSION_MAJOR = 0x0C;
    static final int MEMINFO_ENTRY0 = 0x20;
    static final int ENTRY_ADDR = 0;
    static final int ENTRY_SIZE = 8;
    static final int ENTRY_CSUM = 16;
    /** Largest VMCOREINFO accepted; real ones are a few KiB. */
    static final int MAX_TEXT = 1 << 20;
    /** Elf64_Nhdr size; the VMCOREINFO note's name "VMCOREINFO\0" pads to 12, so the text is at +24. */
    static final int NOTE_HEADER = 12;
    static final int NOTE_DESC = 24;
    static final String NOTE_NAME = "VMCOREINFO";

    /** The VMCOREINFO text, or empty when neither place holds a valid one. */
    public static Optional<String> find(MemorySource memory) {
        try {
            Optional<String> fromMeminfo = fromMeminfo(memory);
            if (fromMeminfo.isPresent()) {
                return fromMeminfo;
            }
            return fromNotePointer(memory);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean inside(MemorySource m, long address, long length) {
        return address >= 0 && length >= 0 && address <= m.memorySize() && length <= m.memorySize() - address;
    }

    private static byte[] bytes(MemorySource m, long address, int length) throws IOException {
        byte[] b = new byte[length];
        m.read(address, b, 0, length);
        return b;
    }

    static Optional<String> fromMeminfo(MemorySource m) throws IOException {
        if (!inside(m, Lowcore.MEMINFO_POINTER, 8)) {
            return Optional.empty();
        }
        long pointer = ByteBuffer.wrap(bytes(m, Lowcore.MEMINFO_POINTER, 8)).getLong();
        if (pointer == 0 || (pointer & (MEMINFO_SIZE - 1)) != 0 || !inside(m, pointer, MEMINFO_SIZE)) {
            return Optional.empty();
        }
        byte[] page = bytes(m, pointer, MEMINFO_SIZE);
        ByteBuffer p = ByteBuffer.wrap(page);
        if (p.getLong(0) != MEMINFO_MAGIC
                || p.getInt(MEMINFO_CSUM) != Cksm.of(page, MEMINFO_CSUM_START, MEMINFO_SIZE - MEMINFO_CSUM_START)
                || (p.getShort(MEMINFO_VERSION_MAJOR) & 0xFFFF) > 1) {
            return Optional.empty();
        }
        long addr = p.getLong(MEMINFO_ENTRY0 + ENTRY_ADDR);
        long size = p.getLong(MEMINFO_ENTRY0 + ENTRY_SIZE);
        int csum = p.getInt(MEMINFO_ENTRY0 + ENTRY_CSUM);
        if (addr == 0 || size <= 0 || size > MAX_TEXT || !inside(m, addr, size)) {
            return Optional.empty();
        }
        byte[] data = bytes(m, addr, (int) size);
        if (Cksm.of(data, 0, data.length) != csum) {
            return Optional.empty();
        }
        // The entry holds the note text; accept a whole VMCOREINFO note too.
        Optional<byte[]> desc = noteDesc(data);
        return Optional.of(text(desc.orElse(data)));
    }

    static Optional<String> fromNotePointer(MemorySource m) throws IOException {
        if (!inside(m, Lowcore.VMCOREINFO_POINTER, 8)) {
            return Optional.empty();
        }
        long pointer = ByteBuffer.wrap(bytes(m, Lowcore.VMCOREINFO_POINTER, 8)).getLong();
        if (pointer == 0 || !inside(m, pointer, NOTE_DESC)) {
            return Optional.empty();
        }
        ByteBuffer h = ByteBuffer.wrap(bytes(m, pointer, NOTE_DESC));
        long descSize = h.getInt(4) & 0xFFFF_FFFFL;
        if (descSize == 0 || descSize > MAX_TEXT || !inside(m, pointer + NOTE_DESC, descSize)) {
            return Optional.empty();
        }
        byte[] all = new byte[(int) (NOTE_DESC + descSize)];
        m.read(pointer, all, 0, all.length);
        return noteDesc(all).map(VmcoreinfoLocator::text);
    }

    /** The desc of a "VMCOREINFO" note at the start of {@code b}, if it is one. */
    static Optional<byte[]> noteDesc(byte[] b) {
        if (b.length < NOTE_DESC) {
            return Optional.empty();
        }
        ByteBuffer h = ByteBuffer.wrap(b);
        int nameSize = h.getInt(0);
        long descSize = h.getInt(4) & 0xFFFF_FFFFL;
        if (nameSize != NOTE_NAME.length() + 1 || descSize > b.length - NOTE_DESC) {
            return Optional.empty();
        }
        String name = new String(b, NOTE_HEADER, NOTE_NAME.length(), StandardCharsets.US_ASCII);
        if (!name.equals(NOTE_NAME) || b[NOTE_HEADER + NOTE_NAME.length()] != 0) {
            return Optional.empty();
        }
        byte[] desc = new byte[(int) descSize];
        System.arraycopy(b, NOTE_DESC, desc, 0, desc.length);
        return Optional.of(desc);
    }

    private static String text(byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }
}
