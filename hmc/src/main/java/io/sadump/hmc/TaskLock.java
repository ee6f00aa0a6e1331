package io.sadump.hmc;

import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.MachineLockedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One task per machine at a time. Within this process a map of the machines whose task runs here
 * answers at once, with the holder; across processes the machine's {@link MachineLock} refuses, and the
 * holder note written beside it ({@value #NOTE}: pid, user, task, time) names who holds it. A note
 * whose pid is not the lock's (a command that writes no note holds the lock, or a holder was killed) is
 * not believed: the lock's own refusal is passed on then.
 */
final class TaskLock implements AutoCloseable {
    /** The holder note's file name in the machine directory. */
    static final String NOTE = ".lock.holder";

    private static final Map<Path, TaskHolder> RUNNING = new ConcurrentHashMap<>();

    private final Path key;
    private final Path note;
    private final MachineLock lock;

    private TaskLock(Path key, Path note, MachineLock lock) {
        this.key = key;
        this.note = note;
        this.lock = lock;
    }

    /** Takes the machine for {@code holder}'s task, or throws {@link MachineBusyException} naming who has it. */
    static TaskLock take(MachineDirectory machine, TaskHolder holder) {
        Path key = key(machine.path());
        TaskHolder other = RUNNING.putIfAbsent(key, holder);
        if (other != null) {
            throw new MachineBusyException(machine.path().toString(), other);
        }
        try {
            MachineLock lock;
            try {
                lock = machine.lock();
            } catch (MachineLockedException e) {
                // a lock this process holds outside a task (a library call) has no note to believe
                Optional<TaskHolder> noted = e.otherProcess() ? noted(machine.path()) : Optional.empty();
                if (noted.isPresent()) {
                    throw new MachineBusyException(machine.path().toString(), noted.get());
                }
                throw e;
            }
            Path note = machine.path().resolve(NOTE);
            writeNote(note, holder);
            return new TaskLock(key, note, lock);
        } catch (RuntimeException e) {
            RUNNING.remove(key, holder);
            throw e;
        }
    }

    /** Who runs a task on the machine in {@code dir} in this process, if anyone does. */
    static Optional<TaskHolder> runningHere(Path dir) {
        return Optional.ofNullable(RUNNING.get(key(dir)));
    }

    /** Who runs a task on the machine in {@code dir} now, if an HMC task does (in any process). */
    static Optional<TaskHolder> holder(Path dir) {
        TaskHolder here = RUNNING.get(key(dir));
        return here != null ? Optional.of(here) : noted(dir);
    }

    /** The holder the note names, if the note's pid holds the lock (another process's task). */
    private static Optional<TaskHolder> noted(Path dir) {
        try {
            String lockPid = Files.readString(dir.resolve(".lock"), StandardCharsets.US_ASCII).strip();
            Map<String, String> fields = Settings.parse(Files.readString(dir.resolve(NOTE), StandardCharsets.UTF_8));
            if (lockPid.isEmpty() || !lockPid.equals(fields.get("pid"))) {
                return Optional.empty();
            }
            return Optional.of(new TaskHolder(fields.getOrDefault("user", "?"), fields.getOrDefault("task", "?"),
                    Instant.parse(fields.getOrDefault("since", ""))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty(); // a note being replaced, or damaged: the lock's own refusal says enough
        }
    }

    MachineLock machineLock() {
        return lock;
    }

    private static void writeNote(Path note, TaskHolder holder) {
        String text = "pid = " + ProcessHandle.current().pid() + "\nuser = " + Settings.oneLine(holder.user())
                + "\ntask = " + Settings.oneLine(holder.task()) + "\nsince = " + holder.since() + "\n";
        Path tmp = note.resolveSibling(NOTE + ".new");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, note, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, note, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the note only names the holder (a full disk must not stop the task): without it, a second
            // task hears the lock's own refusal with the pid
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: a stale note names a pid that does not hold the lock, and is not believed
            }
        }
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(note);
        } catch (IOException ignored) {
            // a note left behind names a pid that no longer holds the lock: it is not believed
        } finally {
            try {
                lock.close();
            } finally {
                RUNNING.remove(key);
            }
        }
    }
}
