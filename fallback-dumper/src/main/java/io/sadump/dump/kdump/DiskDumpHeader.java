package io.sadump.dump.kdump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * makedumpfile's {@code struct disk_dump_header}, 64-bit layout, at file offset 0 (reference
 * kdump-compressed.md §1.2). Integers are in the dumped machine's byte order: big-endian for s390x.
 *
 * @param signature {@link #KDUMP_SIGNATURE} or the old {@link #DISKDUMP_SIGNATURE}
 * @param utsname the six 65-byte {@code new_utsname} fields as the kernel's {@code init_uts_ns} holds them
 * @param maxMapnr the 32-bit field; the full value is the sub-header's {@code max_mapnr_64}
 */
public record DiskDumpHeader(String signature, int headerVersion, byte[] utsname, long timestampSeconds,
        long timestampMicros, int status, int blockSize, int subHeaderBlocks, long bitmapBlocks, long maxMapnr,
        int nrCpus) {
    /** Bytes makedumpfile writes; the rest of block 0 is zero (§1.1). */
    public static final int SIZE = 464;
    /** {@code KDUMP_SIGNATURE}: "KDUMP" and three spaces, no NUL (§1.2). */
    public static final String KDUMP_SIGNATURE = "KDUMP   ";
    /** {@code DISK_DUMP_SIGNATURE} of the old diskdump, which readers accept too (§1.2). */
    public static final String DISKDUMP_SIGNATURE = "DISKDUMP";
    public static final int SIGNATURE_SIZE = 8;
    /** makedumpfile always writes header version 6 (§1.2). */
    public static final int HEADER_VERSION = 6;
    /** {@code struct new_utsname}: six fields of {@code __NEW_UTS_LEN + 1} bytes (§1.2). */
    public static final int UTS_FIELD = 65;
    public static final int UTSNAME_SIZE = 6 * UTS_FIELD;

    static final int OFF_VERSION = 8;
    static final int OFF_UTSNAME = 12;
    static final int OFF_TV_SEC = 408;
    static final int OFF_TV_USEC = 416;
    static final int OFF_STATUS = 424;
    static final int OFF_BLOCK_SIZE = 428;
    static final int OFF_SUB_HDR_SIZE = 432;
    static final int OFF_BITMAP_BLOCKS = 436;
    static final int OFF_MAX_MAPNR = 440;
    /** total_ram_blocks, device_blocks, written_blocks, current_cpu: all 0 as makedumpfile writes them. */
    static final int OFF_UNUSED = 444;
    static final int OFF_NR_CPUS = 460;

    /** Status bits (§1.2, §1.5): the run's compression, and an incomplete dump. */
    public static final int DUMP_DH_COMPRESSED_ZLIB = 0x1;
    public static final int DUMP_DH_COMPRESSED_LZO = 0x2;
    public static final int DUMP_DH_COMPRESSED_SNAPPY = 0x4;
    public static final int DUMP_DH_COMPRESSED_INCOMPLETE = 0x8;
    public static final int DUMP_DH_EXCLUDED_VMEMMAP = 0x10;
    public static final int DUMP_DH_COMPRESSED_ZSTD = 0x20;

    public DiskDumpHeader {
        if (signature.length() != SIGNATURE_SIZE) {
            throw new IllegalArgumentException("a signature has 8 characters, not '" + signature + "'");
        }
        if (utsname.length != UTSNAME_SIZE) {
            throw new IllegalArgumentException("utsname has " + UTSNAME_SIZE + " bytes, not " + utsname.length);
        }
        utsname = utsname.clone();
    }

    @Override
    public byte[] utsname() {
        return utsname.clone();
    }

    /** Field {@code index} (0 sysname .. 5 domainname) of the utsname, up to its NUL. */
    public String utsField(int index) {
        int from = index * UTS_FIELD;
        int end = from;
        while (end < from + UTS_FIELD && utsname[end] != 0) {
            end++;
        }
        return new String(utsname, from, end - from, StandardCharsets.ISO_8859_1);
    }

    public boolean incomplete() {
        return (status & DUMP_DH_COMPRESSED_INCOMPLETE) != 0;
    }

    public DiskDumpHeader withStatus(int s) {
        return new DiskDumpHeader(signature, headerVersion, utsname, timestampSeconds, timestampMicros, s, blockSize,
                subHeaderBlocks, bitmapBlocks, maxMapnr, nrCpus);
    }

    /** Whether {@code head} starts with a kdump-compressed or diskdump signature. */
    public static boolean hasSignature(byte[] head, int length) {
        if (length < SIGNATURE_SIZE) {
            return false;
        }
        String s = new String(head, 0, SIGNATURE_SIZE, StandardCharsets.ISO_8859_1);
        return s.equals(KDUMP_SIGNATURE) || s.equals(DISKDUMP_SIGNATURE);
    }

    public void write(ByteBuffer dst) {
        ByteBuffer b = dst.slice().order(ByteOrder.BIG_ENDIAN);
        b.put(signature.getBytes(StandardCharsets.ISO_8859_1));
        b.putInt(OFF_VERSION, headerVersion);
        b.put(OFF_UTSNAME, utsname);
        b.putLong(OFF_TV_SEC, timestampSeconds);
        b.putLong(OFF_TV_USEC, timestampMicros);
        b.putInt(OFF_STATUS, status);
        b.putInt(OFF_BLOCK_SIZE, blockSize);
        b.putInt(OFF_SUB_HDR_SIZE, subHeaderBlocks);
        b.putInt(OFF_BITMAP_BLOCKS, (int) bitmapBlocks);
        b.putInt(OFF_MAX_MAPNR, (int) maxMapnr);
        for (int o = OFF_UNUSED; o < OFF_NR_CPUS; o += 4) {
            b.putInt(o, 0);
        }
        b.putInt(OFF_NR_CPUS, nrCpus);
        dst.position(dst.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        write(b);
        return b.array();
    }

    /** Reads the header at the buffer's position (big-endian, the s390x byte order). */
    public static DiskDumpHeader read(ByteBuffer src) {
        ByteBuffer b = src.slice().order(ByteOrder.BIG_ENDIAN);
        byte[] sig = new byte[SIGNATURE_SIZE];
        b.get(0, sig);
        byte[] uts = new byte[UTSNAME_SIZE];
        b.get(OFF_UTSNAME, uts);
        DiskDumpHeader h = new DiskDumpHeader(new String(sig, StandardCharsets.ISO_8859_1), b.getInt(OFF_VERSION), uts,
                b.getLong(OFF_TV_SEC), b.getLong(OFF_TV_USEC), b.getInt(OFF_STATUS), b.getInt(OFF_BLOCK_SIZE),
                b.getInt(OFF_SUB_HDR_SIZE), b.getInt(OFF_BITMAP_BLOCKS) & 0xFFFF_FFFFL,
                b.getInt(OFF_MAX_MAPNR) & 0xFFFF_FFFFL, b.getInt(OFF_NR_CPUS));
        src.position(src.position() + SIZE);
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiskDumpHeader h && signature.equals(h.signature) && headerVersion == h.headerVersion
                && Arrays.equals(utsname, h.utsname) && timestampSeconds == h.timestampSeconds
                && timestampMicros == h.timestampMicros && status == h.status && blockSize == h.blockSize
                && subHeaderBlocks == h.subHeaderBlocks && bitmapBlocks == h.bitmapBlocks && maxMapnr == h.maxMapnr
                && nrCpus == h.nrCpus;
    }

    @Override
    public int hashCode() {
        return 31 * signature.hashCode() + Arrays.hashCode(utsname) + Long.hashCode(maxMapnr);
    }
}
