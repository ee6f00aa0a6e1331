package io.sadump.dump.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 64-byte {@code Elf64_Ehdr} of a big-endian s390x core file (docs/formats.md §7.1):
 * {@code 7F 'E' 'L' 'F'}, ELFCLASS64, ELFDATA2MSB, version 1, {@code ET_CORE}, {@code EM_S390}.
 */
public record ElfHeader(int elfClass, int data, int identVersion, int osAbi, int type, int machine, int version,
        long entry, long phoff, long shoff, int flags, int ehsize, int phentsize, int phnum, int shentsize,
        int shnum, int shstrndx) {
    public static final int SIZE = 64;
    public static final int ELFCLASS64 = 2;
    public static final int ELFDATA2MSB = 2;
    public static final int EV_CURRENT = 1;
    public static final int ET_CORE = 4;
    /** {@code EM_S390} (0x16), used for s390 and s390x. */
    public static final int EM_S390 = 22;
    /** {@code PN_XNUM}: the real program header count is in section header 0's {@code sh_info}. */
    public static final int PN_XNUM = 0xFFFF;

    static final byte[] MAGIC = {0x7F, 'E', 'L', 'F'};
    static final int EI_CLASS = 4;
    static final int EI_DATA = 5;
    public static final int EI_VERSION = 6;
    static final int EI_OSABI = 7;
    static final int OFF_TYPE = 16;
    static final int OFF_MACHINE = 18;
    static final int OFF_VERSION = 20;
    static final int OFF_ENTRY = 24;
    static final int OFF_PHOFF = 32;
    static final int OFF_SHOFF = 40;
    static final int OFF_FLAGS = 48;
    static final int OFF_EHSIZE = 52;
    static final int OFF_PHENTSIZE = 54;
    static final int OFF_PHNUM = 56;
    static final int OFF_SHENTSIZE = 58;
    static final int OFF_SHNUM = 60;
    static final int OFF_SHSTRNDX = 62;

    /** The header of an s390x core with {@code phnum} program headers right after it. */
    public static ElfHeader s390xCore(int phnum) {
        return new ElfHeader(ELFCLASS64, ELFDATA2MSB, EV_CURRENT, 0, ET_CORE, EM_S390, EV_CURRENT, 0, SIZE, 0, 0, SIZE,
                ElfProgramHeader.SIZE, phnum, 0, 0, 0);
    }

    /** True if the first four bytes are the ELF magic. */
    public static boolean hasMagic(ByteBuffer src) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (src.get(src.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads 64 bytes (big-endian fields; check {@link #data()} before trusting them). */
    public static ElfHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        ElfHeader h = new ElfHeader(b.get(EI_CLASS) & 0xFF, b.get(EI_DATA) & 0xFF, b.get(EI_VERSION) & 0xFF,
                b.get(EI_OSABI) & 0xFF, b.getShort(OFF_TYPE) & 0xFFFF, b.getShort(OFF_MACHINE) & 0xFFFF,
                b.getInt(OFF_VERSION), b.getLong(OFF_ENTRY), b.getLong(OFF_PHOFF), b.getLong(OFF_SHOFF),
                b.getInt(OFF_FLAGS), b.getShort(OFF_EHSIZE) & 0xFFFF, b.getShort(OFF_PHENTSIZE) & 0xFFFF,
                b.getShort(OFF_PHNUM) & 0xFFFF, b.getShort(OFF_SHENTSIZE) & 0xFFFF, b.getShort(OFF_SHNUM) & 0xFFFF,
                b.getShort(OFF_SHSTRNDX) & 0xFFFF);
        src.position(src.position() + SIZE);
        return h;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < SIZE; i += 8) {
            b.putLong(i, 0);
        }
        b.put(0, MAGIC[0]).put(1, MAGIC[1]).put(2, MAGIC[2]).put(3, MAGIC[3]);
        b.put(EI_CLASS, (byte) elfClass).put(EI_DATA, (byte) data).put(EI_VERSION, (byte) identVersion)
                .put(EI_OSABI, (byte) osAbi);
        b.putShort(OFF_TYPE, (short) type).putShort(OFF_MACHINE, (short) machine).putInt(OFF_VERSION, version)
                .putLong(OFF_ENTRY, entry).putLong(OFF_PHOFF, phoff).putLong(OFF_SHOFF, shoff).putInt(OFF_FLAGS, flags)
                .putShort(OFF_EHSIZE, (short) ehsize).putShort(OFF_PHENTSIZE, (short) phentsize)
                .putShort(OFF_PHNUM, (short) phnum).putShort(OFF_SHENTSIZE, (short) shentsize)
                .putShort(OFF_SHNUM, (short) shnum).putShort(OFF_SHSTRNDX, (short) shstrndx);
        dst.position(dst.position() + SIZE);
    }
}
