package io.sadump.device.dumptool;

import java.nio.charset.StandardCharsets;

/**
 * The dump tools a device can carry, identified by the 8-byte magic at the tool's start: 7 ASCII
 * characters and a version byte.
 *
 * <p>Source: docs/formats.md §4.3 ({@code XECKD64} v2 = {@code 0x5845434b44363402}, size
 * 0x8000; {@code XMULT64} v2 = {@code 0x584d554c54363402}, size 0x4000; version 1 of both: 0x3000).
 * {@code XTAPE64} is sadump's own marker for its tape tool (the zipl tape tool is identified
 * differently); it sits in the tape tool block after the IPL PSW, CCWs and code.
 */
public enum DumpToolKind {
    /** Single-volume ECKD DASD dump tool (zlib capable). */
    ECKD_SINGLE("XECKD64", 2, 0x8000, "Single-volume DASD dump tool"),
    /** Multi-volume ECKD DASD dump tool. */
    ECKD_MULTI("XMULT64", 2, 0x4000, "Multi-volume DASD dump tool"),
    /** Tape dump tool (sadump's marker). */
    TAPE("XTAPE64", 1, 0x1000, "Tape dump tool");

    /** The tool size of version 1 of the DASD tools. */
    public static final int VERSION1_SIZE = 0x3000;

    private final String name;
    private final int version;
    private final int size;
    private final String description;

    DumpToolKind(String name, int version, int size, String description) {
        this.name = name;
        this.version = version;
        this.size = size;
        this.description = description;
    }

    /** The 7-character name, e.g. {@code XECKD64}. */
    public String magicName() {
        return name;
    }

    /** The version sadump writes. */
    public int version() {
        return version;
    }

    /** The tool size in bytes for the version sadump writes. */
    public int size() {
        return size;
    }

    /** The tool size for a given version. */
    public int size(int version) {
        return this != TAPE && version == 1 ? VERSION1_SIZE : size;
    }

    /** What zgetdump -d calls it, with "(64 bit)". */
    public String description() {
        return description + " (64 bit)";
    }

    /** The 8-byte magic as a big-endian number: the name's ASCII bytes, then the version. */
    public long magic() {
        return magic(version);
    }

    public long magic(int v) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        long m = 0;
        for (byte c : n) {
            m = (m << 8) | (c & 0xFF);
        }
        return (m << 8) | (v & 0xFF);
    }

    /** The kind whose name is the first 7 bytes of {@code magic}, or null. */
    public static DumpToolKind ofMagic(long magic) {
        for (DumpToolKind k : values()) {
            if ((k.magic(0) >>> 8) == (magic >>> 8)) {
                return k;
            }
        }
        return null;
    }
}
