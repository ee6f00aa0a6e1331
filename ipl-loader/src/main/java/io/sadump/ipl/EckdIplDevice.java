package io.sadump.ipl;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.dump.DumpBlockSink;
import io.sadump.dump.DumpDeviceFullException;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390DumpResult;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A 3390 DASD as the IPL and the zipl ECKD dumpers use it (reference s390-tools-dump.md §1.4-1.6): the
 * dump tool at block 3 of track 0, the dump partition from track 1 (single volume) or the partitions of
 * the multi-volume table that follows an {@code XMULT64} tool.
 */
public final class EckdIplDevice implements IplDevice {
    /** {@code DF_S390_MAGIC_BLK_ECKD}: the dump tool starts at block 3. */
    public static final int DUMP_TOOL_BLOCK = 3;
    /** The multi-volume table is 512 bytes. */
    static final int MV_TABLE_SIZE = 512;
    static final int MV_TIMESTAMP = 0;
    static final int MV_NUM_PARAM = 8;
    static final int MV_PARAMS = 10;
    /** {@code struct mvdump_param}: devno u16, start_blk u32, end_blk u32, blocksize u8, bpt u8, num_heads u8. */
    static final int MV_PARAM_SIZE = 13;
    /** {@code mvdump_sign} of a prepared multi-volume partition: offset 0x200 of its first block. */
    static final int MV_SIGNATURE_OFFSET = 0x200;

    private final DeviceNumber number;
    private final EckdDasd dasd;
    private final Function<DeviceNumber, Optional<Path>> volumeImages;

    /**
     * @param volumeImages finds the image of another 3390 by device number (for multi-volume dumps)
     */
    public EckdIplDevice(DeviceNumber number, Path image, Function<DeviceNumber, Optional<Path>> volumeImages)
            throws DeviceException {
        this.number = number;
        this.dasd = EckdDasd.open(image, number.toString(), true);
        this.volumeImages = volumeImages;
    }

    @Override
    public DeviceNumber number() {
        return number;
    }

    @Override
    public String description() {
        String volser;
        try {
            volser = dasd.volser();
        } catch (DeviceException e) {
            volser = "";
        }
        return "3390 " + number + (volser.isBlank() ? "" : " (volser " + volser.strip() + ")");
    }

    @Override
    public byte[] readIplRecord() throws IOException {
        return dasd.readIplRecord();
    }

    @Override
    public DumpTool readDumpTool() throws IOException {
        String where = "3390 " + number + " block " + DUMP_TOOL_BLOCK;
        byte[] first = dasd.readBlock(DUMP_TOOL_BLOCK);
        DumpTool probe = DumpTool.readMagicOnly(first, where);
        int size = probe.kind().toolSize(probe.version());
        byte[] tool = new byte[size];
        dasd.readBlocks(DUMP_TOOL_BLOCK, ByteBuffer.wrap(tool));
        return DumpTool.read(tool, where);
    }

    @Override
    public FallbackDumpResult dump(MemorySource memory, DumpTool tool, S390DumpSettings settings)
            throws IOException {
        S390DumpSettings s = settings.withCompression(!tool.noCompress() && tool.kind() == DumpToolKind.ECKD_SINGLE);
        if (tool.hasLimit()) {
            s = s.withMemoryLimit(tool.memoryLimit());
        }
        S390ExtDumpWriter writer = new S390ExtDumpWriter(s);
        try {
            if (tool.kind() == DumpToolKind.ECKD_SINGLE) {
                S390DumpResult r = writer.write(memory, new ExtentSink(dasd.dumpPartition()));
                return new FallbackDumpResult(DumpKind.S390_EXT, List.of(number), r.header().memSize(),
                        r.dumpFileBytes());
            }
            return dumpMultiVolume(memory, tool, writer);
        } catch (DumpDeviceFullException e) {
            throw new DumpFailedException(DumpFailedException.DEVICE_TOO_SMALL, "Device too small: " + e.getMessage(), e);
        } catch (DeviceException e) {
            throw new DumpFailedException(DumpFailedException.IO_ERROR, "I/O error: " + e.getMessage(), e);
        }
    }

    private FallbackDumpResult dumpMultiVolume(MemorySource memory, DumpTool tool, S390ExtDumpWriter writer)
            throws IOException {
        MultiVolumeTable table = readTable(dasd, tool);
        List<EckdDasd> opened = new ArrayList<>();
        try {
            List<DumpBlockSink> sinks = new ArrayList<>();
            List<DeviceNumber> numbers = new ArrayList<>();
            for (MultiVolumeTable.Volume v : table.volumes()) {
                DeviceNumber devno = new DeviceNumber(0, 0, v.devno());
                EckdDasd d;
                if (devno.equals(number)) {
                    d = dasd;
                } else {
                    Path image = volumeImages.apply(devno).orElseThrow(() -> new DumpFailedException(
                            DumpFailedException.DEVICE_UNDEFINED, String.format("%04x is undefined", v.devno())));
                    d = EckdDasd.open(image, devno.toString(), true);
                    opened.add(d);
                    MultiVolumeTable other = readTable(d, tool);
                    if (other.timestamp() != table.timestamp()) {
                        throw new DumpFailedException(DumpFailedException.INCONSISTENT_TIME, String.format(
                                "Inconsistent time stamps: volume %s has table time 0x%X, the IPL volume 0x%X",
                                devno, other.timestamp(), table.timestamp()));
                    }
                }
                EckdExtent partition = d.extent((int) (v.startBlock() / 12), (int) (v.endBlock() / 12));
                if (!tool.force()) {
                    long sign = ByteBuffer.wrap(partition.readBlock(0)).getLong(MV_SIGNATURE_OFFSET);
                    if (sign != S390DumpHeader.MAGIC_EXT) {
                        throw new DumpFailedException(DumpFailedException.WRONG_SIGNATURE, String.format(
                                "Wrong signature on %s: the partition was not prepared for this dump", devno));
                    }
                }
                sinks.add(new ExtentSink(partition));
                numbers.add(devno);
            }
            S390DumpResult r = writer.writeMultiVolume(memory, sinks, table.timestamp());
            return new FallbackDumpResult(DumpKind.S390_EXT, numbers.subList(0, r.volumesUsed()),
                    r.header().memSize(), r.dumpFileBytes());
        } finally {
            for (EckdDasd d : opened) {
                d.close();
            }
        }
    }

    /** The multi-volume table at block {@code 3 + toolSize/4096}. */
    static MultiVolumeTable readTable(EckdDasd d, DumpTool tool) throws DeviceException {
        byte[] block = d.readBlock(DUMP_TOOL_BLOCK + tool.size() / DumpBlockSink.BLOCK_SIZE);
        ByteBuffer b = ByteBuffer.wrap(block);
        int count = Short.toUnsignedInt(b.getShort(MV_NUM_PARAM));
        if (count < 1 || count > S390ExtDumpWriter.MAX_VOLUMES) {
            throw new IplException(String.format("%s: the multi-volume table names %d volumes (1..32 are possible)",
                    d.name(), count));
        }
        List<MultiVolumeTable.Volume> volumes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = MV_PARAMS + i * MV_PARAM_SIZE;
            volumes.add(new MultiVolumeTable.Volume(Short.toUnsignedInt(b.getShort(at)),
                    Integer.toUnsignedLong(b.getInt(at + 2)), Integer.toUnsignedLong(b.getInt(at + 6))));
        }
        return new MultiVolumeTable(b.getLong(MV_TIMESTAMP), volumes);
    }

    /** The zipl multi-volume parameter table (reference s390-tools-dump.md §1.5), the fields the dumper uses. */
    record MultiVolumeTable(long timestamp, List<Volume> volumes) {
        record Volume(int devno, long startBlock, long endBlock) {}
    }

    @Override
    public void close() throws IOException {
        dasd.close();
    }

    /** A DASD extent as the block sink of the s390 dump writers. */
    static final class ExtentSink implements DumpBlockSink {
        private final EckdExtent extent;

        ExtentSink(EckdExtent extent) {
            this.extent = extent;
        }

        @Override
        public void writeBlocks(long firstBlock, byte[] buf, int off, int blockCount) throws IOException {
            extent.writeBlocks(firstBlock, ByteBuffer.wrap(buf, off, blockCount * BLOCK_SIZE));
        }

        @Override
        public long capacityBlocks() {
            return extent.blockCount();
        }

        @Override
        public void flush() throws IOException {
            extent.dasd().flush();
        }
    }
}
