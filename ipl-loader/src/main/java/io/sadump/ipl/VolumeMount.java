package io.sadump.ipl;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.tape.AwsChunkHeader;
import io.sadump.device.tape.TapeDrive;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.AttachedDevice.DeviceType;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineChange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The operator mounts a volume on an attached device: a tape cartridge (an AWSTAPE file) on a 3490, or
 * another disk (a Hercules CKD 3390 image) behind a DASD's device number, as Hercules' {@code devinit
 * devn file} swaps the file behind a device (docs/architecture.md §8). The tape dumper has no
 * end-of-volume prompt: a full cartridge ends the dump with "Device too small" (0x4600), and the operator
 * mounts a fresh cartridge for the next dump.
 *
 * <p>The machine directory is never left damaged: the image is checked in place first (a tape's whole
 * chunk chain, a DASD's device header, size and track 0), then copied, holes kept, next to the device's
 * image and moved over it in one rename. The volume that was mounted is not thrown away (it may hold a
 * dump): it moves to {@code devices/unmounted/}, as the operator puts the old cartridge on the shelf. A
 * DASD image of another size changes the device's cylinder count in the configuration.
 */
public final class VolumeMount {
    /** Where replaced volumes are kept, under the machine's devices directory. */
    public static final String UNMOUNTED = "unmounted";
    /** Copy buffer; all-zero blocks of this size are left as holes. */
    static final int COPY_BLOCK = 64 * 1024;
    /** The first bytes of every Hercules CKD device header's devid ({@code CKD_P370}, docs/formats.md §6). */
    static final String CKD_DEVID_PREFIX = "CKD_";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private VolumeMount() {}

    /**
     * What a mount did.
     *
     * @param image the device's image file now holding the new volume
     * @param volume what the volume is: {@code 3390 volume SD0190, 300 cylinders}, {@code AWSTAPE
     *     volume, 12.0M}
     * @param previous where the replaced volume was kept, if the device had one
     * @param message the console line, also appended to the console log
     */
    public record Result(DeviceNumber device, DeviceType type, Path source, Path image, String volume,
            Optional<Path> previous, String message) {}

    /**
     * Mounts {@code source} on device {@code number}.
     *
     * @throws MachineException when no such device is attached, the file is missing, or it is the
     *     device's own image (nothing changed)
     * @throws VolumeFormatException when the file is not a volume of the device's type (nothing changed)
     */
    public static Result mount(MachineDirectory machine, MachineLock lock, DeviceNumber number, Path source,
            Clock clock) throws IOException {
        Objects.requireNonNull(source, "source");
        AttachedDevice device = machine.config().device(number).orElseThrow(() -> new MachineException(
                "no device at " + number + "; attached: " + attached(machine)));
        if (!Files.exists(source)) {
            throw new MachineException("no volume to mount: " + source + " does not exist");
        }
        if (!Files.isRegularFile(source)) {
            throw new MachineException("cannot mount " + source + ": not a regular file");
        }
        Path image = machine.deviceImage(device);
        if (Files.exists(image) && Files.isSameFile(source, image)) {
            throw new MachineException(source + " is already the volume of " + number);
        }
        String what = AttachedDevices.describe(device.type());
        Checked checked;
        try {
            sniff(source, device.type());
            checked = device.type() == DeviceType.DASD_3390 ? checkDasd(source, device) : checkTape(source, device);
        } catch (DeviceException e) {
            String m = e.getMessage().startsWith(e.device() + ": ") ? e.getMessage().substring(e.device().length() + 2)
                    : e.getMessage();
            throw new VolumeFormatException("cannot mount " + source + " on " + number + " (" + what + "): " + m, e);
        }
        Path dir = machine.devicesDir();
        Path tmp = dir.resolve("." + device.imageName() + ".mount");
        Optional<Path> previous = Optional.empty();
        // The image swap and the config (a DASD's cylinders) change together: a kill in between puts the
        // previous volume back.
        try (MachineChange change = machine.beginChange(lock, "hmc mount " + number + " " + source.getFileName())) {
            try {
                Files.deleteIfExists(tmp);
                change.creates(tmp);
                try {
                    copySparse(source, tmp);
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        ch.force(true); // the new volume is on the disk before it replaces the old one
                    }
                } catch (IOException e) {
                    // a bare "No space left on device" would not say what did not fit
                    throw new IOException("copying " + source + " to " + tmp + ": " + e.getMessage(), e);
                }
                if (Files.exists(image)) {
                    Path shelf = dir.resolve(UNMOUNTED);
                    if (!Files.isDirectory(shelf)) {
                        change.creates(shelf);
                        Files.createDirectories(shelf);
                    }
                    Path kept = shelf.resolve(number + "-" + STAMP.format(clock.instant()) + "."
                            + device.type().imageSuffix());
                    for (int i = 2; Files.exists(kept); i++) {
                        kept = shelf.resolve(number + "-" + STAMP.format(clock.instant()) + "-" + i + "."
                                + device.type().imageSuffix());
                    }
                    change.rename(image, kept);
                    previous = Optional.of(kept);
                }
                change.rename(tmp, image);
            } finally {
                if (!change.isFinished()) {
                    Files.deleteIfExists(tmp);
                }
            }
            if (device.type() == DeviceType.DASD_3390 && checked.cylinders() != device.capacity()) {
                List<AttachedDevice> devices = new ArrayList<>();
                for (AttachedDevice d : machine.config().devices()) {
                    devices.add(d.number().equals(number) ? new AttachedDevice(number, d.type(), checked.cylinders())
                            : d);
                }
                machine.saveConfig(lock, machine.config().withDevices(devices));
            }
            change.commit();
        }
        String message = "HMC: mount " + number + ": " + source.getFileName() + " (" + checked.volume() + ")"
                + previous.map(p -> "; the previous volume is kept as " + machine.path().relativize(p)).orElse("");
        machine.appendConsole(lock, List.of(message));
        return new Result(number, device.type(), source, image, checked.volume(), previous, message);
    }

    /** What the check found. */
    private record Checked(String volume, long cylinders) {}

    /**
     * Names the common mistake, a volume of the other device type, before the format checks (which would
     * report the first bytes of a CKD header as a compressed tape chunk).
     */
    private static void sniff(Path source, DeviceType type) throws IOException {
        byte[] head = new byte[Math.max(CKD_DEVID_PREFIX.length(), AwsChunkHeader.SIZE)];
        int n;
        try (var in = Files.newInputStream(source)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String name = source.getFileName().toString();
        int p = CKD_DEVID_PREFIX.length();
        boolean ckd = n >= p
                && new String(head, 0, p, java.nio.charset.StandardCharsets.US_ASCII).equals(CKD_DEVID_PREFIX);
        if (type == DeviceType.TAPE_3490 && ckd) {
            throw new DeviceException(name, "a Hercules CKD DASD image, not an AWSTAPE tape volume");
        }
        if (type == DeviceType.DASD_3390) {
            if (n == 0) {
                throw new DeviceException(name, "an empty file, not a CKD 3390 image");
            }
            boolean aws = n >= AwsChunkHeader.SIZE && (head[5] == 0)
                    && ((head[4] & 0xFF) == AwsChunkHeader.BLOCK || (head[4] & 0xFF) == AwsChunkHeader.TAPEMARK
                            || (head[4] & 0xFF) == AwsChunkHeader.NEWREC);
            if (aws && !ckd) {
                throw new DeviceException(name, "an AWSTAPE tape volume, not a CKD 3390 image");
            }
        }
    }

    private static Checked checkDasd(Path source, AttachedDevice device) throws IOException {
        try (EckdDasd dasd = EckdDasd.open(source, source.getFileName().toString(), false)) {
            dasd.readTrack(0); // home address, R0 and the records of track 0
            String volser = dasd.volser();
            int cyls = dasd.geometry().cylinders();
            return new Checked("3390 volume " + (volser.isEmpty() ? "without label" : volser) + ", " + cyls
                    + " cylinders", cyls);
        }
    }

    private static Checked checkTape(Path source, AttachedDevice device) throws IOException {
        long size = Files.size(source);
        if (size > device.capacity()) {
            throw new DeviceException(source.getFileName().toString(), "the volume holds " + Sizes.format(size) + ", more than the "
                    + Sizes.format(device.capacity()) + " cartridge capacity of " + device.number());
        }
        TapeDrive drive = new TapeDrive(source.getFileName().toString());
        drive.mount(source, device.capacity(), false); // walks and checks the whole chunk chain
        drive.unmount();
        return new Checked(size == 0 ? "blank AWSTAPE volume" : "AWSTAPE volume, " + Sizes.format(size) + " used",
                device.capacity());
    }

    /** Copies {@code from} to a new {@code to}, leaving all-zero blocks as holes (images are sparse). */
    static void copySparse(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            long size = in.size();
            ByteBuffer buf = ByteBuffer.allocate(COPY_BLOCK);
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n < 0) {
                    throw new IOException(from + " ended at " + pos + " while copying, " + size + " bytes expected");
                }
                if (!allZero(buf.array(), n)) {
                    buf.flip();
                    long p = pos;
                    while (buf.hasRemaining()) {
                        p += out.write(buf, p);
                    }
                }
                pos += n;
            }
            if (out.size() < size) {
                out.write(ByteBuffer.allocate(1), size - 1); // the length, with a trailing hole
            }
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String attached(MachineDirectory machine) {
        List<AttachedDevice> devs = machine.config().devices();
        return devs.isEmpty() ? "none" : devs.stream()
                .map(d -> d.number() + " (" + AttachedDevices.describe(d.type()) + ")").collect(Collectors.joining(", "));
    }

    /** The file is not a volume the device can use; nothing was changed. */
    public static final class VolumeFormatException extends MachineException {
        private static final long serialVersionUID = 1L;

        VolumeFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
