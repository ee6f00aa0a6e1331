package io.sadump.device;

import java.util.Locale;
import java.util.Objects;

/**
 * Injected I/O faults: which writes (or reads) of a device fail with {@link DeviceIoErrorException}
 * (unit check, equipment check), or where the volume ends early, so tests can drive a dumper's error
 * and end-of-volume paths.
 *
 * <p>A plan is installed on one device ({@code EckdDasd.setFaultPlan}, {@code TapeDrive.setFaultPlan})
 * or on a file target ({@link FaultPlanChannel}, the file system the kdump kernel writes its vmcore to)
 * and counts from then on. Rules:
 *
 * <ul>
 *   <li>{@code write#N}: the N-th data block written (1-based) fails, once. For a DASD a block is one
 *       4096-byte record; the whole track write that contains it fails and nothing of that track is
 *       written (earlier tracks of the same call stay written). For a tape it is the N-th block; tape
 *       marks are not counted.
 *   <li>{@code track:T}: every write to DASD track T (absolute track number, cyl * 15 + head) fails.
 *   <li>{@code block:B}: every write to DASD volume block B fails.
 *   <li>{@code read-block:B}: every read of DASD volume block B fails (data check).
 *   <li>{@code eov:B}: the volume ends before block B. A DASD write that reaches volume block B or
 *       beyond is refused as past the end of the extent ({@link io.sadump.device.ckd.EndOfExtentException},
 *       which a dump sees as {@code DumpDeviceFullException}, "Device too small"); nothing of that
 *       write is transferred. On a tape, writing the block whose block ID is B or more meets end of
 *       tape ({@link io.sadump.device.tape.EndOfVolumeException}); tape marks are still written, as
 *       past a real cartridge's capacity.
 * </ul>
 *
 * On a file target the unit is the byte: {@code write#N} fails the write that carries the N-th byte
 * (1-based), {@code block:B} every write that covers byte offset B, and {@code eov:B} refuses any
 * write reaching past byte offset B with "No space left on device" (the file system is full).
 *
 * A plan is mutable (it counts writes) and belongs to one device; it is not thread-safe.
 */
public final class IoFaultPlan {
    /** Which rule a plan applies. */
    public enum Kind {
        NONE, NTH_WRITE, WRITE_TRACK, WRITE_BLOCK, READ_BLOCK, END_OF_VOLUME
    }

    private final Kind kind;
    private final long value;
    private long blocksWritten;
    private boolean fired;

    private IoFaultPlan(Kind kind, long value) {
        this.kind = Objects.requireNonNull(kind);
        this.value = value;
    }

    /** No injected errors. */
    public static IoFaultPlan none() {
        return new IoFaultPlan(Kind.NONE, 0);
    }

    /** The {@code n}-th block written from now on (1-based) fails, once. */
    public static IoFaultPlan failNthWrite(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("the failing write is counted from 1, got " + n);
        }
        return new IoFaultPlan(Kind.NTH_WRITE, n);
    }

    /** Every write to DASD track {@code track} (cyl * heads + head) fails. */
    public static IoFaultPlan failWritesToTrack(long track) {
        requireNonNegative(track, "track");
        return new IoFaultPlan(Kind.WRITE_TRACK, track);
    }

    /** Every write to DASD volume block {@code block} fails. */
    public static IoFaultPlan failWritesToBlock(long block) {
        requireNonNegative(block, "block");
        return new IoFaultPlan(Kind.WRITE_BLOCK, block);
    }

    /** Every read of DASD volume block {@code block} fails. */
    public static IoFaultPlan failReadsOfBlock(long block) {
        requireNonNegative(block, "block");
        return new IoFaultPlan(Kind.READ_BLOCK, block);
    }

    /** The volume ends before block {@code block}: writes reaching it meet end of volume. */
    public static IoFaultPlan endOfVolumeAt(long block) {
        requireNonNegative(block, "block");
        return new IoFaultPlan(Kind.END_OF_VOLUME, block);
    }

    /**
     * Parses the form {@link #toString()} writes: {@code none}, {@code write#N}, {@code track:T},
     * {@code block:B}, {@code read-block:B}, {@code eov:B}.
     */
    public static IoFaultPlan parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("none")) {
                return none();
            }
            if (t.startsWith("write#")) {
                return failNthWrite(Long.parseLong(t.substring(6)));
            }
            if (t.startsWith("track:")) {
                return failWritesToTrack(Long.parseLong(t.substring(6)));
            }
            if (t.startsWith("block:")) {
                return failWritesToBlock(Long.parseLong(t.substring(6)));
            }
            if (t.startsWith("read-block:")) {
                return failReadsOfBlock(Long.parseLong(t.substring(11)));
            }
            if (t.startsWith("eov:")) {
                return endOfVolumeAt(Long.parseLong(t.substring(4)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not an I/O fault: '" + text
                + "' (none, write#N, track:T, block:B, read-block:B, eov:B)");
    }

    public Kind kind() {
        return kind;
    }

    /** The rule's number: N, T or B. */
    public long value() {
        return value;
    }

    /**
     * Called before a write of {@code count} blocks starting at volume block {@code firstBlock} on
     * {@code track} (DASD; a tape passes track -1 and its block sequence number).
     *
     * @return a description of the injected error, or {@code null} if the write goes through
     */
    public String checkWrite(long track, long firstBlock, int count) {
        switch (kind) {
            case NTH_WRITE:
                long before = blocksWritten;
                blocksWritten += count;
                if (!fired && before < value && value <= blocksWritten) {
                    fired = true;
                    return "injected I/O error (equipment check) on write #" + value;
                }
                return null;
            case WRITE_TRACK:
                return track == value ? "injected I/O error (equipment check) writing track " + value : null;
            case WRITE_BLOCK:
                return firstBlock <= value && value < firstBlock + count
                        ? "injected I/O error (equipment check) writing block " + value : null;
            default:
                return null;
        }
    }

    /**
     * Whether a write of {@code count} blocks from block {@code firstBlock} reaches past an injected
     * end of volume ({@code eov:B}); such a write transfers nothing.
     */
    public boolean passesEndOfVolume(long firstBlock, long count) {
        return kind == Kind.END_OF_VOLUME && firstBlock + count > value;
    }

    /** Called before a read of {@code count} blocks from volume block {@code firstBlock}. */
    public String checkRead(long firstBlock, int count) {
        if (kind == Kind.READ_BLOCK && firstBlock <= value && value < firstBlock + count) {
            return "injected I/O error (data check) reading block " + value;
        }
        return null;
    }

    @Override
    public String toString() {
        switch (kind) {
            case NTH_WRITE:
                return "write#" + value;
            case WRITE_TRACK:
                return "track:" + value;
            case WRITE_BLOCK:
                return "block:" + value;
            case READ_BLOCK:
                return "read-block:" + value;
            case END_OF_VOLUME:
                return "eov:" + value;
            default:
                return "none";
        }
    }

    private static void requireNonNegative(long v, String what) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + v);
        }
    }
}
