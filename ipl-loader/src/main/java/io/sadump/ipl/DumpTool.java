package io.sadump.ipl;

import io.sadump.machine.Sizes;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The dump tool found on the IPL device and the parameters zipl patched into its parm tail
 * ({@code struct stage2dump_parm_tail}, 16 bytes at the end of the tool: {@code reserved[6]},
 * {@code no_compress u8}, {@code mvdump_force u8}, {@code mem_upper_limit u64}; reference
 * s390-tools-dump.md §1.4).
 *
 * @param kind which dumper
 * @param version the magic's version byte
 * @param noCompress the {@code --no-compress} attribute
 * @param force the multi-volume {@code --force} attribute (skip the signature check)
 * @param memoryLimit {@code mem_upper_limit}; {@link #NO_LIMIT} (all ones) for none
 */
public record DumpTool(DumpToolKind kind, int version, boolean noCompress, boolean force, long memoryLimit) {
    /** {@code mem_upper_limit} of a tool without a size limit. */
    public static final long NO_LIMIT = -1L;
    /** Size of the parm tail at the end of the tool. */
    public static final int PARM_TAIL_SIZE = 16;
    static final int TAIL_NO_COMPRESS = 6;
    static final int TAIL_FORCE = 7;
    static final int TAIL_MEM_LIMIT = 8;

    public DumpTool {
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * Decodes a dump tool from its first bytes (at least {@link DumpToolKind#toolSize} of its version).
     *
     * @param where names the device and block for error messages
     * @throws IplException when there is no known magic or version
     */
    public static DumpTool read(byte[] tool, String where) {
        return read(tool, where, true);
    }

    private static DumpTool read(byte[] tool, String where, boolean withTail) {
        if (tool.length < 8) {
            throw new IplException(where + ": too short for a dump tool");
        }
        DumpToolKind kind = DumpToolKind.byMagic(tool);
        if (kind == null) {
            throw new IplException(String.format("%s holds no dump tool: it starts with 0x%016X, not XECKD64 or "
                    + "XMULT64 (prepare the device as a dump device first)", where, ByteBuffer.wrap(tool).getLong(0)));
        }
        int version = tool[7] & 0xFF;
        int size = kind.toolSize(version);
        if (size < 0) {
            throw new IplException(String.format("%s: dump tool %s version %d is unknown (1 and 2 are)", where,
                    kind.magic(), version));
        }
        if (!withTail) {
            return new DumpTool(kind, version, false, false, NO_LIMIT);
        }
        if (tool.length < size) {
            throw new IplException(String.format("%s: dump tool %s v%d needs 0x%X bytes, only 0x%X were read", where,
                    kind.magic(), version, size, tool.length));
        }
        ByteBuffer tail = ByteBuffer.wrap(tool, size - PARM_TAIL_SIZE, PARM_TAIL_SIZE).slice();
        return new DumpTool(kind, version, tail.get(TAIL_NO_COMPRESS) != 0, tail.get(TAIL_FORCE) != 0,
                tail.getLong(TAIL_MEM_LIMIT));
    }

    /**
     * Checks the magic and version only (the first block of the tool), so the caller knows how much to
     * read; the parameters of the result are the defaults.
     */
    static DumpTool readMagicOnly(byte[] first, String where) {
        DumpTool probe = read(padTo(first, 8), where, false);
        return probe;
    }

    private static byte[] padTo(byte[] b, int n) {
        return b.length >= n ? b : java.util.Arrays.copyOf(b, n);
    }

    /** The tool's size in bytes. */
    public int size() {
        return kind.toolSize(version);
    }

    public boolean hasLimit() {
        return memoryLimit != NO_LIMIT;
    }

    /** "XECKD64 v2 (single-volume ECKD, compression on, no size limit)". */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(kind.magic()).append(" v").append(version).append(" (").append(kind.description());
        if (kind == DumpToolKind.ECKD_SINGLE) {
            sb.append(noCompress ? ", no compression" : ", compression on");
        }
        if (kind == DumpToolKind.ECKD_MULTI && force) {
            sb.append(", force");
        }
        sb.append(hasLimit() ? ", size limit " + Sizes.format(memoryLimit) : ", no size limit").append(')');
        return sb.toString();
    }
}
