package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.Lowcore;
import io.sadump.meminfo.Cksm;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Optional;

/**
 * The re-IPL parameter block the dumper finds through lowcore 0x0E00, checked as zipl's {@code
 * dump_exit} checks it (docs/abi.md §10): pointer non-zero, then {@code cksm(ipib,
 * ipib->hdr.len)} equal to the u32 at 0x0E08. The CCW parameter block names the device to re-IPL
 * ({@code ipl_pl_hdr} 8 bytes, then {@code ipl_pb0_ccw}: len u32, pbt u8 = 2, ..., devno u16 at +0x0A,
 * loadparm 8 EBCDIC bytes at +0x0E; docs/abi.md §10).
 *
 * @param address where the block is (absolute, in the memory it was read from)
 * @param length {@code hdr.len}
 * @param device the CCW device to IPL, when the block is a CCW block
 * @param loadparm its loadparm, blanks stripped
 */
public record Ipib(long address, int length, Optional<DeviceNumber> device, String loadparm) {
    /** Size of {@code ipl_pl_hdr}. */
    static final int HEADER_SIZE = 8;
    /** {@code ipl_pb0_ccw} offsets, relative to the parameter block. */
    static final int PB_TYPE = 4;
    static final int PB_DEVNO = 0x0A;
    static final int PB_LOADPARM = 0x0E;
    static final int LOADPARM_SIZE = 8;
    /** Parameter block type CCW. */
    static final int PBT_CCW = 2;
    /** A bound on {@code hdr.len}: an IPIB fits in a page. */
    static final int MAX_LENGTH = 4096;
    private static final Charset EBCDIC = Charset.forName("IBM037");

    /** Reads memory (absolute storage, or old memory through the kdump mapping). */
    @FunctionalInterface
    public interface MemoryReader {
        void read(long address, byte[] dst);
    }

    /** The outcome of the check: a valid block, or why there is none. */
    public record Check(Optional<Ipib> ipib, String reason) {
        public boolean valid() {
            return ipib.isPresent();
        }
    }

    /** Checks the IPIB of absolute storage. */
    public static Check find(AbsoluteStorage storage) {
        return find((a, dst) -> storage.read(a, dst, 0, dst.length), storage.size());
    }

    /** Checks the IPIB {@code memory} holds; {@code memorySize} bounds every address. */
    public static Check find(MemoryReader memory, long memorySize) {
        byte[] lc = new byte[12];
        memory.read(Lowcore.IPIB_POINTER, lc);
        ByteBuffer b = ByteBuffer.wrap(lc);
        long pointer = b.getLong(0);
        int checksum = b.getInt((int) (Lowcore.IPIB_CHECKSUM - Lowcore.IPIB_POINTER));
        if (pointer == 0) {
            return new Check(Optional.empty(), String.format("no IPIB: the pointer at 0x%04X is 0",
                    Lowcore.IPIB_POINTER));
        }
        if (pointer < 0 || pointer > memorySize - HEADER_SIZE) {
            return new Check(Optional.empty(), String.format("IPIB pointer 0x%X lies outside memory", pointer));
        }
        byte[] hdr = new byte[HEADER_SIZE];
        memory.read(pointer, hdr);
        int len = ByteBuffer.wrap(hdr).getInt(0);
        if (len < HEADER_SIZE || len > MAX_LENGTH || pointer > memorySize - len) {
            return new Check(Optional.empty(), String.format("IPIB at 0x%X has an impossible length %d", pointer, len));
        }
        byte[] block = new byte[len];
        memory.read(pointer, block);
        int computed = Cksm.of(block);
        if (computed != checksum) {
            return new Check(Optional.empty(), String.format(
                    "IPIB at 0x%X: checksum is 0x%08X, lowcore 0x%04X says 0x%08X", pointer, computed,
                    Lowcore.IPIB_CHECKSUM, checksum));
        }
        ByteBuffer ib = ByteBuffer.wrap(block);
        Optional<DeviceNumber> device = Optional.empty();
        String loadparm = "";
        if (len >= HEADER_SIZE + PB_LOADPARM + LOADPARM_SIZE && (ib.get(HEADER_SIZE + PB_TYPE) & 0xFF) == PBT_CCW) {
            device = Optional.of(new DeviceNumber(0, 0, Short.toUnsignedInt(ib.getShort(HEADER_SIZE + PB_DEVNO))));
            loadparm = new String(block, HEADER_SIZE + PB_LOADPARM, LOADPARM_SIZE, EBCDIC).strip();
        }
        Ipib ipib = new Ipib(pointer, len, device, loadparm);
        return new Check(Optional.of(ipib), "IPIB at 0x" + Long.toHexString(pointer).toUpperCase() + " is valid");
    }

    /** "CCW device 0.0.0150 loadparm 1" or "a non-CCW target". */
    public String target() {
        return device.map(d -> "CCW device " + d + (loadparm.isEmpty() ? "" : " loadparm " + loadparm))
                .orElse("the IPIB's target");
    }
}
