package io.sadump.dump.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One ELF note: {@code Elf64_Nhdr {u32 n_namesz, u32 n_descsz, u32 n_type}}, the name with its NUL
 * padded to 4 bytes, the descriptor padded to 4 bytes (docs/formats.md §7.2).
 */
public record ElfNote(String name, int type, byte[] desc) {
    public static final int HEADER_SIZE = 12;

    public ElfNote {
        desc = desc.clone();
    }

    @Override
    public byte[] desc() {
        return desc.clone();
    }

    public int descSize() {
        return desc.length;
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** Bytes this note takes in a note segment. */
    public int size() {
        return HEADER_SIZE + pad4(name.length() + 1) + pad4(desc.length);
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.order(ByteOrder.BIG_ENDIAN);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        b.putInt(n.length + 1).putInt(desc.length).putInt(type);
        b.put(n).put((byte) 0);
        for (int i = n.length + 1; i < pad4(n.length + 1); i++) {
            b.put((byte) 0);
        }
        b.put(desc);
        for (int i = desc.length; i < pad4(desc.length); i++) {
            b.put((byte) 0);
        }
    }

    /**
     * Reads the note at the buffer's position.
     *
     * @throws IllegalArgumentException when the sizes run past the buffer
     */
    public static ElfNote read(ByteBuffer src) {
        ByteBuffer b = src.order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < HEADER_SIZE) {
            throw new IllegalArgumentException("note header cut short");
        }
        long nameSize = b.getInt() & 0xFFFF_FFFFL;
        long descSize = b.getInt() & 0xFFFF_FFFFL;
        int type = b.getInt();
        if (nameSize > b.remaining() || descSize > b.remaining() || pad4((int) nameSize) + pad4((int) descSize)
                > b.remaining()) {
            throw new IllegalArgumentException("note sizes (name " + nameSize + ", desc " + descSize
                    + ") run past the note segment");
        }
        byte[] n = new byte[(int) nameSize];
        b.get(n);
        b.position(b.position() + pad4((int) nameSize) - (int) nameSize);
        byte[] d = new byte[(int) descSize];
        b.get(d);
        b.position(b.position() + pad4((int) descSize) - (int) descSize);
        int len = n.length;
        while (len > 0 && n[len - 1] == 0) {
            len--;
        }
        return new ElfNote(new String(n, 0, len, StandardCharsets.US_ASCII), type, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElfNote e && name.equals(e.name) && type == e.type && Arrays.equals(desc, e.desc);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type + Arrays.hashCode(desc);
    }

    @Override
    public String toString() {
        return "ElfNote[" + name + ", type 0x" + Integer.toHexString(type) + ", " + desc.length + " bytes]";
    }
}
