package io.sadump.archive;

import io.sadump.device.DeviceException;
import io.sadump.device.ckd.CkdDeviceHeader;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.ckd.EckdExtent;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.device.tape.AwsChunkHeader;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeDumpFile;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfHeader;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the dump in files by their content, as zgetdump probes its input formats (reference
 * s390-tools-dump.md §3, {@code zdump/dfi.c}): a Hercules 3390 CKD image (the dump partition holds an
 * s390_ext dump, or one volume of a multi-volume set), an AWSTAPE image (a classic dump as the tape's
 * second file), a plain file with a classic s390 or an s390_ext dump, or an s390x ELF core.
 *
 * <p>The result is returned even when the dump is incomplete ({@link ReadBackDump#complete()} false),
 * so that {@code -i} can show what is there. Files that hold no dump fail with a {@link
 * DumpFormatException} whose message names the file and says what it found.
 */
public final class DumpOpener {
    private DumpOpener() {}

    /** Bytes looked at to recognise a file. */
    static final int PROBE = 512;

    /** The kinds of file the opener recognises. */
    enum FileKind {
        CKD_IMAGE, AWS_TAPE, S390, S390_EXT, ELF
    }

    /** Opens the dump in {@code files}: one file, or all volumes of a multi-volume set in any order. */
    public static OpenedDump open(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no dump given");
        }
        if (files.size() == 1) {
            return openOne(files.get(0));
        }
        for (Path f : files) {
            if (kind(f) != FileKind.CKD_IMAGE) {
                throw new DumpFormatException(f + ": several sources make a multi-volume dump, and each must be a 3390 "
                        + "CKD image; this one is not");
            }
        }
        return openMultiVolume(files);
    }

    /** What a file is, by its first bytes. */
    static FileKind kind(Path file) throws IOException {
        long size = Files.size(file);
        if (Files.isDirectory(file)) {
            throw new DumpFormatException(file + ": is a directory, not a dump");
        }
        if (size == 0) {
            throw new DumpFormatException(file + ": the file is empty: no dump found");
        }
        byte[] b = new byte[PROBE];
        int n;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // fill
            }
            n = bb.position();
        }
        if (n >= 8) {
            String devid = new String(b, 0, 8, StandardCharsets.ISO_8859_1);
            if (devid.equals(CkdDeviceHeader.DEVID_PLAIN) || devid.equals(CkdDeviceHeader.DEVID_PLAIN_64)
                    || devid.equals(CkdDeviceHeader.DEVID_COMPRESSED) || devid.equals(CkdDeviceHeader.DEVID_SHADOW)) {
                return FileKind.CKD_IMAGE;
            }
            long magic = ByteBuffer.wrap(b).getLong(0);
            if (magic == S390DumpHeader.MAGIC) {
                return FileKind.S390;
            }
            if (magic == S390DumpHeader.MAGIC_EXT) {
                return FileKind.S390_EXT;
            }
        }
        if (n >= 4 && ElfHeader.hasMagic(ByteBuffer.wrap(b))) {
            return FileKind.ELF;
        }
        if (AwsChunkHeader.startsAwsImage(b, n, size)) {
            return FileKind.AWS_TAPE;
        }
        throw new DumpFormatException(String.format("%s: no valid dump found (%d bytes; not a CKD image, an AWS tape, "
                + "an s390 dump or an ELF core: it starts with %s)", file, size, hex(b, Math.min(n, 8))));
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }

    private static OpenedDump openOne(Path file) throws IOException {
        String name = file.toString();
        switch (kind(file)) {
            case S390:
                return single(readFile(file, ClassicS390DumpReader::inspect), "file", file);
            case S390_EXT:
                return single(readFile(file, S390ExtDumpReader::inspect), "file", file);
            case ELF:
                return single(readFile(file, ElfCoreReader::inspect), "file", file);
            case AWS_TAPE: {
                TapeDumpFile tape = mountTape(file);
                try {
                    return single(ClassicS390DumpReader.inspectTape(tape, name), "AWSTAPE image", file);
                } catch (IOException | RuntimeException e) {
                    tape.close();
                    throw e;
                }
            }
            case CKD_IMAGE:
            default:
                return openCkd(file);
        }
    }

    /** The dump file of an AWSTAPE image, mounted read-only; closing it unmounts the tape. */
    private static TapeDumpFile mountTape(Path file) throws IOException {
        try {
            return TapeDrive.mountDumpFile(file, file.toString(), S390DumpHeader::isDumpHeader);
        } catch (DeviceException e) {
            throw new DumpFormatException(e.getMessage(), e);
        }
    }

    private static OpenedDump single(ReadBackDump d, String medium, Path file) {
        return new OpenedDump(d, medium, List.of(file), List.of(new DumpVolume(0, file, Optional.empty(), "active")));
    }

    /** A reader of a dump in a block source. */
    @FunctionalInterface
    private interface SourceReader {
        ReadBackDump read(DumpBlockSource source, String name) throws IOException;
    }

    /** Reads a plain file; the dump owns the file on success, else it is closed. */
    private static ReadBackDump readFile(Path file, SourceReader reader) throws IOException {
        DumpBlockSource s = DumpBlockSource.of(FileChannel.open(file, StandardOpenOption.READ));
        try {
            return reader.read(s, file.toString());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static EckdDasd openDasd(Path file) throws IOException {
        try {
            return EckdDasd.open(file, false);
        } catch (DeviceException e) {
            throw new DumpFormatException(e.getMessage(), e);
        }
    }

    private static S390DumpHeader partitionHeader(EckdExtent p, Path file) throws IOException {
        byte[] b = new byte[S390DumpHeader.SIZE];
        try {
            p.read(0, b, 0, b.length);
        } catch (EOFException e) {
            throw new DumpFormatException(file + ": no valid dump found: the dump partition of the 3390 is not formatted "
                    + "(no dump was written)", e);
        }
        return S390DumpHeader.read(ByteBuffer.wrap(b));
    }

    private static OpenedDump openCkd(Path file) throws IOException {
        EckdDasd dasd = openDasd(file);
        EckdExtent p = dasd.dumpPartition().closingDasd();
        String name = file.toString();
        try {
            S390DumpHeader h = partitionHeader(p, file);
            if (h.magic() == S390DumpHeader.MAGIC_EXT && h.multiVolume() == 1) {
                p.close();
                return openMultiVolume(List.of(file));
            }
            ReadBackDump d;
            if (h.magic() == S390DumpHeader.MAGIC_EXT) {
                d = S390ExtDumpReader.inspect(p, name);
            } else if (h.magic() == S390DumpHeader.MAGIC) {
                d = ClassicS390DumpReader.inspect(p, name);
            } else {
                throw new DumpFormatException(String.format("%s: no valid dump found on the 3390: the dump partition "
                        + "starts with %016x, not an s390 dump header", name, h.magic()));
            }
            return single(d, "3390 CKD image", file);
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** One opened volume of a multi-volume set. */
    private record MvVolume(Path file, EckdExtent source, Optional<MultiVolumeTable> table,
            Optional<DeviceNumber> device, S390DumpHeader header) {}

    private static OpenedDump openMultiVolume(List<Path> files) throws IOException {
        List<MvVolume> vols = new ArrayList<>();
        try {
            for (Path f : files) {
                EckdDasd dasd = openDasd(f);
                EckdExtent p = dasd.dumpPartition().closingDasd();
                Optional<MultiVolumeTable> table;
                S390DumpHeader h;
                try {
                    DumpDeviceInfo info = DumpDevicePreparer.inspect(dasd);
                    table = info.multiVolumeTable();
                    h = partitionHeader(p, f);
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
        ReadBackDump d = S390ExtDumpReader.inspectMultiVolume(sources, names);
        return new OpenedDump(d, "3390 CKD images", files, out);
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
