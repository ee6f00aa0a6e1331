package io.sadump.dump.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One 56-byte {@code Elf64_Phdr} (docs/formats.md §7.1). */
public record ElfProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
        long align) {
    public static final int SIZE = 56;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    /** {@code PF_X | PF_W | PF_R}, as the kernel sets for memory. */
    public static final int PF_RWX = 7;

    static final int OFF_TYPE = 0;
    static final int OFF_FLAGS = 4;
    static final int OFF_OFFSET = 8;
    static final int OFF_VADDR = 16;
    static final int OFF_PADDR = 24;
    static final int OFF_FILESZ = 32;
    static final int OFF_MEMSZ = 40;
    static final int OFF_ALIGN = 48;

    public static ElfProgramHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        ElfProgramHeader p = new ElfProgramHeader(b.getInt(OFF_TYPE), b.getInt(OFF_FLAGS), b.getLong(OFF_OFFSET),
                b.getLong(OFF_VADDR), b.getLong(OFF_PADDR), b.getLong(OFF_FILESZ), b.getLong(OFF_MEMSZ),
                b.getLong(OFF_ALIGN));
        src.position(src.position() + SIZE);
        return p;
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        b.putInt(OFF_TYPE, type).putInt(OFF_FLAGS, flags).putLong(OFF_OFFSET, offset).putLong(OFF_VADDR, vaddr)
                .putLong(OFF_PADDR, paddr).putLong(OFF_FILESZ, filesz).putLong(OFF_MEMSZ, memsz)
                .putLong(OFF_ALIGN, align);
        dst.position(dst.position() + SIZE);
    }
}
