package io.sadump.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A simulated system in one directory, so separate commands act on the same system:
 *
 * <ul>
 *   <li>{@code machine.conf}: the configuration ({@link MachineConfig});
 *   <li>{@code storage.img} + {@code storage.frames}: absolute storage ({@link FileStorage});
 *   <li>{@code cpus.state}: the CPUs' registers ({@link CpuStateFile});
 *   <li>{@code run.state}: whether the CPUs run ({@link RunState}); derived from the IPL CPU's PSW
 *       in directories made before the file existed;
 *   <li>{@code devices/}: one image per attached device; {@code vmcore/}: what kdump wrote;
 *   <li>{@code storage.errors}: the storage pages that cannot be read ({@link UnreadablePages});
 *       absent when every page reads;
 *   <li>{@code console.log}: the operating-system messages.
 * </ul>
 *
 * Reading needs nothing; changing needs the {@link MachineLock} from {@link #lock()}.
 */
public final class MachineDirectory {
    public static final String CONFIG = "machine.conf";
    public static final String STORAGE = "storage.img";
    public static final String FRAMES = "storage.frames";
    public static final String CPUS = "cpus.state";
    public static final String RUN_STATE = "run.state";
    public static final String DEVICES = "devices";
    public static final String VMCORE = "vmcore";
    public static final String CONSOLE_LOG = "console.log";
    public static final String STORAGE_ERRORS = "storage.errors";

    private final Path dir;
    private MachineConfig config;
    /** Where the storage and devices opened for writing through this instance note their writes; or null. */
    private WrittenRanges writeLog;

    private MachineDirectory(Path dir, MachineConfig config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * Creates a machine directory: config, all-zero sparse storage, CPUs after reset with distinct
     * prefix pages left to the caller. Fails if {@code dir} exists and is not empty.
     */
    public static MachineDirectory create(Path dir, MachineConfig config, List<CpuState> cpus) {
        if (cpus.size() != config.cpuCount()) {
            throw new IllegalArgumentException("config has " + config.cpuCount() + " CPUs, got " + cpus.size());
        }
        boolean dirExisted = Files.exists(dir);
        try {
            if (dirExisted) {
                if (!Files.isDirectory(dir)) {
                    throw new MachineException(dir + " exists and is not a directory");
                }
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new MachineException(dir + " is not empty; choose a new directory for the machine");
                    }
                }
            }
            Files.createDirectories(dir);
            Files.createDirectories(dir.resolve(DEVICES));
            Files.createDirectories(dir.resolve(VMCORE));
        } catch (IOException e) {
            throw new MachineException("cannot create machine directory " + dir + ": " + e.getMessage(), e);
        }
        MachineDirectory m = new MachineDirectory(dir, config);
        try {
            try (MachineLock lock = m.lock()) {
                FileStorage.create(dir.resolve(STORAGE), dir.resolve(FRAMES), config.storageSize()).close();
                m.saveCpus(lock, cpus);
                m.saveRunState(lock, RunState.derive(cpus));
                m.writeConfig(config);
            }
        } catch (RuntimeException e) {
            // Leave no half machine behind (it would block a retry as "not empty"); remove only what
            // this call made.
            removeQuietly(dir, dirExisted);
            throw e;
        }
        return m;
    }

    private static void removeQuietly(Path dir, boolean keepDir) {
        for (String name : List.of(CONFIG, CONFIG + ".tmp", STORAGE, FRAMES, FRAMES + ".tmp", CPUS, CPUS + ".tmp",
                RUN_STATE, RUN_STATE + ".tmp", DEVICES, VMCORE, ".lock")) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException ignored) {
                // best effort: the original failure is what the caller hears about
            }
        }
        if (!keepDir) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // best effort, as above
            }
        }
    }

    /** Where recoveries of interrupted changes are told (the CLI prints them on stderr). */
    private static volatile Consumer<String> recoveryListener = m -> { };

    /**
     * Sets who hears "recovered an interrupted ..." when a command finds and undoes a change that a
     * kill (or a failure) cut short; the console log gets the line as well.
     */
    public static void onRecovery(Consumer<String> listener) {
        recoveryListener = Objects.requireNonNull(listener);
    }

    /**
     * Opens an existing machine directory, reading its config. A change that a kill cut short is
     * undone first. A change that another live process is making (it holds the lock, its journal is
     * there) is refused with {@link MachineLockedException}, for readers too: storage, CPUs and files are
     * half way between before and after until it ends, so nothing read now would be one consistent state.
     * A change this process makes (a command run under the lock it holds) is no reason to refuse.
     */
    public static MachineDirectory open(Path dir) {
        MachineDirectory m = openConfig(dir);
        if (MachineJournal.pending(dir)) {
            try {
                m.lock().close();
            } catch (MachineLockedException busy) {
                if (busy.otherProcess() && MachineJournal.pending(dir)) {
                    throw busy;
                }
            }
            m = openConfig(dir);
        }
        return m;
    }

    /**
     * Has the storage and the devices opened for writing through this instance note the ranges they write
     * in {@code log} (null: no longer). Writes made through other instances or other means are not noted.
     */
    public MachineDirectory watchWrites(WrittenRanges log) {
        this.writeLog = log;
        return this;
    }

    /** The log set by {@link #watchWrites}, if any. */
    public java.util.Optional<WrittenRanges> writeLog() {
        return java.util.Optional.ofNullable(writeLog);
    }

    private static MachineDirectory openConfig(Path dir) {
        if (!Files.exists(dir)) {
            throw new MachineException(dir + " is not a directory: it does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new MachineException(dir + " is not a directory, so not a sadump machine");
        }
        Path conf = dir.resolve(CONFIG);
        String text;
        try {
            text = Files.readString(conf, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new MachineException(dir + " is not a sadump machine (no " + CONFIG + "); create one with"
                    + " 'sadump machine create'");
        } catch (IOException e) {
            throw new MachineException("cannot read " + conf + ": " + e.getMessage(), e);
        }
        try {
            return new MachineDirectory(dir, MachineConfig.parse(text));
        } catch (IllegalArgumentException e) {
            throw new MachineException(conf + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    public MachineConfig config() {
        return config;
    }

    /**
     * Takes the write lock; a second writer gets {@link MachineLockedException}. A change that a kill
     * cut short is undone before the lock is returned, and said so on the console log.
     */
    public MachineLock lock() {
        MachineLock lock = MachineLock.acquire(dir);
        lock.setMachine(this);
        try {
            recoverInterruptedChange();
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return lock;
    }

    /** Undoes a journaled change, if one is there; the caller holds the lock. */
    void recoverInterruptedChange() {
        Optional<MachineJournal.Recovery> r = MachineJournal.recover(this);
        if (!MachineJournal.pending(dir)) {
            // the image a committed clear replaced, if a kill came between the commit and its removal
            try {
                Files.deleteIfExists(FileStorage.replacedImage(dir.resolve(STORAGE)));
            } catch (IOException ignored) {
                // removed by the next clear
            }
        }
        if (r.isEmpty()) {
            return;
        }
        reloadConfig();
        if (!r.get().undidAnything()) {
            return; // cut short (or refused) before it changed anything: nothing to tell
        }
        String message = r.get().message();
        appendConsoleUnlocked(List.of(message));
        recoveryListener.accept(message);
    }

    private void reloadConfig() {
        try {
            this.config = openConfig(dir).config;
        } catch (MachineException e) {
            // the recovery restored the files as they were; a config unreadable before stays the caller's error
        }
    }

    /**
     * Begins a journaled multi-step change ({@link MachineChange}): the state files as they are now go
     * into the journal, and every storage opened under {@code lock} journals its writes until the
     * change is committed. Inside a change already begun under this lock, that change is returned and
     * its owner commits it.
     */
    public MachineChange beginChange(MachineLock lock, String description) {
        return beginChange(lock, description, List.of(), null);
    }

    /**
     * As {@link #beginChange(MachineLock, String)}, also keeping {@code moreStateFiles} (names in the
     * directory, small files) and calling {@code hook} before every step (tests interrupt there).
     */
    public MachineChange beginChange(MachineLock lock, String description, List<String> moreStateFiles,
            MachineChange.StepHook hook) {
        requireLock(lock);
        MachineChange active = lock.change();
        if (active != null) {
            return active.nested();
        }
        List<String> files = new ArrayList<>(List.of(CONFIG, CPUS, RUN_STATE));
        for (String f : moreStateFiles) {
            if (!files.contains(f)) {
                files.add(f);
            }
        }
        MachineChange c = MachineChange.begin(this, description, files, hook != null ? hook : lock.stepHook());
        lock.setChange(c);
        return c;
    }

    /** Replaces the configuration (atomically). */
    public void saveConfig(MachineLock lock, MachineConfig newConfig) {
        requireLock(lock);
        stepOf(lock, "save " + CONFIG);
        writeConfig(newConfig);
    }

    private void writeConfig(MachineConfig newConfig) {
        writeAtomically(dir.resolve(CONFIG), newConfig.format());
        this.config = newConfig;
    }

    /** Opens storage read-only. */
    public FileStorage openStorage() {
        UnreadablePages errors = unreadablePages();
        FileStorage s = FileStorage.open(dir.resolve(STORAGE), dir.resolve(FRAMES), config.storageSize(), false);
        s.setUnreadablePages(errors);
        return s;
    }

    /** The storage pages that cannot be read ({@code storage.errors}); none when the file is absent. */
    public UnreadablePages unreadablePages() {
        Path file = dir.resolve(STORAGE_ERRORS);
        try {
            return UnreadablePages.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return UnreadablePages.NONE;
        } catch (IOException e) {
            throw new MachineException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MachineException(file + ": " + e.getMessage(), e);
        }
    }

    /** Records the unreadable storage pages (atomically); none removes the file. */
    public void saveUnreadablePages(MachineLock lock, UnreadablePages pages) {
        requireLock(lock);
        stepOf(lock, "save " + STORAGE_ERRORS);
        Path file = dir.resolve(STORAGE_ERRORS);
        if (pages.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new MachineException("cannot remove " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        writeAtomically(file, pages.format());
    }

    /** Opens storage for writing; needs the lock. */
    public FileStorage openStorage(MachineLock lock) {
        requireLock(lock);
        UnreadablePages errors = unreadablePages();
        FileStorage s = FileStorage.open(dir.resolve(STORAGE), dir.resolve(FRAMES), config.storageSize(), true);
        s.setUnreadablePages(errors);
        s.logWritesTo(writeLog);
        MachineChange change = lock.change();
        if (change != null) {
            change.attach(s);
        }
        return s;
    }

    public List<CpuState> cpus() {
        Path file = dir.resolve(CPUS);
        try {
            return CpuStateFile.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new MachineException(file + " is missing");
        } catch (IOException e) {
            throw new MachineException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MachineException(file + ": " + e.getMessage(), e);
        }
    }

    public void saveCpus(MachineLock lock, List<CpuState> cpus) {
        requireLock(lock);
        stepOf(lock, "save " + CPUS);
        writeAtomically(dir.resolve(CPUS), CpuStateFile.format(cpus));
    }

    /**
     * Whether the CPUs run. A directory made before {@code run.state} existed gets the state its IPL
     * CPU's PSW implies ({@link RunState#derive}).
     */
    public RunState runState() {
        Path file = dir.resolve(RUN_STATE);
        try {
            return RunState.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return RunState.derive(cpus());
        } catch (IOException e) {
            throw new MachineException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MachineException(file + ": " + e.getMessage(), e);
        }
    }

    /** Records whether the CPUs run (atomically). */
    public void saveRunState(MachineLock lock, RunState state) {
        requireLock(lock);
        stepOf(lock, "save " + RUN_STATE);
        writeAtomically(dir.resolve(RUN_STATE), state.format());
    }

    /** Where attached device images live. */
    public Path devicesDir() {
        return dir.resolve(DEVICES);
    }

    public Path deviceImage(AttachedDevice device) {
        return devicesDir().resolve(device.imageName());
    }

    /** Where the kdump kernel writes its vmcores ({@code vmcore/<timestamp>/vmcore}). */
    public Path vmcoreDir() {
        return dir.resolve(VMCORE);
    }

    public Path consoleLog() {
        return dir.resolve(CONSOLE_LOG);
    }

    /** Appends operating-system messages to the console log, each line stamped with the time. */
    /**
     * Tells that a change a kill cut short was undone, as {@link #lock()} does for journaled changes: on
     * the console log and to the listener of {@link #onRecovery}. For changes kept outside the journal
     * (a device's undo record).
     */
    public void announceRecovery(MachineLock lock, String message) {
        requireLock(lock);
        appendConsoleUnlocked(List.of(message));
        recoveryListener.accept(message);
    }

    public void appendConsole(MachineLock lock, List<String> lines) {
        requireLock(lock);
        appendConsoleUnlocked(lines);
    }

    private void appendConsoleUnlocked(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        String stamp = Instant.now().toString();
        for (String line : lines) {
            sb.append(stamp).append(' ').append(line).append('\n');
        }
        try {
            Files.writeString(consoleLog(), sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new MachineException("cannot write " + consoleLog() + ": " + e.getMessage(), e);
        }
    }

    /** The console log lines (without the time stamps removed). */
    public List<String> console() {
        try {
            return Files.exists(consoleLog()) ? Files.readAllLines(consoleLog(), StandardCharsets.UTF_8)
                    : new ArrayList<>();
        } catch (IOException e) {
            throw new MachineException("cannot read " + consoleLog() + ": " + e.getMessage(), e);
        }
    }

    /** A save inside a journaled change is one of its steps. */
    private static void stepOf(MachineLock lock, String what) {
        MachineChange c = lock.change();
        if (c != null) {
            c.step(what);
        }
    }

    private void requireLock(MachineLock lock) {
        if (lock == null || !lock.isValid()) {
            throw new IllegalStateException("changing a machine needs its lock");
        }
        if (!lock.guards(dir)) {
            throw new IllegalStateException("the lock passed is not the lock of machine " + dir);
        }
    }

    private void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                // On disk before the rename: a power loss must not leave an empty settings file.
                ch.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MachineException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
