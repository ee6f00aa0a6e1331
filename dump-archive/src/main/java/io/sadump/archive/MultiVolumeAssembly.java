package io.sadump.archive;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpMedium;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The volumes of a multi-volume DASD dump put in order, as zgetdump's {@code dfi_s390mv} finds them
 * (docs/formats.md §5): the set's multi-volume table (every prepared volume carries the
 * same copy) names each volume's device number; an image named {@code <devno>.3390}, as the machine
 * directory names it, is placed by that number, else by the volume number in its dump header. Images
 * of another set (another table time stamp) and missing volumes are refused with what is missing.
 */
final class MultiVolumeAssembly {
    private MultiVolumeAssembly() {}

    /** One opened volume of a multi-volume set. */
    private record MvVolume(Path file, EckdExtent source, Optional<MultiVolumeTable> table,
            Optional<DeviceNumber> device, S390DumpHeader header) {}

    /** Opens the volumes in {@code files} (any order) as one set. */
    static OpenedDump open(List<Path> files) throws IOException {
        List<MvVolume> vols = new ArrayList<>();
        try {
            for (Path f : files) {
                EckdDasd dasd = DumpOpener.openDasd(f);
                EckdExtent p = dasd.dumpPartition().closingDasd();
                Optional<MultiVolumeTable> table;
                S390DumpHeader h;
                try {
                    DumpDeviceInfo info = DumpDevicePreparer.inspect(dasd);
                    table = info.multiVolumeTable();
                    h = S390DumpHeader.read(ByteBuffer.wrap(DumpOpener.partitionHead(p, f)));
                } catch (IOException | RuntimeException e) {
                    p.close();
                    throw e;
                }
                vols.add(new MvVolume(f, p, table, deviceFromName(f), h));
            }
            return assemble(vols);
        } catch (IOException | RuntimeException e) {
            for (MvVolume v : vols) {
                try {
                    v.source().close();
                } catch (IOException ignored) {
                    // the open failed already
                }
            }
            throw e;
        }
    }

    /** A device number from an image named like the machine directory names it ({@code 0.0.0190.3390}). */
    static Optional<DeviceNumber> deviceFromName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        try {
            return Optional.of(DeviceNumber.parse(stem));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static OpenedDump assemble(List<MvVolume> vols) throws IOException {
        // The table of the set: the one the volumes carry (they all carry the same copy).
        Optional<MultiVolumeTable> table = vols.stream().map(MvVolume::table).flatMap(Optional::stream).findFirst();
        for (MvVolume v : vols) {
            if (v.table().isPresent() && table.isPresent() && v.table().get().timestamp() != table.get().timestamp()) {
                throw new DumpFormatException(v.file() + ": its multi-volume table has another time stamp than "
                        + vols.get(0).file() + "'s: the volumes are not one set (orphaned multi-volume dump device)");
            }
        }
        MvVolume[] ordered;
        List<DumpVolume> out = new ArrayList<>();
        if (table.isPresent()) {
            List<MultiVolumeTable.Volume> entries = table.get().volumes();
            ordered = new MvVolume[entries.size()];
            List<MvVolume> unplaced = new ArrayList<>();
            for (MvVolume v : vols) {
                int slot = -1;
                if (v.device().isPresent()) {
                    for (int i = 0; i < entries.size(); i++) {
                        if (sameDevno(entries.get(i).device(), v.device().get())) {
                            slot = i;
                        }
                    }
                }
                if (slot < 0 && activeHeader(v.header()) && v.header().volumeNumber() < entries.size()) {
                    slot = v.header().volumeNumber();
                }
                if (slot < 0 || ordered[slot] != null) {
                    unplaced.add(v);
                } else {
                    ordered[slot] = v;
                }
            }
            for (MvVolume v : unplaced) {
                boolean placed = false;
                for (int i = 0; i < ordered.length && !placed; i++) {
                    if (ordered[i] == null && !activeHeader(v.header())) {
                        ordered[i] = v;
                        placed = true;
                    }
                }
                if (!placed) {
                    throw new DumpFormatException(v.file() + ": cannot tell which volume of the multi-volume set this "
                            + "image is (name it <devno>.3390, as the machine directory does)");
                }
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < ordered.length; i++) {
                if (ordered[i] == null) {
                    missing.add("volume " + i + " (" + entries.get(i).device() + ")");
                }
            }
            if (!missing.isEmpty()) {
                throw new DumpFormatException("the multi-volume dump has " + entries.size() + " volumes; missing: "
                        + String.join(", ", missing) + ". Give the images of all volumes.");
            }
        } else {
            List<MvVolume> sorted = new ArrayList<>(vols);
            sorted.sort(Comparator.comparingInt(v -> v.header().volumeNumber()));
            ordered = sorted.toArray(new MvVolume[0]);
            for (int i = 0; i < ordered.length; i++) {
                if (ordered[i].header().volumeNumber() != i) {
                    throw new DumpFormatException("volume " + i + " of the multi-volume dump is missing (the volumes "
                            + "given carry no multi-volume table to name it)");
                }
            }
        }
        S390DumpHeader h0 = ordered[0].header();
        List<DumpBlockSource> sources = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < ordered.length; i++) {
            MvVolume v = ordered[i];
            sources.add(v.source());
            names.add(v.file().toString());
            files.add(v.file());
            boolean active = activeHeader(v.header()) && v.header().volumeNumber() == i && v.header().tod() == h0.tod();
            Optional<String> dev = table.map(t -> t.volumes().get(v == null ? 0 : indexOf(ordered, v)).device()
                    .toString());
            out.add(new DumpVolume(i, v.file(), dev, active ? "active" : "unused"));
        }
        ReadBackDump d = DumpFormatRegistry.of(DumpFormat.S390_MV_EXT).readVolumes(sources, names);
        return new OpenedDump(d, DumpMedium.CKD_IMAGE.label(ordered.length), files, out);
    }

    private static int indexOf(MvVolume[] a, MvVolume v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameDevno(DeviceNumber a, DeviceNumber b) {
        return a.devno() == b.devno() && a.ssid() == b.ssid();
    }

    private static boolean activeHeader(S390DumpHeader h) {
        return h.magic() == S390DumpHeader.MAGIC_EXT && h.multiVolume() == 1 && h.memSize() != 0;
    }
}
