package io.sadump.device;

import io.sadump.device.ckd.CkdGeometry;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.tape.TapeDrive;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.AttachedDevice.DeviceType;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import io.sadump.machine.MachineLockedException;
import io.sadump.machine.Sizes;
import io.sadump.machine.output.RangeUndoRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The devices of a machine directory: their images under {@link MachineDirectory#devicesDir()}
 * ({@code 0.0.0190.3390}, {@code 0.0.0181.aws}), created when a device is attached and opened by device
 * number.
 *
 * <p>Defaults: a DASD has {@value #DEFAULT_DASD_CYLINDERS} cylinders (a 3390-3: 50085 tracks, 601020
 * blocks of 4 KiB = 2.29 GiB of dump space; the sparse image is 2.65 GiB long but only about 200 MiB
 * are allocated, since every track needs its home address, R0 and end-of-track marker, and creating it
 * takes about half a second). A tape cartridge holds {@link #DEFAULT_TAPE_CAPACITY} = 800 MiB of image
 * file and starts blank (an empty file).
 */
public final class AttachedDevices {
    private AttachedDevices() {}

    /** Cylinders of a DASD attached without a size: a 3390-3. */
    public static final int DEFAULT_DASD_CYLINDERS = CkdGeometry.CYLINDERS_3390_3;
    /** Capacity of a tape attached without one: 800 MiB. */
    public static final long DEFAULT_TAPE_CAPACITY = TapeDrive.DEFAULT_CAPACITY;

    /**
     * Parses {@code DEVNO[:CYLS]} ({@code 0.0.0190}, {@code 190:100}) into a 3390 DASD.
     *
     * @throws InvalidValueException naming what is wrong
     */
    public static AttachedDevice parseDasd(String spec) {
        String[] p = spec.split(":", -1);
        if (p.length > 2) {
            throw new InvalidValueException("not a DASD: '" + spec + "' (DEVNO or DEVNO:CYLINDERS, e.g. 0.0.0190:100)");
        }
        DeviceNumber n = DeviceNumber.parse(p[0]);
        int cyls = DEFAULT_DASD_CYLINDERS;
        if (p.length == 2) {
            try {
                cyls = Integer.parseInt(p[1].strip());
            } catch (NumberFormatException e) {
                throw new InvalidValueException("not a cylinder count: '" + p[1] + "' in '" + spec + "'");
            }
            new CkdGeometry(cyls); // range check: 1..65520
        }
        return new AttachedDevice(n, DeviceType.DASD_3390, cyls);
    }

    /**
     * Parses {@code DEVNO[:CAPACITY]} ({@code 0.0.0181}, {@code 181:64M}) into a 3490 tape.
     *
     * @throws InvalidValueException naming what is wrong
     */
    public static AttachedDevice parseTape(String spec) {
        String[] p = spec.split(":", -1);
        if (p.length > 2) {
            throw new InvalidValueException("not a tape: '" + spec + "' (DEVNO or DEVNO:CAPACITY, e.g. 0.0.0181:800M)");
        }
        DeviceNumber n = DeviceNumber.parse(p[0]);
        long cap = DEFAULT_TAPE_CAPACITY;
        if (p.length == 2) {
            cap = Sizes.parse(p[1]);
            if (cap < Sizes.KIB * 64) {
                throw new InvalidValueException("a tape capacity must be at least 64K, got " + p[1]);
            }
        }
        return new AttachedDevice(n, DeviceType.TAPE_3490, cap);
    }

    /**
     * Creates the image of {@code device} in the machine's devices directory: a new 3390 volume
     * (volume serial {@code SD} + the 4 hex digits of the device number) or a blank tape.
     *
     * @return the image file
     * @throws DeviceException if the image exists or cannot be written
     */
    public static Path createImage(MachineDirectory machine, AttachedDevice device) throws DeviceException {
        Path image = machine.deviceImage(device);
        try {
            Files.createDirectories(machine.devicesDir());
        } catch (IOException e) {
            throw new DeviceException(device.number().toString(), "cannot create " + machine.devicesDir() + ": "
                    + e.getMessage(), e);
        }
        if (device.type() == DeviceType.DASD_3390) {
            if (device.capacity() < 1 || device.capacity() > CkdGeometry.MAX_CYLINDERS) {
                throw new InvalidValueException("a 3390 has 1.." + CkdGeometry.MAX_CYLINDERS + " cylinders, got "
                        + device.capacity());
            }
            String volser = String.format("SD%04X", device.number().devno());
            EckdDasd.create(image, new CkdGeometry((int) device.capacity()), volser, device.number().toString()).close();
        } else {
            TapeDrive.createVolume(image);
        }
        return image;
    }

    /** Creates the device's image and adds the device to the machine's configuration. */
    public static Path attach(MachineDirectory machine, MachineLock lock, AttachedDevice device)
            throws DeviceException {
        MachineConfig cfg = machine.config();
        if (cfg.device(device.number()).isPresent()) {
            throw new MachineException("device " + device.number() + " is already attached to " + machine.path());
        }
        Path image = createImage(machine, device);
        List<AttachedDevice> devs = new ArrayList<>(cfg.devices());
        devs.add(device);
        machine.saveConfig(lock, cfg.withDevices(devs));
        return image;
    }

    /**
     * The attached device {@code number}.
     *
     * @throws MachineException if no such device is attached
     */
    public static AttachedDevice device(MachineDirectory machine, DeviceNumber number) {
        return machine.config().device(number).orElseThrow(() -> new MachineException("device " + number
                + " is not attached to machine " + machine.path() + " (attached: " + attachedList(machine) + ")"));
    }

    private static String attachedList(MachineDirectory machine) {
        List<AttachedDevice> devs = machine.config().devices();
        return devs.isEmpty() ? "none" : devs.stream().map(d -> d.number() + " " + d.type().model())
                .collect(Collectors.joining(", "));
    }

    /**
     * Opens DASD {@code number} read-only. A preparation a kill cut short is undone first, under the
     * machine's lock, so that no reader sees a half-written dump tool; while another command holds the
     * lock, the preparation is that command's live work and the volume is read as it is.
     */
    public static EckdDasd openDasd(MachineDirectory machine, DeviceNumber number) throws DeviceException {
        Path image = machine.deviceImage(requireType(machine, number, DeviceType.DASD_3390));
        if (Files.exists(RangeUndoRecord.recordOf(image))) {
            try (MachineLock lock = machine.lock()) {
                undoInterruptedPreparation(machine, lock, number, image);
            } catch (MachineLockedException busy) {
                // the holder finishes or undoes its own preparation
            }
        }
        return EckdDasd.open(image, number.toString(), false);
    }

    /** Opens DASD {@code number} for writing; needs the machine's lock. */
    public static EckdDasd openDasd(MachineDirectory machine, MachineLock lock, DeviceNumber number)
            throws DeviceException {
        requireLock(lock);
        Path image = machine.deviceImage(requireType(machine, number, DeviceType.DASD_3390));
        undoInterruptedPreparation(machine, lock, number, image);
        EckdDasd dasd = EckdDasd.open(image, number.toString(), true);
        dasd.logWritesTo(machine.writeLog().orElse(null));
        return dasd;
    }

    /** Puts back the tracks a preparation cut short by a kill had rewritten, and says so. */
    private static void undoInterruptedPreparation(MachineDirectory machine, MachineLock lock, DeviceNumber number,
            Path image) throws DeviceException {
        try {
            if (RangeUndoRecord.recover(image)) {
                machine.announceRecovery(lock, "recovered an interrupted preparation of " + number
                        + ": the tracks it had rewritten are as before");
            }
        } catch (IOException e) {
            throw new DeviceException(number.toString(), "cannot undo an interrupted preparation of " + image
                    + " from " + RangeUndoRecord.recordOf(image) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A tape drive with tape {@code number}'s volume mounted read-only, at the load point. A block whose
     * write a kill cut short is cut off first, under the machine's lock (see {@link #openDasd}).
     */
    public static TapeDrive openTape(MachineDirectory machine, DeviceNumber number) throws DeviceException {
        AttachedDevice d = requireType(machine, number, DeviceType.TAPE_3490);
        Path image = machine.deviceImage(d);
        if (interruptedBlockAt(number, image) >= 0) {
            try (MachineLock lock = machine.lock()) {
                cutInterruptedBlock(machine, lock, number, image);
            } catch (MachineLockedException busy) {
                // the holder is writing the tape now
            }
        }
        TapeDrive t = new TapeDrive(number.toString());
        t.mount(machine.deviceImage(d), d.capacity(), false);
        return t;
    }

    /** A tape drive with tape {@code number}'s volume mounted for writing; needs the machine's lock. */
    public static TapeDrive openTape(MachineDirectory machine, MachineLock lock, DeviceNumber number)
            throws DeviceException {
        requireLock(lock);
        AttachedDevice d = requireType(machine, number, DeviceType.TAPE_3490);
        cutInterruptedBlock(machine, lock, number, machine.deviceImage(d));
        TapeDrive t = new TapeDrive(number.toString());
        t.mount(machine.deviceImage(d), d.capacity(), true);
        return t;
    }

    private static long interruptedBlockAt(DeviceNumber number, Path image) throws DeviceException {
        try {
            return Files.exists(image) ? TapeDrive.interruptedBlockAt(image) : -1;
        } catch (IOException e) {
            throw new DeviceException(number.toString(), "cannot read " + image + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts off the block a kill cut short at the end of a tape image, as a drive never reads back a
     * block whose write did not finish; the blocks before it (a dump cut short) stay, and say so when read.
     */
    private static void cutInterruptedBlock(MachineDirectory machine, MachineLock lock, DeviceNumber number,
            Path image) throws DeviceException {
        long at = interruptedBlockAt(number, image);
        if (at < 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(image,
                StandardOpenOption.WRITE)) {
            long cut = ch.size() - at;
            ch.truncate(at);
            ch.force(true);
            machine.announceRecovery(lock, "recovered an interrupted write on tape " + number + ": the " + cut
                    + " bytes of the block it cut short are removed at offset " + at);
        } catch (IOException e) {
            throw new DeviceException(number.toString(), "cannot cut the interrupted block off " + image + ": "
                    + e.getMessage(), e);
        }
    }

    private static AttachedDevice requireType(MachineDirectory machine, DeviceNumber number, DeviceType type) {
        AttachedDevice d = device(machine, number);
        if (d.type() != type) {
            throw new MachineException("device " + number + " is a " + describe(d.type()) + ", not a " + describe(type));
        }
        return d;
    }

    /** "3390 DASD" or "3490 tape". */
    public static String describe(DeviceType type) {
        return type == DeviceType.DASD_3390 ? "3390 DASD" : "3490 tape";
    }

    private static void requireLock(MachineLock lock) {
        if (lock == null || !lock.isValid()) {
            throw new IllegalStateException("writing a machine's device needs the machine's lock");
        }
    }
}
