package io.sadump.ipl;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolKind;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpVolumes;
import io.sadump.dump.s390.S390DumpResult;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A 3390 DASD as the IPL and the zipl ECKD dumpers use it (docs/formats.md §4.3, §4.4, §5, §6.4): the
 * dump tool at block 3 of track 0, the dump partition from track 1 (single volume) or the partitions of
 * the multi-volume table that follows an {@code XMULT64} tool.
 */
public final class EckdLoadDevice implements LoadDevice {
    private final DeviceNumber number;
    private final EckdDasd dasd;
    private final VolumeOpener volumes;

    /** Opens another 3390 of the machine by device number, for multi-volume dumps. */
    @FunctionalInterface
    public interface VolumeOpener {
        /** The volume, opened for writing; empty when no 3390 is defined at {@code number}. */
        Optional<EckdDasd> open(DeviceNumber number) throws DeviceException;
    }

    /**
     * @param dasd the IPL volume, opened for writing; closed with this device
     */
    public EckdLoadDevice(DeviceNumber number, EckdDasd dasd, VolumeOpener volumes) {
        this.number = number;
        this.dasd = dasd;
        this.volumes = volumes;
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
        return DumpTool.of(DumpDevicePreparer.inspect(dasd), "3390 " + number);
    }

    @Override
    public FallbackDumpResult dump(MemorySource memory, DumpMetadata metadata, DumpTool tool,
            S390DumpSettings settings) throws IOException {
        S390DumpSettings s = settings.withCompression(!tool.noCompress() && tool.kind() == DumpToolKind.ECKD_SINGLE);
        if (tool.hasLimit()) {
            s = s.withMemoryLimit(tool.memoryLimit());
        }
        S390ExtDumpWriter writer = new S390ExtDumpWriter(s);
        try {
            if (tool.kind() == DumpToolKind.ECKD_SINGLE) {
                S390DumpResult r = writer.write(memory, metadata, dasd.dumpPartition());
                return new FallbackDumpResult(DumpFormat.S390_EXT, List.of(number), r.header().memSize(),
                        r.dumpFileBytes(), r.unreadablePages());
            }
            return dumpMultiVolume(memory, metadata, tool, writer);
        } catch (DumpDeviceFullException e) {
            throw new DumpFailedException(DumpFailedException.DEVICE_TOO_SMALL, "Device too small: " + e.getMessage(), e);
        } catch (DeviceException e) {
            throw new DumpFailedException(DumpFailedException.IO_ERROR, "I/O error: " + e.getMessage(), e);
        }
    }

    /**
     * The multi-volume dump as zipl's {@code eckd2dump_mv.c} {@code dt_dump_mem} writes it: a volume is
     * set up and checked ({@code check_volume}) only when the dump reaches it, so the volumes before a
     * bad one are already written when the dump fails on it, and a bad volume the dump never reaches
     * does not matter.
     */
    private FallbackDumpResult dumpMultiVolume(MemorySource memory, DumpMetadata metadata, DumpTool tool,
            S390ExtDumpWriter writer)
            throws IOException {
        MultiVolumeTable table = tool.multiVolumeTable().orElseThrow();
        List<EckdDasd> opened = new ArrayList<>();
        try {
            DumpVolumes volumes = new DumpVolumes() {
                @Override
                public int count() {
                    return table.volumes().size();
                }

                @Override
                public DumpBlockSink open(int index) throws IOException {
                    return checkedPartition(table, table.volumes().get(index), tool.force(), opened);
                }
            };
            S390DumpResult r = writer.writeMultiVolume(memory, metadata, volumes, table.timestamp());
            List<DeviceNumber> numbers = table.volumes().stream().map(MultiVolumeTable.Volume::device).toList();
            return new FallbackDumpResult(DumpFormat.S390_MV_EXT, numbers.subList(0, r.volumesUsed()),
                    r.header().memSize(), r.dumpFileBytes(), r.unreadablePages());
        } finally {
            for (EckdDasd d : opened) {
                d.close();
            }
        }
    }

    /**
     * {@code dt_device_parm_setup} and {@code check_volume} for one volume of the table: it must be
     * defined (0x4603), carry the IPL volume's table time stamp (0x4605) and, unless the tool was
     * prepared with force, the signature zipl -M put at the start of its partition (0x4604).
     *
     * @param opened collects the volumes opened here, for the caller to close
     */
    private EckdExtent checkedPartition(MultiVolumeTable table, MultiVolumeTable.Volume v, boolean force,
            List<EckdDasd> opened) throws IOException {
        DeviceNumber devno = v.device();
        EckdDasd d;
        if (devno.equals(number)) {
            d = dasd;
        } else {
            d = volumes.open(devno).orElseThrow(() -> new DumpFailedException(
                    DumpFailedException.DEVICE_UNDEFINED, String.format("%04x is undefined", devno.devno())));
            opened.add(d);
            DumpDeviceInfo other = DumpDevicePreparer.inspect(d);
            long otherTime = other.multiVolumeTable().map(MultiVolumeTable::timestamp).orElse(-1L);
            if (otherTime != table.timestamp()) {
                throw new DumpFailedException(DumpFailedException.INCONSISTENT_TIME, String.format(
                        "Inconsistent time stamps: volume %s does not carry the IPL volume's table", devno));
            }
        }
        if (!force && !DumpDevicePreparer.hasSignature(d)) {
            throw new DumpFailedException(DumpFailedException.WRONG_SIGNATURE, String.format(
                    "Wrong signature on %s: its dump partition was not prepared for this set", devno));
        }
        int bpt = v.blocksPerTrack();
        return d.extent((int) (v.startBlock() / bpt), (int) (v.endBlock() / bpt));
    }

    @Override
    public void close() throws IOException {
        dasd.close();
    }
}
