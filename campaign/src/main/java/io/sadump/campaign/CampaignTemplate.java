package io.sadump.campaign;

import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.CkdGeometry;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.fixtures.KexecLoad;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The production system every scenario of a campaign starts from, built once per storage size and kept
 * in the campaign directory ({@code templates/<size>-v1/}); scenarios copy it (sparse) instead of
 * building it. The system: the given storage, 2 CPUs, the default crashkernel for that size, workload
 * {@code mixed} with seed 1, the synthetic kdump kernel loaded by kexec, and one 3390 at {@link #DASD}
 * prepared as a single-volume dump device with {@code --no-compress} (compression costs more time than a
 * campaign wants, and is not what a campaign tests) and cylinders enough for an uncompressed dump.
 */
public final class CampaignTemplate {
    /** The dump device of every campaign system. */
    public static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");
    /** Bumped whenever the recipe changes, so an old cached template is not used. */
    static final String VERSION = "v1";
    /** Host name of the campaign systems. */
    static final String NODENAME = "campaign";
    /** 12 blocks of 4 KiB per 3390 track (docs/formats.md §6.3), 15 tracks per cylinder. */
    private static final long BYTES_PER_CYLINDER = 12L * 4096 * CkdGeometry.HEADS;

    private final Path dir;
    private final long storageSize;
    private final boolean built;

    private CampaignTemplate(Path dir, long storageSize, boolean built) {
        this.dir = dir;
        this.storageSize = storageSize;
        this.built = built;
    }

    /** The machine directory to copy. */
    public Path machineDir() {
        return dir;
    }

    public long storageSize() {
        return storageSize;
    }

    /** Whether {@link #ensure} had to build it (false when it was cached). */
    public boolean wasBuilt() {
        return built;
    }

    /** Cylinders of the DASD for a system of {@code storageSize}: an uncompressed dump, track 0, and slack. */
    static int dasdCylinders(long storageSize) {
        long cylinders = (storageSize + BYTES_PER_CYLINDER - 1) / BYTES_PER_CYLINDER + 2;
        if (cylinders > CkdGeometry.MAX_CYLINDERS) {
            throw new InvalidValueException("a campaign system of " + Sizes.format(storageSize) + " needs "
                    + cylinders + " cylinders for its dump; a 3390 has at most " + CkdGeometry.MAX_CYLINDERS);
        }
        return (int) cylinders;
    }

    /**
     * The template for {@code storageSize} under {@code campaignDir}, built when it is not there yet. A
     * half-built template (a crash while building) is never used: it is built in a temporary directory and
     * renamed into place when complete.
     */
    public static CampaignTemplate ensure(Path campaignDir, long storageSize) {
        ProductionSystem.validate(ProductionSystem.Spec.of(storageSize, NODENAME));
        dasdCylinders(storageSize);
        Path root = campaignDir.resolve("templates");
        Path dir = root.resolve(Sizes.format(storageSize) + "-" + VERSION);
        if (Files.isDirectory(dir)) {
            return new CampaignTemplate(dir, storageSize, false);
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".building-");
            try {
                build(tmp.resolve("m"), storageSize);
                try {
                    Files.move(tmp.resolve("m"), dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    if (!Files.isDirectory(dir)) {
                        throw e;
                    }
                    // another campaign built it at the same time; use theirs
                }
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new MachineException("cannot build the campaign template in " + dir + ": " + e.getMessage(), e);
        }
        return new CampaignTemplate(dir, storageSize, true);
    }

    private static void build(Path dir, long storageSize) throws IOException {
        ProductionSystem system = ProductionSystem.create(dir, ProductionSystem.Spec.of(storageSize, NODENAME));
        MachineDirectory machine = system.machine();
        try (MachineLock lock = machine.lock()) {
            AttachedDevices.attach(machine, lock, new AttachedDevice(DASD, AttachedDevice.DeviceType.DASD_3390,
                    dasdCylinders(storageSize)));
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, DASD)) {
                DumpDevicePreparer.prepareDasd(dasd, new DumpToolOptions(OptionalLong.empty(), true, false));
            }
            KexecLoad.load(machine, lock, KexecLoad.Request.synthetic());
        }
        Files.deleteIfExists(dir.resolve(".lock"));
    }

    /** Removes a directory tree; used for scenario directories and half-built templates. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
