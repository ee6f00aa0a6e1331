package io.sadump.device.dumptool;

import io.sadump.machine.DeviceNumber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The 512-byte multi-volume parameter table that {@code zipl -M} writes after the XMULT64 tool on every
 * volume (packed, big-endian): u64 timestamp, u16 num_param, 32 x {@code struct mvdump_param}
 * {u16 devno, u32 start_blk, u32 end_blk, u8 blocksize (bytes >> 8), u8 bpt, u8 num_heads}
 * (13 bytes each), u8 ssid[32], padding.
 *
 * <p>Source: docs/formats.md §5. The timestamp is zipl's time,
 * {@code (tv_sec << 20) + tv_usec}.
 */
public record MultiVolumeTable(long timestamp, List<Volume> volumes) {
    public static final int SIZE = 512;
    public static final int MAX_VOLUMES = 32;
    static final int OFF_NUM_PARAM = 8;
    static final int OFF_PARAMS = 10;
    static final int PARAM_SIZE = 13;
    static final int OFF_SSID = OFF_PARAMS + MAX_VOLUMES * PARAM_SIZE;

    /**
     * One volume of the set.
     *
     * @param device its bus id (the ssid goes to the ssid array)
     * @param startBlock first block of its dump partition
     * @param endBlock last block of its dump partition
     * @param blockSize bytes per block (4096)
     * @param blocksPerTrack 12
     * @param heads 15
     */
    public record Volume(DeviceNumber device, long startBlock, long endBlock, int blockSize, int blocksPerTrack,
            int heads) {
        public Volume {
            if (startBlock < 0 || endBlock < startBlock || endBlock > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("a volume's blocks must be 0 <= start <= end < 2^32, got "
                        + startBlock + ".." + endBlock);
            }
            if (blockSize % 256 != 0 || blockSize / 256 > 0xFF || blocksPerTrack > 0xFF || heads > 0xFF) {
                throw new IllegalArgumentException("invalid geometry: block size " + blockSize + ", " + blocksPerTrack
                        + " blocks per track, " + heads + " heads");
            }
        }
    }

    public MultiVolumeTable {
        if (volumes.isEmpty() || volumes.size() > MAX_VOLUMES) {
            throw new IllegalArgumentException("a multi-volume dump has 1.." + MAX_VOLUMES + " volumes, got "
                    + volumes.size());
        }
        volumes = List.copyOf(volumes);
    }

    /** zipl's time stamp of a moment: seconds shifted left by 20 plus microseconds. */
    public static long timestampOf(java.time.Instant t) {
        return (t.getEpochSecond() << 20) + t.getNano() / 1000;
    }

    /** The moment a time stamp stands for. */
    public static java.time.Instant instantOf(long timestamp) {
        return java.time.Instant.ofEpochSecond(timestamp >>> 20, (timestamp & 0xFFFFF) * 1000);
    }

    /**
     * Reads 512 bytes.
     *
     * @throws IllegalArgumentException if fewer than 512 bytes remain, num_param is not 1..32 or an entry is
     *     invalid
     */
    public static MultiVolumeTable read(ByteBuffer buf) {
        if (buf.remaining() < SIZE) {
            throw new IllegalArgumentException("multi-volume table is " + buf.remaining() + " bytes, shorter than "
                    + SIZE);
        }
        ByteBuffer b = buf.slice();
        long ts = b.getLong(0);
        int n = Short.toUnsignedInt(b.getShort(OFF_NUM_PARAM));
        if (n < 1 || n > MAX_VOLUMES) {
            throw new IllegalArgumentException("multi-volume table lists " + n + " volumes (1.." + MAX_VOLUMES + ")");
        }
        List<Volume> vols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = OFF_PARAMS + i * PARAM_SIZE;
            int devno = Short.toUnsignedInt(b.getShort(o));
            long start = Integer.toUnsignedLong(b.getInt(o + 2));
            long end = Integer.toUnsignedLong(b.getInt(o + 6));
            int bs = Byte.toUnsignedInt(b.get(o + 10)) << 8;
            int bpt = Byte.toUnsignedInt(b.get(o + 11));
            int heads = Byte.toUnsignedInt(b.get(o + 12));
            int ssid = Byte.toUnsignedInt(b.get(OFF_SSID + i));
            vols.add(new Volume(new DeviceNumber(0, ssid & 3, devno), start, end, bs, bpt, heads));
        }
        buf.position(buf.position() + SIZE);
        return new MultiVolumeTable(ts, vols);
    }

    /** Writes 512 bytes (padding zero). */
    public void write(ByteBuffer buf) {
        ByteBuffer b = buf.slice();
        for (int i = 0; i < SIZE; i++) {
            b.put(i, (byte) 0);
        }
        b.putLong(0, timestamp);
        b.putShort(OFF_NUM_PARAM, (short) volumes.size());
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            int o = OFF_PARAMS + i * PARAM_SIZE;
            b.putShort(o, (short) v.device().devno());
            b.putInt(o + 2, (int) v.startBlock());
            b.putInt(o + 6, (int) v.endBlock());
            b.put(o + 10, (byte) (v.blockSize() >> 8));
            b.put(o + 11, (byte) v.blocksPerTrack());
            b.put(o + 12, (byte) v.heads());
            b.put(OFF_SSID + i, (byte) v.device().ssid());
        }
        buf.position(buf.position() + SIZE);
    }
}
