package io.sadump.meminfo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The meminfo page: upstream {@code struct os_info} (packed, exactly 4096 bytes, page-aligned;
 * docs/abi.md §5) with the sadump entry 13 {@code KDUMP_SEGMENTS}
 * (docs/abi.md §5.3).
 *
 * <pre>
 * 0x000  8  magic "OSINFOSZ"
 * 0x008  4  csum = CKSM of [0x00C, 0x1000)
 * 0x00C  2  version_major
 * 0x00E  2  version_minor
 * 0x010  8  crashkernel_addr
 * 0x018  8  crashkernel_size
 * 0x020 20  entry[i] at 0x20 + 20*i, i = 0..13 (13 = KDUMP_SEGMENTS, upstream's reserved area)
 * 0x138     reserved up to 0x1000 (kept raw so a read-write round trip is byte-identical)
 * </pre>
 *
 * A record is a decoded page as it is, valid or not: {@link #read} never rejects a page, so the
 * verdict can say what is wrong. The {@code with...} methods keep the stored {@code csum}; {@link
 * #withComputedChecksum()} seals the page as the kernel does after every change.
 *
 * @param magic the first 8 bytes, {@link #MAGIC} in a valid page
 * @param csum the stored header checksum
 * @param entries exactly {@link MeminfoEntryIndex#COUNT} entries
 * @param reserved exactly {@link #RESERVED_SIZE} raw bytes
 */
public record MeminfoPage(
        long magic,
        int csum,
        int versionMajor,
        int versionMinor,
        long crashkernelAddr,
        long crashkernelSize,
        List<MeminfoEntry> entries,
        byte[] reserved) {

    /** Size of the page ({@code BUILD_BUG_ON(sizeof(struct os_info) != PAGE_SIZE)}). */
    public static final int SIZE = 4096;
    /** Required alignment of the page and of the lowcore pointer to it. */
    public static final int ALIGNMENT = 4096;
    /** {@code OS_INFO_MAGIC}: the ASCII bytes "OSINFOSZ". */
    public static final long MAGIC = 0x4F53_494E_464F_535AL;
    /** {@code OS_INFO_VERSION_MAJOR}; readers refuse a larger major ({@code OS_INFO_VERSION_MAJOR_SUPPORTED}). */
    public static final int VERSION_MAJOR = 1;
    /** {@code OS_INFO_VERSION_MINOR} of upstream. */
    public static final int VERSION_MINOR_UPSTREAM = 1;
    /** The minor version sadump writes when entry 13 {@code KDUMP_SEGMENTS} is present. */
    public static final int VERSION_MINOR_KDUMP_SEGMENTS = 2;

    public static final int MAGIC_OFFSET = 0x000;
    public static final int CSUM_OFFSET = 0x008;
    public static final int VERSION_MAJOR_OFFSET = 0x00C;
    public static final int VERSION_MINOR_OFFSET = 0x00E;
    public static final int CRASHKERNEL_ADDR_OFFSET = 0x010;
    public static final int CRASHKERNEL_SIZE_OFFSET = 0x018;
    public static final int ENTRIES_OFFSET = 0x020;
    /** The checksummed range starts at {@code version_major}: magic and csum lie outside it. */
    public static final int CSUM_START = VERSION_MAJOR_OFFSET;
    /** Length of the checksummed range [0x00C, 0x1000): 4084 bytes. */
    public static final int CSUM_LENGTH = SIZE - CSUM_START;
    /** Start of the bytes after the last entry this layout knows (0x138). */
    public static final int RESERVED_OFFSET = ENTRIES_OFFSET + MeminfoEntry.SIZE * MeminfoEntryIndex.COUNT;
    public static final int RESERVED_SIZE = SIZE - RESERVED_OFFSET;

    public MeminfoPage {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(reserved, "reserved");
        if (entries.size() != MeminfoEntryIndex.COUNT) {
            throw new IllegalArgumentException("a meminfo page has " + MeminfoEntryIndex.COUNT + " entries, got "
                    + entries.size());
        }
        if (reserved.length != RESERVED_SIZE) {
            throw new IllegalArgumentException("the reserved area of a meminfo page has " + RESERVED_SIZE
                    + " bytes, got " + reserved.length);
        }
        if (versionMajor < 0 || versionMajor > 0xFFFF || versionMinor < 0 || versionMinor > 0xFFFF) {
            throw new IllegalArgumentException("meminfo versions are u16");
        }
        entries = List.copyOf(entries);
        reserved = reserved.clone();
    }

    /**
     * A fresh page as {@code os_info_init} makes it: magic, version 1.1, no crashkernel, no entries,
     * header checksum computed.
     */
    public static MeminfoPage empty() {
        List<MeminfoEntry> none = new ArrayList<>();
        for (int i = 0; i < MeminfoEntryIndex.COUNT; i++) {
            none.add(MeminfoEntry.ABSENT);
        }
        return new MeminfoPage(MAGIC, 0, VERSION_MAJOR, VERSION_MINOR_UPSTREAM, 0, 0, none, new byte[RESERVED_SIZE])
                .withComputedChecksum();
    }

    /** Decodes 4096 bytes at the buffer's position (big-endian); never rejects content. */
    public static MeminfoPage read(ByteBuffer in) {
        if (in.remaining() < SIZE) {
            throw new MeminfoFormatException("a meminfo page needs " + SIZE + " bytes, only " + in.remaining()
                    + " are left");
        }
        long magic = in.getLong();
        int csum = in.getInt();
        int major = in.getShort() & 0xFFFF;
        int minor = in.getShort() & 0xFFFF;
        long ckAddr = in.getLong();
        long ckSize = in.getLong();
        List<MeminfoEntry> entries = new ArrayList<>(MeminfoEntryIndex.COUNT);
        for (int i = 0; i < MeminfoEntryIndex.COUNT; i++) {
            entries.add(MeminfoEntry.read(in));
        }
        byte[] reserved = new byte[RESERVED_SIZE];
        in.get(reserved);
        return new MeminfoPage(magic, csum, major, minor, ckAddr, ckSize, entries, reserved);
    }

    /** Decodes a 4096-byte array. */
    public static MeminfoPage read(byte[] page) {
        return read(ByteBuffer.wrap(page));
    }

    /** Writes 4096 bytes at the buffer's position, exactly as stored (the csum field is not recomputed). */
    public void write(ByteBuffer out) {
        out.putLong(magic).putInt(csum).putShort((short) versionMajor).putShort((short) versionMinor)
                .putLong(crashkernelAddr).putLong(crashkernelSize);
        for (MeminfoEntry e : entries) {
            e.write(out);
        }
        out.put(reserved);
    }

    /** The 4096 bytes of the page as stored. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    /** The CKSM of bytes [0x00C, 0x1000) of the page as it would be written. */
    public int computeChecksum() {
        return Cksm.of(toBytes(), CSUM_START, CSUM_LENGTH);
    }

    /** True when the stored csum equals {@link #computeChecksum()}. */
    public boolean checksumValid() {
        return csum == computeChecksum();
    }

    public boolean magicValid() {
        return magic == MAGIC;
    }

    /** The magic as 8 characters (non-printable bytes shown as '.'). */
    public String magicText() {
        byte[] b = ByteBuffer.allocate(8).putLong(magic).array();
        for (int i = 0; i < b.length; i++) {
            if (b[i] < 0x20 || b[i] > 0x7E) {
                b[i] = '.';
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    public MeminfoEntry entry(MeminfoEntryIndex index) {
        return entries.get(index.index());
    }

    /** True when entry 13 {@code KDUMP_SEGMENTS} is present (not all zero). */
    public boolean hasKdumpSegments() {
        return !entry(MeminfoEntryIndex.KDUMP_SEGMENTS).isAbsent();
    }

    /** The raw reserved bytes from 0x138 (a copy). */
    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    // -- copies with one change; the stored csum is kept ---------------------------------------

    /** The same page with the header csum set to {@link #computeChecksum()}. */
    public MeminfoPage withComputedChecksum() {
        return withChecksum(computeChecksum());
    }

    public MeminfoPage withChecksum(int newCsum) {
        return new MeminfoPage(magic, newCsum, versionMajor, versionMinor, crashkernelAddr, crashkernelSize, entries,
                reserved);
    }

    public MeminfoPage withMagic(long newMagic) {
        return new MeminfoPage(newMagic, csum, versionMajor, versionMinor, crashkernelAddr, crashkernelSize, entries,
                reserved);
    }

    public MeminfoPage withVersion(int major, int minor) {
        return new MeminfoPage(magic, csum, major, minor, crashkernelAddr, crashkernelSize, entries, reserved);
    }

    public MeminfoPage withCrashkernel(long addr, long size) {
        return new MeminfoPage(magic, csum, versionMajor, versionMinor, addr, size, entries, reserved);
    }

    public MeminfoPage withEntry(MeminfoEntryIndex index, MeminfoEntry entry) {
        List<MeminfoEntry> list = new ArrayList<>(entries);
        list.set(index.index(), Objects.requireNonNull(entry, "entry"));
        return new MeminfoPage(magic, csum, versionMajor, versionMinor, crashkernelAddr, crashkernelSize, list,
                reserved);
    }

    public MeminfoPage withoutEntry(MeminfoEntryIndex index) {
        return withEntry(index, MeminfoEntry.ABSENT);
    }

    public MeminfoPage withReserved(byte[] newReserved) {
        return new MeminfoPage(magic, csum, versionMajor, versionMinor, crashkernelAddr, crashkernelSize, entries,
                newReserved);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeminfoPage && Arrays.equals(toBytes(), ((MeminfoPage) o).toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return String.format("MeminfoPage[magic=%s, csum=0x%08X, version=%d.%d, crashkernel=0x%X+0x%X, entries=%s]",
                magicText(), csum, versionMajor, versionMinor, crashkernelAddr, crashkernelSize, entries);
    }
}
