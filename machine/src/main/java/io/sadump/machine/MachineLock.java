package io.sadump.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The write lock of a machine directory: an OS file lock on {@code DIR/.lock}, so a second writer (in
 * this or another process) is refused with a clear message. The OS drops it if the process dies.
 *
 * <p>The OS lock belongs to the process, and on Linux closing <em>any</em> descriptor of the file drops
 * it (see {@link FileLock}). So a lock file held by this JVM is never opened a second time: the locks
 * held here are also kept in {@link #HELD}, and a second attempt in this JVM is refused from there.
 */
public final class MachineLock implements AutoCloseable {
    /** Lock files (absolute, normalized) this JVM holds. Guarded by itself. */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    /** The machine this lock guards, for undoing an abandoned change on release. */
    private MachineDirectory machine;
    /** The change journaled under this lock, if one is in progress. */
    private MachineChange change;

    private MachineLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static MachineLock acquire(Path dir) {
        Path file = lockFile(dir);
        synchronized (HELD) {
            if (HELD.contains(file)) {
                throw new MachineLockedException("machine " + dir + " is already locked by this process", false);
            }
            MachineLock lock = acquireFile(dir, file);
            HELD.add(file);
            return lock;
        }
    }

    /** The lock file by its real path, so two spellings of one directory (a symlink) are one lock. */
    private static Path lockFile(Path dir) {
        try {
            return dir.toRealPath().resolve(".lock");
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize().resolve(".lock");
        }
    }

    private static MachineLock acquireFile(Path dir, Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new MachineException("cannot lock machine " + dir + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String holder = holder(file);
                ch.close();
                throw new MachineLockedException("machine " + dir + " is in use by another sadump command" + holder
                        + "; wait for it to finish");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new MachineLock(file, ch, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new MachineLockedException("machine " + dir + " is already locked by this process", false);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new MachineException("cannot lock machine " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "" : " (pid " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the lock attempt already failed; that is what the caller hears about
        }
    }

    /** Called before every step of the changes begun under this lock (tests interrupt there). */
    private MachineChange.StepHook stepHook;

    /**
     * Calls {@code hook} before every step of every change begun under this lock: a test throws from
     * it to cut a change short where a kill could.
     */
    public void onChangeStep(MachineChange.StepHook hook) {
        this.stepHook = hook;
    }

    MachineChange.StepHook stepHook() {
        return stepHook;
    }

    void setMachine(MachineDirectory m) {
        this.machine = m;
    }

    MachineChange change() {
        return change != null && !change.isFinished() ? change : null;
    }

    void setChange(MachineChange c) {
        this.change = c;
    }

    public boolean isValid() {
        return lock.isValid();
    }

    /** True if this is the lock of the machine in {@code dir}. */
    boolean guards(Path dir) {
        return file.equals(lockFile(dir));
    }

    /**
     * Releases the lock. A change begun under it and neither committed nor interrupted by a kill (a
     * failure in this process) is undone first, while the lock is still held.
     */
    @Override
    public void close() {
        synchronized (HELD) {
            if (!channel.isOpen()) {
                return; // closed before: closing twice is harmless
            }
            try {
                if (change != null) {
                    MachineChange c = change;
                    change = null;
                    if (!c.isFinished() || MachineJournal.pending(machine.path())) {
                        c.close();
                        machine.recoverInterruptedChange();
                    }
                }
            } finally {
                release();
            }
        }
    }

    private void release() {
        synchronized (HELD) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new MachineException("releasing the machine lock failed: " + e.getMessage(), e);
            } finally {
                HELD.remove(file);
            }
        }
    }
}
