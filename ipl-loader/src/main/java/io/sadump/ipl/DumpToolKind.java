package io.sadump.ipl;

import java.nio.charset.StandardCharsets;

/**
 * The zipl dump tools the IPL model recognizes by their magic at DASD block 3 (reference
 * s390-tools-dump.md §1.4): 7 ASCII characters and a version byte.
 */
public enum DumpToolKind {
    /** Single-volume ECKD dumper, s390_ext with zlib: {@code XECKD64}. */
    ECKD_SINGLE("XECKD64", "single-volume ECKD", 0x3000, 0x8000),
    /** Multi-volume ECKD dumper: {@code XMULT64}; its volume table follows the tool. */
    ECKD_MULTI("XMULT64", "multi-volume ECKD", 0x3000, 0x4000);

    private final String magic;
    private final String description;
    private final int sizeV1;
    private final int sizeV2;

    DumpToolKind(String magic, String description, int sizeV1, int sizeV2) {
        this.magic = magic;
        this.description = description;
        this.sizeV1 = sizeV1;
        this.sizeV2 = sizeV2;
    }

    /** The 7 magic characters. */
    public String magic() {
        return magic;
    }

    public String description() {
        return description;
    }

    /** The 8-byte magic with {@code version} in the last byte, e.g. 0x5845434b44363402 for XECKD64 v2. */
    public long magicValue(int version) {
        byte[] b = magic.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return (v << 8) | (version & 0xFF);
    }

    /**
     * The size of the dump tool of that version (the parm tail is its last 16 bytes); -1 for an unknown
     * version.
     */
    public int toolSize(int version) {
        return switch (version) {
            case 1 -> sizeV1;
            case 2 -> sizeV2;
            default -> -1;
        };
    }

    /** The kind whose magic starts {@code firstEight}, or null. */
    static DumpToolKind byMagic(byte[] firstEight) {
        String s = new String(firstEight, 0, 7, StandardCharsets.US_ASCII);
        for (DumpToolKind k : values()) {
            if (k.magic.equals(s)) {
                return k;
            }
        }
        return null;
    }
}
