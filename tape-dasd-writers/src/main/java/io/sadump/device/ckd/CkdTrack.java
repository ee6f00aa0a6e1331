package io.sadump.device.ckd;

import io.sadump.device.ImageFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The content of one CKD track as it sits in a 56832-byte image slot (big-endian inside):
 *
 * <pre>
 * +0   home address: bin(1) = 0, CC(2), HH(2)
 * +5   R0 count: CC HH R=0 KL=0 DL=8, then 8 bytes of R0 data
 * +21  R1.. : count(8) key(KL) data(DL), packed
 *      end-of-track marker: 8 x 0xFF, then zeros to the end of the slot
 * </pre>
 *
 * <p>Source: docs/formats.md §6.2 (and the checks of {@code ckddasd.c} and
 * {@code cckdutil.c} cdsk_valid_trk). A track with no user records is a "null track"
 * (Hercules null format 1: HA, R0, EOT).
 *
 * @param cyl the track's cylinder
 * @param head the track's head
 * @param records user records R1.. in the order they sit on the track
 */
public record CkdTrack(int cyl, int head, List<CkdRecord> records) {
    /** Home address length. */
    public static final int HA_SIZE = 5;
    /** R0 data length. */
    public static final int R0_DATA_LENGTH = 8;
    /** Offset of R1's count field. */
    public static final int FIRST_RECORD_OFFSET = HA_SIZE + CkdCount.SIZE + R0_DATA_LENGTH;
    /** The end-of-track marker: 8 bytes of 0xFF. */
    public static final int EOT_SIZE = 8;
    /** The end-of-track marker: eight 0xFF bytes. */
    private static final long END_OF_TRACK = -1L;
    /** The zeros after the end-of-track marker, up to the slot's end. */
    private static final byte[] SLOT_ZEROS = new byte[CkdGeometry.TRACK_SIZE];
    /** Bytes a null track uses (HA + R0 + EOT). */
    public static final int NULL_TRACK_LENGTH = FIRST_RECORD_OFFSET + EOT_SIZE;
    /** A dump block: one keyless 4096-byte record. */
    public static final int BLOCK_SIZE = 4096;
    /** 4096-byte records per 3390 track ({@link Capacity3390}). */
    public static final int BLOCKS_PER_TRACK = 12;

    public CkdTrack {
        if (cyl < 0 || cyl > 0xFFFF || head < 0 || head >= CkdGeometry.HEADS) {
            throw new IllegalArgumentException("not a 3390 track: cyl " + cyl + " head " + head);
        }
        records = List.copyOf(records);
    }

    /** An empty (null, format 1) track. */
    public static CkdTrack empty(int track) {
        return new CkdTrack(track / CkdGeometry.HEADS, track % CkdGeometry.HEADS, List.of());
    }

    /** Absolute track number. */
    public int track() {
        return cyl * CkdGeometry.HEADS + head;
    }

    /** Bytes the track uses in its slot: HA, R0, records, EOT. */
    public int imageLength() {
        int n = FIRST_RECORD_OFFSET + EOT_SIZE;
        for (CkdRecord r : records) {
            n += CkdCount.SIZE + r.keyLength() + r.dataLength();
        }
        return n;
    }

    /** The user records' count fields. */
    public List<CkdCount> counts() {
        List<CkdCount> c = new ArrayList<>(records.size());
        for (CkdRecord r : records) {
            c.add(r.count());
        }
        return c;
    }

    /**
     * Checks that the records can be written on a 3390 track: R is 1..255 and each record's CC HH is the
     * track's own, they fit the real track capacity and the image slot.
     *
     * @throws TrackCapacityException if they do not fit a real 3390 track
     * @throws InvalidTrackFormatException if a record is not addressed to this track
     */
    public void checkWritable(String device) throws TrackCapacityException, InvalidTrackFormatException {
        for (CkdRecord r : records) {
            if (r.id().record() == 0 || r.id().cyl() != cyl || r.id().head() != head) {
                throw new InvalidTrackFormatException(device, "record " + r.id() + " cannot be written on track "
                        + track() + " (cyl " + cyl + " head " + head + "): user records are R1..R255 of their own track");
            }
        }
        long used = Capacity3390.used(counts());
        if (used > Capacity3390.TRACK_LENGTH) {
            throw new TrackCapacityException(device, "track " + track() + " (cyl " + cyl + " head " + head + "): "
                    + records.size() + " records need " + used + " bytes of 3390 track capacity, the track has "
                    + Capacity3390.TRACK_LENGTH + " (at most 12 x 4096, 2 x 27998 or 1 x 56664)");
        }
        if (imageLength() > CkdGeometry.TRACK_SIZE) {
            throw new TrackCapacityException(device, "track " + track() + ": records take " + imageLength()
                    + " bytes, more than the " + CkdGeometry.TRACK_SIZE + "-byte image track");
        }
    }

    /** Writes the whole slot (56832 bytes) at the buffer's position. */
    public void write(ByteBuffer slot) {
        int start = slot.position();
        writeHeader(slot, cyl, head);
        for (CkdRecord r : records) {
            r.count().write(slot);
            slot.put(r.keyNoCopy());
            slot.put(r.dataNoCopy());
        }
        finish(slot, start);
    }

    /**
     * Writes a slot holding {@code count} keyless 4096-byte records R1..Rn taken from {@code data}
     * (which advances by {@code count * 4096}).
     */
    static void writeBlockTrack(ByteBuffer slot, int cyl, int head, ByteBuffer data, int count) {
        int start = slot.position();
        writeHeader(slot, cyl, head);
        for (int r = 1; r <= count; r++) {
            new CkdCount(cyl, head, r, 0, BLOCK_SIZE).write(slot);
            slot.put(slot.position(), data, data.position(), BLOCK_SIZE);
            slot.position(slot.position() + BLOCK_SIZE);
            data.position(data.position() + BLOCK_SIZE);
        }
        finish(slot, start);
    }

    private static void writeHeader(ByteBuffer slot, int cyl, int head) {
        slot.put((byte) 0);
        slot.putShort((short) cyl);
        slot.putShort((short) head);
        new CkdCount(cyl, head, 0, 0, R0_DATA_LENGTH).write(slot);
        slot.putLong(0);
    }

    private static void finish(ByteBuffer slot, int start) {
        slot.putLong(END_OF_TRACK);
        slot.put(SLOT_ZEROS, 0, start + CkdGeometry.TRACK_SIZE - slot.position());
    }

    /**
     * Parses and checks the slot of track {@code track} at the buffer's position (the buffer must hold the
     * whole slot). The checks are those of Hercules and cckdcdsk: home address bin 0 with the track's own
     * CC HH, R0 with the track's CC HH, R 0, KL 0, DL 8, user records with R not 0 and head below 15, the
     * end-of-track marker inside the slot.
     */
    public static CkdTrack read(String device, int track, ByteBuffer slot) throws ImageFormatException {
        int base = slot.position();
        int[] offsets = scan(device, track, slot);
        List<CkdRecord> records = new ArrayList<>(offsets.length);
        for (int off : offsets) {
            ByteBuffer b = slot.duplicate().position(base + off);
            CkdCount c = CkdCount.read(b);
            byte[] key = new byte[c.keyLength()];
            b.get(key);
            byte[] data = new byte[c.dataLength()];
            b.get(data);
            records.add(new CkdRecord(c.id(), key, data));
        }
        slot.position(base + CkdGeometry.TRACK_SIZE);
        return new CkdTrack(track / CkdGeometry.HEADS, track % CkdGeometry.HEADS, records);
    }

    /**
     * Checks a slot and returns the slot offsets of the user records' count fields; the slot buffer's
     * position is the slot start and is not moved.
     */
    static int[] scan(String device, int track, ByteBuffer slot) throws ImageFormatException {
        int base = slot.position();
        int cyl = track / CkdGeometry.HEADS;
        int head = track % CkdGeometry.HEADS;
        String where = "track " + track + " (cyl " + cyl + " head " + head + ")";
        int bin = Byte.toUnsignedInt(slot.get(base));
        int hc = Short.toUnsignedInt(slot.getShort(base + 1));
        int hh = Short.toUnsignedInt(slot.getShort(base + 3));
        if (bin != 0 || hc != cyl || hh != head) {
            throw new ImageFormatException(device, where + ": invalid track header "
                    + HexFormat.of().formatHex(bytes(slot, base, HA_SIZE))
                    + ", expected 00" + String.format("%04x%04x", cyl, head)
                    + " (bin 0 and the track's own CC HH; Hercules reports HHCDA035E)");
        }
        CkdCount r0 = CkdCount.read(slot.duplicate().position(base + HA_SIZE));
        if (r0.cyl() != cyl || r0.head() != head || r0.record() != 0 || r0.keyLength() != 0
                || r0.dataLength() != R0_DATA_LENGTH) {
            throw new ImageFormatException(device, where + ": invalid R0 count field "
                    + HexFormat.of().formatHex(bytes(slot, base + HA_SIZE, CkdCount.SIZE))
                    + " (expected the track's CC HH, R 0, KL 0, DL 8)");
        }
        int[] offsets = new int[16];
        int n = 0;
        int off = FIRST_RECORD_OFFSET;
        while (true) {
            if (off + EOT_SIZE > CkdGeometry.TRACK_SIZE) {
                throw new ImageFormatException(device, where + ": no end-of-track marker (8 x FF) inside the "
                        + CkdGeometry.TRACK_SIZE + "-byte track");
            }
            if (slot.getLong(base + off) == -1L) {
                break;
            }
            CkdCount c = CkdCount.read(slot.duplicate().position(base + off));
            if (c.record() == 0 || c.head() >= CkdGeometry.HEADS) {
                throw new ImageFormatException(device, where + ": invalid count field at track offset " + off + ": "
                        + HexFormat.of().formatHex(bytes(slot, base + off, CkdCount.SIZE))
                        + " (a user record needs R not 0 and head below 15)");
            }
            if (off + c.imageLength() + EOT_SIZE > CkdGeometry.TRACK_SIZE) {
                throw new ImageFormatException(device, where + ": record " + c.id() + " at track offset " + off
                        + " (KL " + c.keyLength() + " DL " + c.dataLength() + ") runs past the end of the track");
            }
            if (n == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, n * 2);
            }
            offsets[n++] = off;
            off += c.imageLength();
        }
        return java.util.Arrays.copyOf(offsets, n);
    }

    private static byte[] bytes(ByteBuffer b, int at, int len) {
        byte[] out = new byte[len];
        b.get(at, out);
        return out;
    }
}
