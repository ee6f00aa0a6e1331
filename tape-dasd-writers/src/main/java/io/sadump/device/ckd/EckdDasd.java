package io.sadump.device.ckd;

import io.sadump.device.DeviceException;
import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.ImageFormatException;
import io.sadump.device.ImageWriteback;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.NotReadyException;
import io.sadump.device.WriteProtectedException;
import io.sadump.machine.WrittenRanges;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A 3390 ECKD DASD on a Hercules {@code CKD_P370} image file, driven the way a channel program drives
 * one: locate a track and read or write it, search a record by CCHHR and read or write it, and, for
 * dumpers, write whole tracks of 4096-byte blocks.
 *
 * <h2>Volume layout</h2>
 * A new volume ({@link #create}) is laid out like a Linux CDL volume, as zipl expects it
 * (docs/formats.md §4.4, §6.2, §6.4): track 0 holds R1 "IPL1"
 * (24 bytes: IPL PSW + two CCWs), R2 "IPL2" (144 bytes), R3 "VOL1" (the 80-byte volume label),
 * then R4..R12 as nine keyless 4096-byte blocks (blocks 3..11, where zipl puts the dump tool); every
 * other track is a null track (home address, R0, end-of-track). The image is sparse: only the first
 * few bytes of each track slot are written.
 *
 * <h2>Blocks</h2>
 * Volume block {@code b} is record {@code b % 12 + 1} of track {@code b / 12} (12 x 4096 per 3390
 * track, {@link Capacity3390}). A block write that covers a whole track formats it with 12 records
 * (like Write Track Data); a partial write needs the track to hold 4096-byte records already, except
 * that a null track is first formatted with 12 zeroed blocks, as if dasdfmt had formatted the volume
 * with 4 KiB blocks. Reading a block of a null track is "no record found".
 *
 * <p>The dump area of a prepared volume is {@link #dumpPartition()}: track 1 to the last track.
 *
 * <p>Not thread-safe: a device runs one channel program at a time.
 */
public final class EckdDasd implements Closeable {
    /** EBCDIC (code page 037) for the record keys and the volume label. */
    public static final Charset EBCDIC = Charset.forName("IBM037");
    /** Data length of R1, the IPL record: IPL PSW + 2 CCWs. */
    public static final int IPL1_LENGTH = 24;
    /** Data length of R2, the IPL2 record. */
    public static final int IPL2_LENGTH = 144;
    /** Data length of R3, the VOL1 label. */
    public static final int VOL1_LENGTH = 80;
    /** Key length of R1..R3 on track 0. */
    public static final int LABEL_KEY_LENGTH = 4;
    /** The first volume block that is a 4096-byte record on track 0 (R4): zipl's dump tool block. */
    public static final int FIRST_TRACK0_BLOCK = 3;
    /** The first track of the dump partition. */
    public static final int DUMP_PARTITION_FIRST_TRACK = 1;
    /** A disabled-wait IPL PSW (ESA/390, bit 12 set) left by {@link #create} on an unprepared volume. */
    public static final long UNPREPARED_IPL_PSW = 0x000A0000_0000000FL;
    /** A NOP CCW (command 0x03, count 1), as dasdinit puts after its IPL PSW. */
    public static final long NOP_CCW = 0x03000000_00000001L;

    private static final int VOL1_VOLSER_OFFSET = 4;
    private static final int VOL1_OWNER_OFFSET = 37;
    /** Whole tracks per write of {@link #writeBlocks}: 16 slots, about 0.9 MB. */
    private static final int STAGED_TRACKS = 16;

    private final Path image;
    private final String name;
    private final FileChannel channel;
    private final CkdGeometry geometry;
    private final boolean writable;
    /** One track as the image holds it; direct, so a read fills it without a copy through a temporary buffer. */
    private final ByteBuffer slot = ByteBuffer.allocateDirect(CkdGeometry.TRACK_SIZE);
    /** Whole tracks formatted by {@link #writeBlocks} and not yet written, from {@link #stagedFirstTrack} on. */
    private ByteBuffer staged;
    private int stagedFirstTrack;
    private final ImageWriteback writeback;
    private IoFaultPlan faults = IoFaultPlan.none();
    private boolean closed;
    /** Where the ranges of the image this volume writes are noted, if anywhere. */
    private WrittenRanges writeLog;

    private EckdDasd(Path image, String name, FileChannel channel, CkdGeometry geometry, boolean writable) {
        this.image = image;
        this.name = name;
        this.channel = channel;
        this.geometry = geometry;
        this.writable = writable;
        this.writeback = new ImageWriteback(channel);
    }

    /**
     * Creates a new volume image (fails if the file exists): the device header, track 0 as described in
     * the class comment with an IPL record that loads {@link #UNPREPARED_IPL_PSW}, null tracks elsewhere.
     *
     * @param volser the volume serial in the VOL1 label, 1..6 characters
     * @param deviceName how errors name the device (its device number), or null for the file name
     */
    public static EckdDasd create(Path image, CkdGeometry geometry, String volser, String deviceName)
            throws DeviceException {
        String label = deviceName != null ? deviceName : image.toString();
        if (volser.isEmpty() || volser.length() > 6) {
            throw new IllegalArgumentException("a volume serial has 1..6 characters, got '" + volser + "'");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
        } catch (FileAlreadyExistsException e) {
            throw new DeviceException(label, "cannot create " + image + ": the file exists");
        } catch (IOException e) {
            throw new DeviceException(label, "cannot create " + image + ": " + e.getMessage(), e);
        }
        EckdDasd d = new EckdDasd(image, label, ch, geometry, true);
        try {
            ByteBuffer hdr = ByteBuffer.allocate(CkdDeviceHeader.SIZE);
            CkdDeviceHeader.for3390().write(hdr);
            d.writeFully(hdr.flip(), 0);
            // null tracks: only HA + R0 + EOT are written; the rest of each slot stays a hole (zeros)
            ByteBuffer nul = ByteBuffer.allocate(CkdTrack.NULL_TRACK_LENGTH);
            for (int t = 1; t < geometry.tracks(); t++) {
                nul.clear();
                writeNullTrackPrefix(nul, t);
                d.writeFully(nul.flip(), geometry.trackOffset(t));
            }
            // the file must end exactly at the last slot's end
            d.writeFully(ByteBuffer.allocate(1), geometry.imageSize() - 1);
            d.writeTrackUnchecked(initialTrack0(volser));
        } catch (DeviceException e) {
            d.closeQuietly();
            throw e;
        }
        return d;
    }

    /** {@link #create(Path, CkdGeometry, String, String)} naming the device by its file. */
    public static EckdDasd create(Path image, int cylinders, String volser) throws DeviceException {
        return create(image, new CkdGeometry(cylinders), volser, null);
    }

    /**
     * Opens an existing image and checks its device header and size.
     *
     * @param deviceName how errors name the device, or null for the file name
     * @throws ImageFormatException naming what is wrong: not a CKD image, compressed, wrong geometry,
     *     truncated
     */
    public static EckdDasd open(Path image, String deviceName, boolean writable) throws DeviceException {
        String label = deviceName != null ? deviceName : image.toString();
        FileChannel ch;
        try {
            ch = writable ? FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(image, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NotReadyException(label, "no DASD image " + image);
        } catch (IOException e) {
            throw new DeviceException(label, "cannot open " + image + ": " + e.getMessage(), e);
        }
        try {
            CkdGeometry g = checkHeader(label, image, ch);
            return new EckdDasd(image, label, ch, g, writable);
        } catch (DeviceException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the open already failed
            }
            throw e;
        }
    }

    /** {@link #open(Path, String, boolean)} naming the device by its file. */
    public static EckdDasd open(Path image, boolean writable) throws DeviceException {
        return open(image, null, writable);
    }

    private static CkdGeometry checkHeader(String label, Path image, FileChannel ch) throws DeviceException {
        long size;
        ByteBuffer hdr = ByteBuffer.allocate(CkdDeviceHeader.SIZE);
        try {
            size = ch.size();
            if (size < CkdDeviceHeader.SIZE) {
                throw new ImageFormatException(label, image + " is truncated: " + size
                        + " bytes, shorter than the 512-byte CKD device header");
            }
            while (hdr.hasRemaining()) {
                if (ch.read(hdr, hdr.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new DeviceIoErrorException(label, "cannot read " + image + ": " + e.getMessage(), e);
        }
        CkdDeviceHeader h = CkdDeviceHeader.read(hdr.flip());
        String id = h.devid();
        if (id.equals(CkdDeviceHeader.DEVID_COMPRESSED) || id.equals(CkdDeviceHeader.DEVID_SHADOW)) {
            throw new ImageFormatException(label, image + " is a compressed CKD image (" + id
                    + "); sadump reads plain CKD_P370 images: convert it with 'dasdcopy -o CKD'");
        }
        if (id.equals(CkdDeviceHeader.DEVID_PLAIN_64)) {
            throw new ImageFormatException(label, image + " is a 64-bit Hyperion image (" + id
                    + "); sadump and Hercules 3.x read CKD_P370");
        }
        if (!id.equals(CkdDeviceHeader.DEVID_PLAIN)) {
            throw new ImageFormatException(label, image + " is not a Hercules CKD image: the device header id is '"
                    + printable(id) + "', expected 'CKD_P370'");
        }
        if (h.heads() != CkdGeometry.HEADS || h.trackSize() != CkdGeometry.TRACK_SIZE) {
            throw new ImageFormatException(label, image + " is not a 3390 image: the device header says "
                    + h.heads() + " heads and " + h.trackSize() + "-byte tracks, a 3390 has 15 heads and "
                    + CkdGeometry.TRACK_SIZE + "-byte tracks");
        }
        if (h.fileSeq() != 0 || h.highCyl() != 0) {
            throw new ImageFormatException(label, image + " is one file of a multi-file volume (file sequence "
                    + h.fileSeq() + ", high cylinder " + h.highCyl() + "); sadump reads single-file images");
        }
        long cylBytes = (long) CkdGeometry.HEADS * CkdGeometry.TRACK_SIZE;
        long body = size - CkdDeviceHeader.SIZE;
        if (body == 0 || body % cylBytes != 0) {
            throw new ImageFormatException(label, image + " has " + size + " bytes, which is not 512 + a whole number "
                    + "of cylinders (15 x 56832 bytes each): the image is truncated or damaged"
                    + " (Hercules: HHCDA017E CKD header inconsistent with file size)");
        }
        long cyls = body / cylBytes;
        if (cyls > CkdGeometry.MAX_CYLINDERS) {
            throw new ImageFormatException(label, image + " has " + cyls + " cylinders, more than a 3390's "
                    + CkdGeometry.MAX_CYLINDERS);
        }
        return new CkdGeometry((int) cyls);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return sb.toString();
    }

    private static void writeNullTrackPrefix(ByteBuffer b, int track) {
        int cyl = track / CkdGeometry.HEADS;
        int head = track % CkdGeometry.HEADS;
        b.put((byte) 0).putShort((short) cyl).putShort((short) head);
        new CkdCount(cyl, head, 0, 0, CkdTrack.R0_DATA_LENGTH).write(b);
        b.put(new byte[CkdTrack.R0_DATA_LENGTH]);
        b.putLong(-1L);
    }

    /** Track 0 of a new volume: IPL1, IPL2, VOL1, nine zeroed blocks. */
    static CkdTrack initialTrack0(String volser) {
        ByteBuffer ipl1 = ByteBuffer.allocate(IPL1_LENGTH);
        ipl1.putLong(UNPREPARED_IPL_PSW).putLong(NOP_CCW).putLong(0);
        byte[] vol1 = new byte[VOL1_LENGTH];
        put(vol1, 0, "VOL1".getBytes(EBCDIC));
        put(vol1, VOL1_VOLSER_OFFSET, String.format("%-6s", volser).getBytes(EBCDIC));
        put(vol1, VOL1_OWNER_OFFSET, "SADUMP".getBytes(EBCDIC));
        List<CkdRecord> recs = new ArrayList<>();
        recs.add(new CkdRecord(new Cchhr(0, 0, 1), "IPL1".getBytes(EBCDIC), ipl1.array()));
        recs.add(new CkdRecord(new Cchhr(0, 0, 2), "IPL2".getBytes(EBCDIC), new byte[IPL2_LENGTH]));
        recs.add(new CkdRecord(new Cchhr(0, 0, 3), "VOL1".getBytes(EBCDIC), vol1));
        for (int r = FIRST_TRACK0_BLOCK + 1; r <= CkdTrack.BLOCKS_PER_TRACK; r++) {
            recs.add(new CkdRecord(new Cchhr(0, 0, r), new byte[CkdTrack.BLOCK_SIZE]));
        }
        return new CkdTrack(0, 0, recs);
    }

    private static void put(byte[] dst, int at, byte[] src) {
        System.arraycopy(src, 0, dst, at, src.length);
    }

    // ---------------------------------------------------------------------------------------------
    // device properties

    /** How errors name this device. */
    public String name() {
        return name;
    }

    public Path image() {
        return image;
    }

    public CkdGeometry geometry() {
        return geometry;
    }

    public boolean isWritable() {
        return writable;
    }

    /** The volume's capacity in 4096-byte blocks: tracks x 12. */
    public long blockCount() {
        return (long) geometry.tracks() * CkdTrack.BLOCKS_PER_TRACK;
    }

    /** The volume serial from the VOL1 label (R3 of track 0), or empty if there is none. */
    public String volser() throws DeviceException {
        try {
            CkdRecord r = readRecord(new Cchhr(0, 0, 3));
            byte[] d = r.data();
            if (d.length >= 10 && new String(d, 0, 4, EBCDIC).equals("VOL1")) {
                return new String(d, VOL1_VOLSER_OFFSET, 6, EBCDIC).strip();
            }
        } catch (NoRecordFoundException e) {
            // no label
        }
        return "";
    }

    /** Installs injected I/O errors (replacing any earlier plan); {@link IoFaultPlan#none()} removes them. */
    public void setFaultPlan(IoFaultPlan plan) {
        this.faults = Objects.requireNonNull(plan);
    }

    public IoFaultPlan faultPlan() {
        return faults;
    }

    /** Notes the byte ranges of the image this volume writes in {@code log} (null: no longer). */
    public void logWritesTo(WrittenRanges log) {
        this.writeLog = log;
    }

    /**
     * The dump area: track {@value #DUMP_PARTITION_FIRST_TRACK} to the last track, 12 blocks per track.
     * A dumper writes its header at index 0 of this extent.
     */
    public EckdExtent dumpPartition() {
        return new EckdExtent(this, DUMP_PARTITION_FIRST_TRACK, geometry.tracks() - 1);
    }

    /** An extent of whole tracks {@code firstTrack..lastTrack} (Define Extent). */
    public EckdExtent extent(int firstTrack, int lastTrack) {
        if (!geometry.hasTrack(firstTrack) || !geometry.hasTrack(lastTrack) || lastTrack < firstTrack) {
            throw new IllegalArgumentException("tracks " + firstTrack + ".." + lastTrack + " are not on a volume of "
                    + geometry.tracks() + " tracks");
        }
        return new EckdExtent(this, firstTrack, lastTrack);
    }

    // ---------------------------------------------------------------------------------------------
    // track and record I/O (Locate Record / Read Track / Write Track, Search ID Equal + Read CKD / Write CKD)

    /** Reads and checks a whole track (Read Track). */
    public CkdTrack readTrack(int track) throws DeviceException {
        checkTrack(track);
        readSlot(track);
        return CkdTrack.read(name, track, slot.position(0));
    }

    /**
     * Formats a whole track with the given records (erasing what was there), after checking them against
     * the real 3390 track capacity.
     */
    public void writeTrack(CkdTrack track) throws DeviceException {
        checkWritable();
        checkTrack(track.track());
        track.checkWritable(name);
        injectWrite(track.track(), (long) track.track() * CkdTrack.BLOCKS_PER_TRACK, Math.max(1, track.records().size()));
        writeTrackUnchecked(track);
    }

    private void writeTrackUnchecked(CkdTrack track) throws DeviceException {
        slot.clear();
        track.write(slot);
        writeFully(slot.flip(), geometry.trackOffset(track.track()));
    }

    /** Searches record {@code id} on its track (Search ID Equal) and reads its count, key and data. */
    public CkdRecord readRecord(Cchhr id) throws DeviceException {
        CkdTrack t = readTrack(trackOf(id));
        for (CkdRecord r : t.records()) {
            if (r.id().record() == id.record()) {
                return r;
            }
        }
        throw new NoRecordFoundException(name, id, "track " + t.track() + " has " + t.records().size() + " records");
    }

    /**
     * Writes a record (Write Count Key Data after locating record R-1): record R-1 must be on the track
     * (R0 for R = 1); the new record replaces everything after it, as on a real DASD.
     */
    public void writeRecord(CkdRecord record) throws DeviceException {
        checkWritable();
        CkdTrack t = readTrack(trackOf(record.id()));
        int r = record.id().record();
        if (r == 0) {
            throw new InvalidTrackFormatException(name, "R0 is written by formatting the track, not as a user record");
        }
        List<CkdRecord> kept = new ArrayList<>();
        boolean found = r == 1;
        for (CkdRecord old : t.records()) {
            kept.add(old);
            if (old.id().record() == r - 1) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new NoRecordFoundException(name, new Cchhr(record.id().cyl(), record.id().head(), r - 1),
                    "writing " + record.id() + " needs the record before it");
        }
        if (r == 1) {
            kept.clear();
        }
        kept.add(record);
        CkdTrack nt = new CkdTrack(t.cyl(), t.head(), kept);
        nt.checkWritable(name);
        injectWrite(nt.track(), (long) nt.track() * CkdTrack.BLOCKS_PER_TRACK + r - 1, 1);
        writeTrackUnchecked(nt);
    }

    /** Replaces the data of an existing record (Write Data); the length must stay the same. */
    public void writeData(Cchhr id, byte[] data) throws DeviceException {
        checkWritable();
        int track = trackOf(id);
        checkTrack(track);
        readSlot(track);
        int[] offs = CkdTrack.scan(name, track, slot.position(0));
        for (int off : offs) {
            CkdCount c = CkdCount.read(slot.duplicate().position(off));
            if (c.record() == id.record()) {
                if (c.dataLength() != data.length) {
                    throw new InvalidTrackFormatException(name, id + " has " + c.dataLength()
                            + " data bytes; Write Data of " + data.length + " bytes would change its format");
                }
                injectWrite(track, (long) track * CkdTrack.BLOCKS_PER_TRACK + id.record() - 1, 1);
                int dataOff = off + CkdCount.SIZE + c.keyLength();
                writeFully(ByteBuffer.wrap(data), geometry.trackOffset(track) + dataOff);
                return;
            }
        }
        throw new NoRecordFoundException(name, id, "track " + track + " has " + offs.length + " records");
    }

    /**
     * What the channel's READ IPL reads from this device: the data of R1 on cylinder 0 head 0 (its key
     * is skipped). Source: docs/formats.md §4.2.
     */
    public byte[] readIplRecord() throws DeviceException {
        return readRecord(new Cchhr(0, 0, 1)).data();
    }

    // ---------------------------------------------------------------------------------------------
    // 4096-byte blocks

    /**
     * Writes {@code data.remaining() / 4096} blocks starting at volume block {@code block}; the buffer
     * is consumed. Whole tracks are written as 12-record tracks; see the class comment for partial ones.
     *
     * @throws EndOfExtentException if the blocks go past the last track, or past an injected end of
     *     volume (nothing is written)
     * @throws io.sadump.device.DeviceIoErrorException for an injected error (tracks before it are written)
     */
    public void writeBlocks(long block, ByteBuffer data) throws DeviceException {
        checkWritable();
        int count = blocksIn(data);
        if (block < 0 || block + count > blockCount()) {
            throw new EndOfExtentException(name, "writing " + count + " blocks at block " + block
                    + " goes past the end of the volume (" + blockCount() + " blocks, " + geometry.tracks() + " tracks)");
        }
        if (faults.passesEndOfVolume(block, count)) {
            throw new EndOfExtentException(name, "writing " + count + " blocks at block " + block
                    + " goes past the end of the volume (injected end of volume at block " + faults.value() + ")");
        }
        long b = block;
        int left = count;
        try {
            while (left > 0) {
                int track = (int) (b / CkdTrack.BLOCKS_PER_TRACK);
                int first = (int) (b % CkdTrack.BLOCKS_PER_TRACK);
                int n = Math.min(CkdTrack.BLOCKS_PER_TRACK - first, left);
                injectWrite(track, b, n);
                if (first == 0 && n == CkdTrack.BLOCKS_PER_TRACK) {
                    stageBlockTrack(track, data);
                } else {
                    writeStagedTracks();
                    updateBlocks(track, first, n, data);
                }
                b += n;
                left -= n;
            }
        } catch (DeviceException e) {
            // the tracks before the failing one are written, as on a real device
            writeStagedTracks();
            throw e;
        }
        writeStagedTracks();
    }

    /**
     * Formats a whole track of 12 blocks into the staging buffer; consecutive tracks are contiguous
     * slots in the image, so they go out in one write from a direct buffer (no copy through the heap).
     */
    private void stageBlockTrack(int track, ByteBuffer data) throws DeviceException {
        if (staged == null) {
            staged = ByteBuffer.allocateDirect(STAGED_TRACKS * CkdGeometry.TRACK_SIZE);
        }
        if (staged.position() > 0 && (staged.remaining() < CkdGeometry.TRACK_SIZE
                || track != stagedFirstTrack + staged.position() / CkdGeometry.TRACK_SIZE)) {
            writeStagedTracks();
        }
        if (staged.position() == 0) {
            stagedFirstTrack = track;
        }
        CkdTrack.writeBlockTrack(staged, track / CkdGeometry.HEADS, track % CkdGeometry.HEADS, data,
                CkdTrack.BLOCKS_PER_TRACK);
    }

    private void writeStagedTracks() throws DeviceException {
        if (staged == null || staged.position() == 0) {
            return;
        }
        staged.flip();
        int bytes = staged.remaining();
        try {
            writeFully(staged, geometry.trackOffset(stagedFirstTrack));
        } finally {
            staged.clear();
        }
        writeback.written(bytes);
    }

    private void updateBlocks(int track, int first, int n, ByteBuffer data) throws DeviceException {
        readSlot(track);
        int[] offs = CkdTrack.scan(name, track, slot.position(0));
        if (offs.length == 0) {
            // a null track: format it with 12 zeroed blocks first (as dasdfmt would have)
            ByteBuffer zeros = ByteBuffer.allocate(CkdTrack.BLOCK_SIZE * CkdTrack.BLOCKS_PER_TRACK);
            slot.clear();
            CkdTrack.writeBlockTrack(slot, track / CkdGeometry.HEADS, track % CkdGeometry.HEADS, zeros,
                    CkdTrack.BLOCKS_PER_TRACK);
            slot.position(0);
            offs = CkdTrack.scan(name, track, slot);
        }
        for (int i = first; i < first + n; i++) {
            int off = blockRecordOffset(track, offs, i);
            slot.put(off + CkdCount.SIZE, data, data.position(), CkdTrack.BLOCK_SIZE);
            data.position(data.position() + CkdTrack.BLOCK_SIZE);
        }
        slot.clear();
        writeFully(slot, geometry.trackOffset(track));
    }

    /** The slot offset of the count of the 4096-byte record holding the track's block {@code index}. */
    private int blockRecordOffset(int track, int[] offs, int index) throws DeviceException {
        Cchhr id = Cchhr.onTrack(track, index + 1);
        if (index >= offs.length) {
            throw new NoRecordFoundException(name, id, "block " + ((long) track * CkdTrack.BLOCKS_PER_TRACK + index)
                    + "; track " + track + " has " + offs.length + " records");
        }
        CkdCount c = CkdCount.read(slot.duplicate().position(offs[index]));
        if (c.record() != index + 1 || c.keyLength() != 0 || c.dataLength() != CkdTrack.BLOCK_SIZE) {
            throw new InvalidTrackFormatException(name, "block " + ((long) track * CkdTrack.BLOCKS_PER_TRACK + index)
                    + " is not a 4096-byte record: record " + (index + 1) + " of track " + track + " is R"
                    + c.record() + " KL " + c.keyLength() + " DL " + c.dataLength());
        }
        return offs[index];
    }

    /**
     * Reads {@code dst.remaining() / 4096} blocks starting at volume block {@code block} into {@code dst}.
     *
     * @throws NoRecordFoundException for a block on a track that was never written (a null track)
     */
    public void readBlocks(long block, ByteBuffer dst) throws DeviceException {
        int count = blocksIn(dst);
        if (block < 0 || block + count > blockCount()) {
            throw new EndOfExtentException(name, "reading " + count + " blocks at block " + block
                    + " goes past the end of the volume (" + blockCount() + " blocks)");
        }
        String fault = faults.checkRead(block, count);
        if (fault != null) {
            throw new DeviceIoErrorException(name, fault);
        }
        long b = block;
        int left = count;
        while (left > 0) {
            int track = (int) (b / CkdTrack.BLOCKS_PER_TRACK);
            int first = (int) (b % CkdTrack.BLOCKS_PER_TRACK);
            int n = Math.min(CkdTrack.BLOCKS_PER_TRACK - first, left);
            readSlot(track);
            int[] offs = CkdTrack.scan(name, track, slot.position(0));
            for (int i = first; i < first + n; i++) {
                int off = blockRecordOffset(track, offs, i);
                dst.put(slot.slice(off + CkdCount.SIZE, CkdTrack.BLOCK_SIZE));
            }
            b += n;
            left -= n;
        }
    }

    /** Reads one 4096-byte block. */
    public byte[] readBlock(long block) throws DeviceException {
        byte[] out = new byte[CkdTrack.BLOCK_SIZE];
        readBlocks(block, ByteBuffer.wrap(out));
        return out;
    }

    /** Whether block {@code block}'s track has been written (is not a null track). */
    public boolean isTrackFormatted(int track) throws DeviceException {
        checkTrack(track);
        readSlot(track);
        return CkdTrack.scan(name, track, slot.position(0)).length > 0;
    }

    // ---------------------------------------------------------------------------------------------

    /** Forces written tracks to the image file's storage. */
    public void flush() throws DeviceException {
        try {
            writeback.awaitIdle();
            channel.force(false);
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "cannot flush " + image + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws DeviceException {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel c = channel) {
            writeback.awaitIdle();
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "cannot close " + image + ": " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (DeviceException ignored) {
            // the caller reports the first failure
        }
    }

    private int blocksIn(ByteBuffer b) {
        if (b.remaining() == 0 || b.remaining() % CkdTrack.BLOCK_SIZE != 0) {
            throw new IllegalArgumentException("block I/O needs a positive multiple of 4096 bytes, got " + b.remaining());
        }
        return b.remaining() / CkdTrack.BLOCK_SIZE;
    }

    private int trackOf(Cchhr id) throws DeviceException {
        if (id.head() >= CkdGeometry.HEADS || id.cyl() >= geometry.cylinders()) {
            throw new EndOfExtentException(name, id + " is not on this volume (" + geometry.cylinders()
                    + " cylinders, 15 heads)");
        }
        return id.track();
    }

    private void checkTrack(long track) throws DeviceException {
        if (closed) {
            throw new NotReadyException(name, "device is closed");
        }
        if (!geometry.hasTrack(track)) {
            throw new EndOfExtentException(name, "track " + track + " is beyond the volume (tracks 0.."
                    + (geometry.tracks() - 1) + ")");
        }
    }

    private void checkWritable() throws DeviceException {
        if (closed) {
            throw new NotReadyException(name, "device is closed");
        }
        if (!writable) {
            throw new WriteProtectedException(name, image + " is open read-only");
        }
    }

    private void injectWrite(long track, long firstBlock, int count) throws DeviceIoErrorException {
        String fault = faults.checkWrite(track, firstBlock, count);
        if (fault != null) {
            throw new DeviceIoErrorException(name, fault + " (track " + track + ", cyl " + track / CkdGeometry.HEADS
                    + " head " + track % CkdGeometry.HEADS + ")");
        }
    }

    private void readSlot(int track) throws DeviceException {
        slot.clear();
        long pos = geometry.trackOffset(track);
        try {
            while (slot.hasRemaining()) {
                int n = channel.read(slot, pos + slot.position());
                if (n < 0) {
                    throw new ImageFormatException(name, image + " ends inside track " + track + " (truncated)");
                }
            }
        } catch (IOException e) {
            if (e instanceof DeviceException de) {
                throw de;
            }
            throw new DeviceIoErrorException(name, "reading track " + track + " of " + image + ": " + e.getMessage(), e);
        }
        slot.flip();
    }

    private void writeFully(ByteBuffer b, long pos) throws DeviceException {
        int length = b.remaining();
        try {
            long p = pos;
            while (b.hasRemaining()) {
                p += channel.write(b, p);
            }
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "writing " + image + " at offset " + pos + ": " + e.getMessage(), e);
        } finally {
            // noted even when cut short: part of it may have reached the image
            if (writeLog != null) {
                writeLog.written(image, pos, length);
            }
        }
    }
}
