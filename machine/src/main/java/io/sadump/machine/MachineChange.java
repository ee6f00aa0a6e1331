package io.sadump.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * One multi-step change of a machine (a load with its swap and re-IPL, a kexec load, an injection, a
 * mount), journaled in {@code DIR/change.journal} so that a kill at any moment can be undone by the
 * next command that opens the machine ({@link MachineJournal#recover}).
 *
 * <p>The journal is an undo log. It starts with copies of the machine's small state files; before a
 * storage frame is first changed its old content (or "was never written") is appended, and before a
 * file is renamed or created the rename or creation is appended. Every record is forced to the disk
 * before the change it describes, so whatever part of the change reached the disk, its undo data did
 * first. {@link #commit} removes the journal. A journaled clear of storage replaces the image by a
 * new file and keeps the old one aside until the commit, so a re-IPL needs no copy of storage.
 *
 * <p>Tests interrupt a change at a chosen step through a {@link StepHook}: every record and every
 * storage write is a step.
 */
public final class MachineChange implements AutoCloseable {
    /** Called before every step; a test throws from it to cut the change short, as a kill would. */
    @FunctionalInterface
    public interface StepHook {
        void step(long step, String what);
    }

    private final MachineDirectory machine;
    private final String description;
    private final FileChannel channel;
    private final long storageSize;
    /** Frames whose old content is in the journal. */
    private final BitSet preserved = new BitSet();
    private final StepHook hook;
    private final List<FileStorage> storages = new ArrayList<>();
    private final List<Path> removeAfterCommit = new ArrayList<>();
    /** Set by a journaled clear: the old image is kept whole, so later writes need no undo data. */
    private boolean imageReplaced;
    private long steps;
    private boolean finished;

    /** The change this one is part of (begun inside it under the same lock), or null. */
    private final MachineChange outer;

    private MachineChange(MachineChange outer) {
        this.outer = outer;
        this.machine = outer.machine;
        this.description = outer.description;
        this.channel = null;
        this.storageSize = outer.storageSize;
        this.hook = null;
    }

    /** A part of this change: its steps are this change's, and its commit and close leave it to the owner. */
    MachineChange nested() {
        return new MachineChange(this);
    }

    private MachineChange(MachineDirectory machine, String description, FileChannel channel, StepHook hook) {
        this.outer = null;
        this.machine = machine;
        this.description = description;
        this.channel = channel;
        this.storageSize = machine.config().storageSize();
        this.hook = hook;
    }

    /** Writes and forces the header: the description and the state files as they are now. */
    static MachineChange begin(MachineDirectory machine, String description, List<String> stateFiles, StepHook hook) {
        Path file = machine.path().resolve(MachineJournal.FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            MachineChange change = new MachineChange(machine, description, ch, hook);
            change.append(MachineJournal.header(machine.path(), description, stateFiles));
            MachineJournal.syncDirectory(machine.path());
            return change;
        } catch (IOException e) {
            removeUnbegun(ch, file);
            throw new MachineException("cannot journal the change of machine " + machine.path() + " in " + file + ": "
                    + e.getMessage(), e);
        } catch (MachineException e) {
            // the header did not fit (a full disk): nothing was changed, so no journal may stay behind
            removeUnbegun(ch, file);
            throw e;
        }
    }

    private static void removeUnbegun(FileChannel ch, Path file) {
        closeQuietly(ch);
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the original failure is what the caller hears about
        }
    }

    public String description() {
        return description;
    }

    /** Makes {@code storage} journal each frame before its first change. */
    void attach(FileStorage storage) {
        if (outer != null) {
            outer.attach(storage);
            return;
        }
        storages.add(storage);
        storage.journalTo(this);
    }

    /**
     * Journals the old content of every frame of {@code [address, address+length)} now, with one
     * force at the end: cheaper than a record per first write when a large range will change.
     */
    public void preserve(AbsoluteStorage storage, long address, long length) {
        if (outer != null) {
            outer.preserve(storage, address, length);
            return;
        }
        if (imageReplaced) {
            return;
        }
        storage.checkRange(address, length);
        if (length == 0) {
            return;
        }
        long first = address >>> FrameRecord.FRAME_SHIFT;
        long last = (address + length - 1) >>> FrameRecord.FRAME_SHIFT;
        for (long f = first; f <= last; f++) {
            preserveFrame(storage, f);
        }
        force();
    }

    /**
     * Journals and runs a planned exchange of two ranges (the crashkernel swap): one record per chunk
     * with the bytes of one side only ({@link StorageExchange}, which also proves the undo), forced
     * once before the first write. The exchange's own writes need no frame records; afterwards the
     * frames of both ranges are journaled again at their next write, so a later change of them is
     * undone first, back to what the exchange left, and then the exchange itself.
     */
    void exchange(FileStorage storage, StorageExchange plan) {
        if (outer != null) {
            outer.exchange(storage, plan);
            return;
        }
        if (imageReplaced) {
            plan.run(storage); // the new image is removed whole by an undo
            return;
        }
        requireOpen();
        for (int c = 0; c < plan.chunks(); c++) {
            if (plan.skipped(c)) {
                continue;
            }
            append(MachineJournal.exchangeRecord(plan.saved(c), plan.other(c), plan.size(c),
                    plan.savedBytes(storage, c)));
            step(String.format("journaled exchange of 0x%X with 0x%X", plan.saved(c), plan.other(c)));
        }
        force();
        int[] ranges = {frameIndex(plan.first()), frameIndex(plan.first() + plan.length() - 1),
                frameIndex(plan.second()), frameIndex(plan.second() + plan.length() - 1)};
        preserved.set(ranges[0], ranges[1] + 1);
        preserved.set(ranges[2], ranges[3] + 1);
        try {
            plan.run(storage);
        } finally {
            // The exchange's undo expects the ranges as the exchange left them: any later write to a
            // frame they touch (even one journaled before the exchange) journals that frame again, so
            // the undo, in reverse order, first puts it back to what the exchange left.
            preserved.clear(ranges[0], ranges[1] + 1);
            preserved.clear(ranges[2], ranges[3] + 1);
        }
    }

    private static int frameIndex(long address) {
        long f = address >>> FrameRecord.FRAME_SHIFT;
        if (f > Integer.MAX_VALUE) {
            throw new IllegalStateException("frame " + f + " beyond the journal's reach");
        }
        return (int) f;
    }

    /**
     * Before a storage write: journal the frames it changes that are not journaled yet. A frame whose
     * bytes the write leaves as they are is not journaled (yet): a re-IPL rewrites all of storage, most
     * of it with what was there, and only what differs needs undo data.
     */
    void beforeWrite(AbsoluteStorage storage, long address, byte[] src, int offset, int length) {
        if (outer != null) {
            outer.beforeWrite(storage, address, src, offset, length);
            return;
        }
        if (length <= 0 || imageReplaced) {
            // after a journaled clear the image written is a new file, removed whole by an undo
            step(String.format("storage write at 0x%X, %d bytes", address, length));
            return;
        }
        long end = address + length;
        long first = address >>> FrameRecord.FRAME_SHIFT;
        long last = (end - 1) >>> FrameRecord.FRAME_SHIFT;
        boolean appended = false;
        byte[] now = null;
        for (long f = first; f <= last; f++) {
            if (preserved.get((int) f)) {
                continue;
            }
            long from = Math.max(address, f << FrameRecord.FRAME_SHIFT);
            long to = Math.min(end, (f + 1) << FrameRecord.FRAME_SHIFT);
            int n = (int) (to - from);
            int at = offset + (int) (from - address);
            if (storage.writtenFrames().isWritten(f)) {
                if (now == null || now.length < n) {
                    now = new byte[n];
                }
                storage.readRaw(from, now, 0, n);
                if (Arrays.equals(now, 0, n, src, at, at + n)) {
                    continue;
                }
            } else if (allZero(src, at, n)) {
                continue; // zeros over a frame never written change nothing
            }
            appended |= preserveFrame(storage, f);
        }
        if (appended) {
            force();
        }
        step(String.format("storage write at 0x%X, %d bytes", address, length));
    }

    /**
     * Storage was cleared by replacing its image (the old one is kept aside, see {@link FileStorage}):
     * the writes to the new image need no undo data, since an undo removes it whole.
     */
    void cleared() {
        if (outer != null) {
            outer.cleared();
            return;
        }
        requireOpen();
        append(MachineJournal.clearedRecord());
        force();
        imageReplaced = true;
        step("storage cleared");
    }

    /** Removes {@code file} once the change is committed (what the change replaced, kept for undo till then). */
    void removeAfterCommit(Path file) {
        if (outer != null) {
            outer.removeAfterCommit(file);
            return;
        }
        removeAfterCommit.add(file);
    }

    /** Appends the frame's old content unless it is journaled already; the caller forces. */
    private boolean preserveFrame(AbsoluteStorage storage, long frame) {
        requireOpen();
        if (frame > Integer.MAX_VALUE) {
            throw new IllegalStateException("frame " + frame + " beyond the journal's reach");
        }
        if (preserved.get((int) frame)) {
            return false;
        }
        long start = frame << FrameRecord.FRAME_SHIFT;
        int len = (int) Math.min(FrameRecord.FRAME_SIZE, storageSize - start);
        byte[] data = null;
        if (storage.writtenFrames().isWritten(frame)) {
            data = new byte[len];
            storage.readRaw(start, data, 0, len);
        }
        append(MachineJournal.frameRecord(frame, len, data));
        preserved.set((int) frame);
        step("journaled frame " + frame);
        return true;
    }

    private static boolean allZero(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Renames {@code from} to {@code to} (both in the machine directory's file system), journaled
     * first, so an interrupted change renames it back.
     */
    public void rename(Path from, Path to) throws IOException {
        if (outer != null) {
            outer.rename(from, to);
            return;
        }
        requireOpen();
        append(MachineJournal.renameRecord(machine.path(), from, to));
        force();
        step("rename " + from.getFileName() + " to " + to.getFileName());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Journals that {@code file} will be made by this change (by the caller, next), so an interrupted
     * change removes it. The file must not exist yet.
     */
    public void creates(Path file) {
        if (outer != null) {
            outer.creates(file);
            return;
        }
        requireOpen();
        append(MachineJournal.createdRecord(machine.path(), file));
        force();
        step("create " + file.getFileName());
    }

    /** Journals how far the change got, for the recovery's message ("crashkernel swap ..."). */
    public void note(String what) {
        if (outer != null) {
            outer.note(what);
            return;
        }
        requireOpen();
        append(MachineJournal.noteRecord(what));
        force();
        step(what);
    }

    /** Journals a step with no record of its own (a point where a test may cut the change short). */
    public void step(String what) {
        if (outer != null) {
            outer.step(what);
            return;
        }
        steps++;
        if (hook != null) {
            hook.step(steps, what);
        }
    }

    /** The steps taken so far (tests pick the step to interrupt at from a full run's count). */
    public long steps() {
        if (outer != null) {
            return outer.steps();
        }
        return steps;
    }

    /**
     * The change is complete: the frame record is saved, then the journal is removed.
     *
     * <p>storage.img is not forced to the disk here. It models volatile memory ({@link FileStorage}
     * never forces it: waiting for gigabytes per command was rejected), and a kill, the failure this
     * journal is for, loses nothing in the page cache. The journal's own records are forced before
     * the writes they cover, so any storage write that a host crash lets reach the disk has its undo
     * data there too, while the change is uncommitted.
     */
    public void commit() {
        if (outer != null) {
            return; // the owner commits
        }
        requireOpen();
        step("commit");
        for (FileStorage s : storages) {
            s.sync();
        }
        finished = true;
        closeQuietly(channel);
        try {
            Files.deleteIfExists(machine.path().resolve(MachineJournal.FILE));
            MachineJournal.syncDirectory(machine.path());
            for (Path p : removeAfterCommit) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new MachineException("cannot remove the journal of machine " + machine.path() + ": "
                    + e.getMessage(), e);
        } finally {
            detach();
        }
    }

    /** True once committed or abandoned. */
    public boolean isFinished() {
        if (outer != null) {
            return outer.isFinished();
        }
        return finished;
    }

    /**
     * Without a commit the change failed in this process: what it did is undone now, from the journal,
     * as the next command would after a kill.
     */
    @Override
    public void close() {
        if (outer == null && !finished) {
            finished = true;
            closeQuietly(channel);
            detach();
            // a failure in this process: undo now, under the lock still held
            machine.recoverInterruptedChange();
        }
    }

    private void detach() {
        for (FileStorage s : storages) {
            s.journalTo(null);
        }
        storages.clear();
    }

    private void requireOpen() {
        if (finished) {
            throw new IllegalStateException("the change '" + description + "' is finished");
        }
    }

    private void append(ByteBuffer record) {
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            throw new MachineException("cannot write the journal of machine " + machine.path() + ": "
                    + e.getMessage(), e);
        }
    }

    private void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new MachineException("cannot write the journal of machine " + machine.path() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to lose: the journal is forced after every record
        }
    }

    @Override
    public String toString() {
        return Objects.toString(description);
    }

}
