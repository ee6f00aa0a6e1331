package io.sadump.device.dumptool;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.Cchhr;
import io.sadump.device.ckd.CkdGeometry;
import io.sadump.device.ckd.CkdRecord;
import io.sadump.device.ckd.CkdTrack;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.ckd.InvalidTrackFormatException;
import io.sadump.device.ckd.NoRecordFoundException;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeRead;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.output.RangeUndoRecord;
import io.sadump.machine.output.ReplacementFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Prepares dump devices, the model of {@code zipl -d} (single volume, tape) and {@code zipl -M}
 * (multi-volume), and tells what a device carries (the model of {@code zgetdump -d}).
 *
 * <p>Layout on a DASD (docs/formats.md §4.3, §4.4, §5, §6.4, {@link SadumpIplProgram}): track 0 is
 * rewritten as IPL1 (the IPL record), IPL2 (the rest of the IPL channel program), VOL1 (the volume
 * label, its serial kept), then blocks 3..11: the tool at block 3 ({@code XECKD64} v2, 8 blocks, or
 * {@code XMULT64} v2, 4 blocks, followed by the 512-byte multi-volume table at block 7). Then the first
 * 64 KiB of the dump partition ({@link EckdDasd#dumpPartition()}) are zeroed; a multi-volume set also
 * gets the signature {@link #MV_SIGNATURE} at partition offset 512.
 *
 * <p>On a tape: the drive rewinds, writes the tool block ({@link SadumpIplProgram#tapeToolBlock}) as
 * file 1 and a tape mark; everything after it is erased.
 */
public final class DumpDevicePreparer {
    private DumpDevicePreparer() {}

    /** DF_S390_MAGIC_EXT, the multi-volume signature at partition offset 512 (docs/formats.md §5). */
    public static final long MV_SIGNATURE = 0xa8190173618f23feL;
    /** Offset of the signature in the partition's first block. */
    public static final int MV_SIGNATURE_OFFSET = 0x200;
    /** Bytes zeroed at the partition start: 64 KiB. */
    public static final int PARTITION_CLEAR_BYTES = 64 * 1024;
    /** The block of the dump tool on track 0 (DF_S390_MAGIC_BLK_ECKD). */
    public static final int TOOL_BLOCK = 3;

    private static final int BLOCK = CkdTrack.BLOCK_SIZE;

    /** One volume of a multi-volume set. */
    public record Volume(DeviceNumber number, EckdDasd dasd) {}

    /** {@code zipl -d}: installs the single-volume ECKD tool. */
    public static DumpDeviceInfo prepareDasd(EckdDasd dasd, DumpToolOptions options) throws DeviceException {
        DumpToolKind kind = DumpToolKind.ECKD_SINGLE;
        List<RangeUndoRecord> undo = saveRewrittenTracks(List.of(dasd));
        try {
            writeTrack0(dasd, kind, SadumpIplProgram.dasdTool(kind, options.parmTail()), null);
            clearPartitionStart(dasd, false);
            dasd.flush();
        } catch (DeviceException | RuntimeException e) {
            undo(List.of(dasd), undo, e);
            throw e;
        }
        discard(List.of(dasd), undo);
        return inspect(dasd);
    }

    /**
     * The end (exclusive file offset) of what a preparation rewrites at the start of a DASD image:
     * the header, track 0 and the partition's first tracks ({@link #PARTITION_CLEAR_BYTES}).
     */
    public static long rewrittenBytes(EckdDasd dasd) {
        EckdExtent p = dasd.dumpPartition();
        long blocks = Math.min(PARTITION_CLEAR_BYTES / BLOCK, p.blockCount());
        int tracks = (int) ((blocks + p.blocksPerTrack() - 1) / p.blocksPerTrack());
        int end = Math.min(p.firstTrack() + tracks, dasd.geometry().tracks());
        return dasd.geometry().trackOffset(end);
    }

    /**
     * Before the first write, the old bytes of every volume's rewritten tracks go to an undo record
     * beside its image (synced): a failure, a full disk or a kill during the few track writes then
     * leaves each image as it was (the next writable open puts the tracks back). A record is about 170 KB, where a copy of the
     * image to rename over it would be the whole sparse image (a 3390-3 has 200 MiB allocated).
     */
    private static List<RangeUndoRecord> saveRewrittenTracks(List<EckdDasd> volumes) throws DeviceException {
        List<RangeUndoRecord> saved = new ArrayList<>();
        for (EckdDasd d : volumes) {
            try {
                saved.add(RangeUndoRecord.save(d.image(), 0, Math.toIntExact(rewrittenBytes(d))));
            } catch (IOException e) {
                for (int i = 0; i < saved.size(); i++) {
                    try {
                        saved.get(i).discard();
                    } catch (IOException again) {
                        e.addSuppressed(again);
                    }
                }
                throw new DeviceException(d.name(), "cannot keep the old tracks before preparing "
                        + d.image() + " (nothing was changed): " + e.getMessage(), e);
            }
        }
        return saved;
    }

    private static void undo(List<EckdDasd> volumes, List<RangeUndoRecord> saved, Exception failure) {
        for (int i = 0; i < saved.size(); i++) {
            try {
                saved.get(i).restore();
            } catch (IOException e) {
                failure.addSuppressed(new DeviceException(volumes.get(i).name(), "the old tracks of "
                        + volumes.get(i).image() + " could not be put back yet (the next open does it from "
                        + RangeUndoRecord.recordOf(volumes.get(i).image()) + "): " + e.getMessage(), e));
            }
        }
    }

    private static void discard(List<EckdDasd> volumes, List<RangeUndoRecord> saved) throws DeviceException {
        for (int i = 0; i < saved.size(); i++) {
            try {
                saved.get(i).discard();
            } catch (IOException e) {
                throw new DeviceException(volumes.get(i).name(), "prepared, but the undo record "
                        + RangeUndoRecord.recordOf(volumes.get(i).image()) + " could not be removed: "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code zipl -M}: installs the multi-volume tool and the same table on every volume.
     *
     * @param now the time stamp of the set (zipl's time)
     * @return the table written
     */
    public static MultiVolumeTable prepareMultiVolume(List<Volume> volumes, DumpToolOptions options, Instant now)
            throws DeviceException {
        if (volumes.isEmpty() || volumes.size() > MultiVolumeTable.MAX_VOLUMES) {
            throw new InvalidValueException("a multi-volume dump needs 1.." + MultiVolumeTable.MAX_VOLUMES
                    + " volumes, got " + volumes.size());
        }
        Set<DeviceNumber> seen = new HashSet<>();
        List<MultiVolumeTable.Volume> entries = new ArrayList<>();
        for (Volume v : volumes) {
            if (!seen.add(v.number())) {
                throw new InvalidValueException("volume " + v.number() + " is listed twice");
            }
            EckdExtent p = v.dasd().dumpPartition();
            entries.add(new MultiVolumeTable.Volume(v.number(), p.firstBlock(), p.lastBlock(), p.blockSize(),
                    p.blocksPerTrack(), CkdGeometry.HEADS));
        }
        MultiVolumeTable table = new MultiVolumeTable(MultiVolumeTable.timestampOf(now), entries);
        DumpToolKind kind = DumpToolKind.ECKD_MULTI;
        byte[] tool = SadumpIplProgram.dasdTool(kind, options.parmTail());
        List<EckdDasd> dasds = volumes.stream().map(Volume::dasd).toList();
        // all volumes or none: a set half prepared would carry two different tables
        List<RangeUndoRecord> undo = saveRewrittenTracks(dasds);
        try {
            for (Volume v : volumes) {
                writeTrack0(v.dasd(), kind, tool, table);
                clearPartitionStart(v.dasd(), true);
                v.dasd().flush();
            }
        } catch (DeviceException | RuntimeException e) {
            undo(dasds, undo, e);
            throw e;
        }
        discard(dasds, undo);
        return table;
    }

    /** {@code zipl -d} on a tape: the tool as file 1, then a tape mark. */
    public static DumpDeviceInfo prepareTape(TapeDrive tape, DumpToolOptions options) throws DeviceException {
        tape.rewind();
        tape.writeBlock(SadumpIplProgram.tapeToolBlock(options.parmTail()));
        tape.writeTapemark();
        DumpDeviceInfo info = inspect(tape);
        tape.rewind();
        return info;
    }

    /**
     * {@code zipl -d} on the tape volume in {@code image}: the tool goes onto a new volume written beside
     * the old one, which replaces it by a rename once complete. A preparation erases the whole tape from
     * the load point anyway, so the new volume is the same as one prepared in place, but a failure (a full
     * disk) leaves the old tape as it was.
     *
     * @param name how errors name the drive (its device number)
     */
    public static DumpDeviceInfo prepareTapeVolume(Path image, long capacity, String name, DumpToolOptions options)
            throws DeviceException {
        try (ReplacementFile fresh = ReplacementFile.create(image)) {
            fresh.channel().close(); // the drive mounts it by name
            TapeDrive tape = new TapeDrive(name);
            tape.mount(fresh.writingTo(), capacity, true);
            DumpDeviceInfo info;
            try {
                info = prepareTape(tape, options);
                tape.flush();
            } finally {
                tape.unmount();
            }
            fresh.commit();
            return info;
        } catch (DeviceException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceException(name, "cannot prepare " + image + ": " + e.getMessage(), e);
        }
    }

    private static void writeTrack0(EckdDasd dasd, DumpToolKind kind, byte[] tool, MultiVolumeTable table)
            throws DeviceException {
        String volser = dasd.volser();
        if (volser.isEmpty()) {
            volser = "DUMP01";
        }
        byte[] vol1 = labelRecord(dasd, volser);
        List<CkdRecord> recs = new ArrayList<>();
        byte[] key1 = "IPL1".getBytes(EckdDasd.EBCDIC);
        recs.add(new CkdRecord(new Cchhr(0, 0, 1), key1, SadumpIplProgram.dasdIplRecord().toBytes()));
        recs.add(new CkdRecord(new Cchhr(0, 0, 2), "IPL2".getBytes(EckdDasd.EBCDIC),
                SadumpIplProgram.dasdIpl2Record(kind)));
        recs.add(new CkdRecord(new Cchhr(0, 0, 3), "VOL1".getBytes(EckdDasd.EBCDIC), vol1));
        int toolBlocks = tool.length / BLOCK;
        for (int blk = TOOL_BLOCK; blk < CkdTrack.BLOCKS_PER_TRACK; blk++) {
            byte[] data = new byte[BLOCK];
            int i = blk - TOOL_BLOCK;
            if (i < toolBlocks) {
                System.arraycopy(tool, i * BLOCK, data, 0, BLOCK);
            } else if (i == toolBlocks && table != null) {
                table.write(ByteBuffer.wrap(data));
            }
            recs.add(new CkdRecord(new Cchhr(0, 0, blk + 1), data));
        }
        dasd.writeTrack(new CkdTrack(0, 0, recs));
    }

    /** The existing VOL1 record's data, or a fresh label with {@code volser}. */
    private static byte[] labelRecord(EckdDasd dasd, String volser) throws DeviceException {
        try {
            byte[] d = dasd.readRecord(new Cchhr(0, 0, 3)).data();
            if (d.length == EckdDasd.VOL1_LENGTH) {
                return d;
            }
        } catch (NoRecordFoundException e) {
            // write a new one
        }
        byte[] vol1 = new byte[EckdDasd.VOL1_LENGTH];
        byte[] v = ("VOL1" + String.format("%-6s", volser)).getBytes(EckdDasd.EBCDIC);
        System.arraycopy(v, 0, vol1, 0, v.length);
        return vol1;
    }

    private static void clearPartitionStart(EckdDasd dasd, boolean signature) throws DeviceException {
        EckdExtent p = dasd.dumpPartition();
        int blocks = (int) Math.min(PARTITION_CLEAR_BYTES / BLOCK, p.blockCount());
        ByteBuffer zeros = ByteBuffer.allocate(blocks * BLOCK);
        if (signature) {
            zeros.putLong(MV_SIGNATURE_OFFSET, MV_SIGNATURE);
        }
        p.writeBlocks(0, zeros);
    }

    // ---------------------------------------------------------------------------------------------

    /** What a DASD carries: its dump tool, parameters, multi-volume table, signature. */
    public static DumpDeviceInfo inspect(EckdDasd dasd) throws DeviceException {
        List<String> problems = new ArrayList<>();
        EckdExtent part = dasd.dumpPartition();
        Optional<IplRecord> ipl = Optional.empty();
        try {
            byte[] r1 = dasd.readIplRecord();
            if (r1.length >= IplRecord.SIZE) {
                ipl = Optional.of(IplRecord.read(ByteBuffer.wrap(r1)));
            }
        } catch (NoRecordFoundException e) {
            problems.add("no IPL record (R1 of track 0)");
        }
        byte[] first;
        try {
            first = dasd.readBlock(TOOL_BLOCK);
        } catch (NoRecordFoundException | InvalidTrackFormatException e) {
            return noTool(dasd.name(), ipl, part, problems);
        }
        long magic = ByteBuffer.wrap(first).getLong(0);
        DumpToolKind kind = DumpToolKind.ofMagic(magic);
        if (kind == null || kind == DumpToolKind.TAPE) {
            return noTool(dasd.name(), ipl, part, problems);
        }
        int version = (int) (magic & 0xFF);
        int size = kind.size(version);
        byte[] tool = new byte[size];
        int toolBlocks = size / BLOCK;
        if (TOOL_BLOCK + toolBlocks > CkdTrack.BLOCKS_PER_TRACK) {
            problems.add(kind.magicName() + " version " + version + " does not fit on track 0");
            return new DumpDeviceInfo(dasd.name(), Optional.of(kind), version, Optional.empty(), Optional.empty(),
                    false, ipl, OptionalLong.empty(), part.firstBlock(), part.lastBlock(), problems);
        }
        dasd.readBlocks(TOOL_BLOCK, ByteBuffer.wrap(tool));
        DumpParmTail tail = DumpParmTail.read(ByteBuffer.wrap(tool, size - DumpParmTail.SIZE, DumpParmTail.SIZE));
        long wait = SadumpIplProgram.toolWaitPsw(tool, kind);
        if (ipl.isPresent() && ipl.get().entryAddress() != SadumpIplProgram.DASD_ENTRY) {
            problems.add(String.format("the IPL PSW enters 0x%X, not the dump tool at 0x%X", ipl.get().entryAddress(),
                    SadumpIplProgram.DASD_ENTRY));
        }
        Optional<MultiVolumeTable> table = Optional.empty();
        boolean signature = false;
        if (kind == DumpToolKind.ECKD_MULTI) {
            byte[] tb = dasd.readBlock(TOOL_BLOCK + toolBlocks);
            try {
                table = Optional.of(MultiVolumeTable.read(ByteBuffer.wrap(tb)));
            } catch (IllegalArgumentException e) {
                problems.add("damaged multi-volume table: " + e.getMessage());
            }
            signature = hasSignature(dasd);
            if (!signature && !tail.mvdumpForce()) {
                problems.add("the dump partition has no multi-volume signature (the dumper would stop with 0x4604)");
            }
        }
        return new DumpDeviceInfo(dasd.name(), Optional.of(kind), version, Optional.of(tail), table, signature, ipl,
                OptionalLong.of(wait), part.firstBlock(), part.lastBlock(), problems);
    }

    /** Whether the first block of the DASD's dump partition carries the multi-volume signature. */
    public static boolean hasSignature(EckdDasd dasd) throws DeviceException {
        try {
            byte[] b = dasd.dumpPartition().readBlock(0);
            return ByteBuffer.wrap(b).getLong(MV_SIGNATURE_OFFSET) == MV_SIGNATURE;
        } catch (NoRecordFoundException | InvalidTrackFormatException e) {
            return false;
        }
    }

    private static DumpDeviceInfo noTool(String name, Optional<IplRecord> ipl, EckdExtent part, List<String> problems) {
        return new DumpDeviceInfo(name, Optional.empty(), 0, Optional.empty(), Optional.empty(), false, ipl,
                OptionalLong.empty(), part.firstBlock(), part.lastBlock(), problems);
    }

    /** What a tape carries in file 1. The tape is rewound before and after. */
    public static DumpDeviceInfo inspect(TapeDrive tape) throws DeviceException {
        tape.rewind();
        List<String> problems = new ArrayList<>();
        TapeRead r = tape.readBlock();
        DumpDeviceInfo none = new DumpDeviceInfo(tape.name(), Optional.empty(), 0, Optional.empty(), Optional.empty(),
                false, Optional.empty(), OptionalLong.empty(), -1, -1, problems);
        if (!r.isBlock()) {
            tape.rewind();
            return none;
        }
        byte[] block = r.data();
        Optional<IplRecord> ipl = block.length >= IplRecord.SIZE
                ? Optional.of(IplRecord.read(ByteBuffer.wrap(block))) : Optional.empty();
        if (block.length < SadumpIplProgram.TAPE_MAGIC_OFFSET + 8 + DumpParmTail.SIZE) {
            tape.rewind();
            return new DumpDeviceInfo(tape.name(), Optional.empty(), 0, Optional.empty(), Optional.empty(), false, ipl,
                    OptionalLong.empty(), -1, -1, problems);
        }
        long magic = ByteBuffer.wrap(block).getLong(SadumpIplProgram.TAPE_MAGIC_OFFSET);
        if (DumpToolKind.ofMagic(magic) != DumpToolKind.TAPE) {
            tape.rewind();
            return new DumpDeviceInfo(tape.name(), Optional.empty(), 0, Optional.empty(), Optional.empty(), false, ipl,
                    OptionalLong.empty(), -1, -1, problems);
        }
        DumpParmTail tail = DumpParmTail.read(ByteBuffer.wrap(block, block.length - DumpParmTail.SIZE,
                DumpParmTail.SIZE));
        if (ipl.get().entryAddress() != SadumpIplProgram.TAPE_ENTRY) {
            problems.add(String.format("the IPL PSW enters 0x%X, not the dump tool at 0x%X", ipl.get().entryAddress(),
                    SadumpIplProgram.TAPE_ENTRY));
        }
        TapeRead next = tape.readBlock();
        if (next.kind() != TapeRead.Kind.TAPEMARK) {
            problems.add("file 1 holds more than the dump tool block (no tape mark after it)");
        }
        tape.rewind();
        return new DumpDeviceInfo(tape.name(), Optional.of(DumpToolKind.TAPE), (int) (magic & 0xFF), Optional.of(tail),
                Optional.empty(), false, ipl, OptionalLong.of(SadumpIplProgram.toolWaitPsw(block, DumpToolKind.TAPE)),
                -1, -1, problems);
    }
}
