package io.sadump.device.tape;

import io.sadump.device.DeviceException;
import io.sadump.machine.channel.TapeBlockSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The dump file of a tape, read block by block through a {@link TapeDrive}, as zgetdump reads a dump
 * tape through the st driver (docs/formats.md §2.2). Block 0 is the dump header: the
 * first block after the tape mark that closes the dump tool's file 1, or the very first block of the
 * tape when it is itself a dump header (a tape without a tool).
 *
 * <p>Seeking walks the chunk chain forward from the nearest of the drive positions kept every
 * {@value #CHECKPOINT_EVERY} blocks (kept as far as the file was read), so a seek is cheap and a tape of
 * any length costs a few bytes per {@value #CHECKPOINT_EVERY} blocks. The file remembers where it left
 * the drive and goes back there if someone else moved it. Reads are serialised.
 *
 * <p>Made by {@link TapeDrive#dumpFile} (closing leaves the tape mounted) or {@link
 * TapeDrive#mountDumpFile} (the file owns its drive: closing unmounts the tape).
 */
public final class TapeDumpFile implements TapeBlockSource {
    /** Blocks between two kept drive positions. */
    static final int CHECKPOINT_EVERY = 256;
    /** Bytes of the first block handed to the dump-header test: a 4 KiB s390 dump header fits. */
    private static final int HEADER_PROBE = 8192;
    private static final byte[] SKIP = new byte[0];

    private final TapeDrive drive;
    private final boolean ownsDrive;
    /** The drive's place at block {@code i * CHECKPOINT_EVERY}, as far as read. */
    private final List<TapeDrive.Place> checkpoints = new ArrayList<>();
    private TapeDrive.Place at;
    private long block;

    private TapeDumpFile(TapeDrive drive, TapeDrive.Place start, boolean ownsDrive) {
        this.drive = drive;
        this.ownsDrive = ownsDrive;
        this.at = start;
        checkpoints.add(start);
    }

    /** Finds the dump file of the tape mounted on {@code drive}. */
    static TapeDumpFile find(TapeDrive drive, Predicate<byte[]> isDumpHeader, boolean ownsDrive)
            throws DeviceException {
        drive.rewind();
        TapeDrive.Place loadPoint = drive.place();
        byte[] first = new byte[HEADER_PROBE];
        int n = drive.readInto(first);
        if (n > 0 && isDumpHeader.test(Arrays.copyOf(first, Math.min(n, first.length)))) {
            return new TapeDumpFile(drive, loadPoint, ownsDrive);
        }
        while (n != TAPEMARK) {
            if (n == END_OF_DATA) {
                throw new DeviceException(drive.name(), "no valid dump found on tape (no tape mark after the dump "
                        + "tool file, so no dump file follows)");
            }
            n = drive.readInto(SKIP);
        }
        return new TapeDumpFile(drive, drive.place(), ownsDrive);
    }

    /** The drive the file is read through. */
    public TapeDrive drive() {
        return drive;
    }

    @Override
    public synchronized int readBlock(byte[] dst) throws DeviceException {
        if (!drive.place().equals(at)) {
            drive.moveTo(at);
        }
        int n = drive.readInto(dst);
        if (n != END_OF_DATA) {
            block++;
            at = drive.place();
            if (block % CHECKPOINT_EVERY == 0 && block / CHECKPOINT_EVERY == checkpoints.size()) {
                checkpoints.add(at);
            }
        }
        return n;
    }

    /** Positions before block {@code target}; past the end of the data the next read says so. */
    @Override
    public synchronized void seekBlock(long target) throws DeviceException {
        if (target < 0) {
            throw new IllegalArgumentException("negative tape block " + target);
        }
        if (target == block) {
            return;
        }
        int cp = (int) Math.min(target / CHECKPOINT_EVERY, checkpoints.size() - 1);
        if (!(block <= target && block >= (long) cp * CHECKPOINT_EVERY)) {
            block = (long) cp * CHECKPOINT_EVERY;
            at = checkpoints.get(cp);
        }
        while (block < target) {
            if (readBlock(SKIP) == END_OF_DATA) {
                return;
            }
        }
    }

    /** Unmounts the tape if this file owns its drive ({@link TapeDrive#mountDumpFile}); else nothing. */
    @Override
    public void close() throws DeviceException {
        if (ownsDrive) {
            drive.close();
        }
    }

    /** Kept drive positions (for tests of the memory bound). */
    int checkpointCount() {
        return checkpoints.size();
    }
}
