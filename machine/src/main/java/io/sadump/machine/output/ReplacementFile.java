package io.sadump.machine.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A named output written beside its final name and renamed over it only when complete.
 *
 * <p>The new content goes to a hidden file in the target's directory ({@code .<name>.new-<random>});
 * {@link #commit()} syncs it, renames it over the target (rename(2): readers see the old file or the
 * new one, never a mix) and syncs the directory. {@link #close()} without a commit removes the hidden
 * file: on any failure, a full disk included, the old file is untouched and nothing partial is left.
 * A kill between the two leaves at most the hidden file, never a damaged target.
 *
 * <p>Writing a new file also keeps the speed the old in-place truncation lacked: truncating a large
 * file costs as long as copying it, while a new file costs nothing until written (README, Speed);
 * the old file's blocks are freed when the rename drops its last name.
 *
 * <p>Special targets, each kept as what it is:
 *
 * <ul>
 *   <li>a symbolic link stays a link: the file it points to is replaced as above, beside that file;
 *   <li>a device, FIFO or socket (such as {@code /dev/null}) is opened and written in place, since it
 *       cannot be renamed over and holds no old content to keep;
 *   <li>a file with other hard links is replaced like any file: the other names keep the old content;
 *   <li>a directory is refused.
 * </ul>
 *
 * The new file gets the old file's POSIX permissions when it replaces one.
 */
public final class ReplacementFile implements Closeable {
    private static final String TAG = "new";

    /** Replacements whose hidden file exists and is neither renamed into place nor removed yet. */
    private static final Set<ReplacementFile> UNFINISHED = ConcurrentHashMap.newKeySet();

    private final Path target;
    private final Optional<Path> hidden;
    private final FileChannel channel;
    /** Renamed into place: the target holds the new content. Guarded by this (with {@link #discarded}). */
    private boolean committed;
    /** The hidden file was removed by {@link #discardUnfinished()}: no commit may follow. Guarded by this. */
    private boolean discarded;
    private boolean closed;
    /** Syncs what is written while the writing goes on ({@link #syncWhileWriting()}); null when not asked for. */
    private BackgroundSync sync;
    /** The page-cache-bypassing channel on the new file ({@link #unbufferedChannel()}); null when not opened. */
    private UnbufferedChannel unbuffered;

    private ReplacementFile(Path target, Optional<Path> hidden, FileChannel channel) {
        this.target = target;
        this.hidden = hidden;
        this.channel = channel;
    }

    /**
     * Starts the replacement of {@code target}, which need not exist; its directory must.
     *
     * @throws IOException when the directory is missing or not writable, or the target is a directory
     */
    public static ReplacementFile create(Path target) throws IOException {
        Path file = followLinks(target);
        if (Files.isDirectory(file)) {
            throw new IOException(target + " is a directory");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a device or FIFO: written in place, nothing to rename
            return new ReplacementFile(file, Optional.empty(),
                    FileChannel.open(file, StandardOpenOption.WRITE));
        }
        for (int attempt = 0; ; attempt++) {
            Path tmp = DurableFiles.hiddenSibling(file, TAG);
            FileChannel ch;
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException taken) {
                if (attempt < 16) {
                    continue;
                }
                throw taken;
            }
            try {
                copyPermissions(file, tmp);
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
            ReplacementFile created = new ReplacementFile(file, Optional.of(tmp), ch);
            UNFINISHED.add(created);
            return created;
        }
    }

    /**
     * Removes the hidden files of every replacement in this process that is not committed yet, and makes
     * their commits fail: for a process that is ending before its work is done (Ctrl-C, SIGTERM), so that
     * the old files stay as they were and no half-written new one is left beside them. The threads still
     * writing one write on into the removed file. A commit already renaming is waited for and kept.
     *
     * @return the targets whose new files were removed (they keep their old content, or stay absent)
     */
    public static List<Path> discardUnfinished() {
        List<Path> removed = new ArrayList<>();
        for (ReplacementFile f : UNFINISHED) {
            f.discard().ifPresent(removed::add);
        }
        return removed;
    }

    private synchronized Optional<Path> discard() {
        if (committed || discarded || hidden.isEmpty()) {
            return Optional.empty();
        }
        discarded = true;
        UNFINISHED.remove(this);
        try {
            Files.deleteIfExists(hidden.get());
            return Optional.of(target);
        } catch (IOException cannot) {
            return Optional.empty(); // closing removes it once more
        }
    }

    /** The file a symbolic link finally names (the link itself when it dangles one step further). */
    private static Path followLinks(Path target) throws IOException {
        Path p = target;
        for (int depth = 0; depth < 40 && Files.isSymbolicLink(p); depth++) {
            Path to = Files.readSymbolicLink(p);
            p = to.isAbsolute() ? to : DurableFiles.parentOf(p).resolve(to);
        }
        if (Files.isSymbolicLink(p)) {
            throw new IOException(target + ": too many levels of symbolic links");
        }
        return p;
    }

    private static void copyPermissions(Path old, Path fresh) throws IOException {
        if (!Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)
                || !fresh.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(old, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(fresh, perms);
    }

    /** The file that will hold the new content once committed (a link's final target). */
    public Path target() {
        return target;
    }

    /** Where the new content is written until the commit; for a device, the device. */
    public Path writingTo() {
        return hidden.orElse(target);
    }

    public FileChannel channel() {
        return channel;
    }

    /**
     * A second channel on the new file that bypasses the page cache (Linux {@code O_DIRECT}), for a large
     * output written once in big aligned pieces: its bytes go from the caller's buffer to the disk without
     * being copied into page-cache pages first. The commit syncs the new file anyway, so the page cache
     * only cost that copy; in a VM whose host takes back free guest memory it is the dearest copy of
     * all (docs/architecture.md §4.1). Opened once, on first call; the commit and {@link #close()} close
     * it. Empty for a device, or where the file system or platform refuses unbuffered writes.
     */
    public synchronized Optional<UnbufferedChannel> unbufferedChannel() {
        if (unbuffered == null && hidden.isPresent() && !closed && !committed && !discarded) {
            unbuffered = UnbufferedChannel.open(hidden.get()).orElse(null);
        }
        return Optional.ofNullable(unbuffered);
    }

    private synchronized void closeUnbuffered() throws IOException {
        if (unbuffered != null) {
            unbuffered.channel().close();
        }
    }

    /**
     * Starts syncing the new file to disk on a thread of its own while it is written, so that the sync of
     * {@link #commit()} finds little left to do. The kernel starts writing dirty pages back only when they
     * fill a tenth of memory or are half a minute old; a dump of a few GiB would otherwise reach the disk
     * only at the commit, after all of it was written, and writing and syncing would take turns instead of
     * overlapping. For large outputs; nothing changes for devices.
     *
     * @return this
     */
    public ReplacementFile syncWhileWriting() {
        if (sync == null && hidden.isPresent() && !closed && !committed) {
            sync = new BackgroundSync(channel, target);
        }
        return this;
    }

    /**
     * Syncs the new file, renames it over the target and syncs the directory; after this the target
     * holds the new content for good.
     *
     * @throws IOException when a step fails; the old file is then still in place (close removes the new one)
     */
    public void commit() throws IOException {
        if (closed || isCommitted()) {
            throw new IllegalStateException("the replacement of " + target + " is already finished");
        }
        if (hidden.isEmpty()) {
            try {
                if (channel.isOpen()) {
                    channel.force(true);
                }
            } catch (IOException devicesCannotSync) {
                // /dev/null and FIFOs refuse fsync; what was written went to the device
            }
            channel.close();
            synchronized (this) {
                committed = true;
            }
            return;
        }
        refuseWhenDiscarded();
        stopSync(true);
        closeUnbuffered();
        if (channel.isOpen()) {
            channel.force(true);
            channel.close();
        } else {
            // the caller wrote through the path (a tape drive mounts a file by name)
            DurableFiles.syncFile(hidden.get());
        }
        synchronized (this) {
            refuseWhenDiscarded();
            Files.move(hidden.get(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
        }
        UNFINISHED.remove(this);
        DurableFiles.syncDirectory(DurableFiles.parentOf(target));
    }

    private synchronized void refuseWhenDiscarded() throws IOException {
        if (discarded) {
            throw new IOException(target + " was not replaced: the process is ending before its work was done");
        }
    }

    /** Whether {@link #commit()} finished. */
    public synchronized boolean isCommitted() {
        return committed;
    }

    /** Without a commit: closes and removes the new file, leaving the old one as it was. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        UNFINISHED.remove(this);
        if (isCommitted()) {
            return;
        }
        IOException failure = null;
        try {
            stopSync(false);
        } catch (IOException ignored) {
            // the new file is removed: a failed sync of it does not matter any more
        }
        try {
            closeUnbuffered();
        } catch (IOException ignored) {
            // the new file is removed: nothing written through it matters any more
        }
        try {
            channel.close();
        } catch (IOException e) {
            failure = e;
        }
        if (hidden.isPresent()) {
            try {
                Files.deleteIfExists(hidden.get());
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops the background sync; with {@code report}, a sync it failed is thrown here. */
    private void stopSync(boolean report) throws IOException {
        if (sync == null) {
            return;
        }
        BackgroundSync s = sync;
        sync = null;
        IOException failed = s.stop();
        if (report && failed != null) {
            throw new IOException("syncing " + writingTo() + " failed: " + failed.getMessage(), failed);
        }
    }

    /**
     * Calls fdatasync whenever {@link #STEP} more bytes were written, until stopped. A failure is kept for
     * the commit: after a failed fsync the kernel may report the next one as successful (the error is
     * consumed), so the commit's own sync could not be trusted to see it. Never interrupted: an interrupt
     * would close the channel the writer still uses.
     */
    private static final class BackgroundSync implements Runnable {
        /** Bytes written between two syncs. */
        static final long STEP = 32L << 20;
        /** How often the thread looks at the file's size while it grows slowly. */
        static final long POLL_MILLIS = 20;

        private final FileChannel channel;
        private final Thread thread;
        private volatile boolean stopping;
        private volatile IOException failure;

        BackgroundSync(FileChannel channel, Path target) {
            this.channel = channel;
            this.thread = new Thread(this, "sync " + target.getFileName());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long synced = 0;
            try {
                while (!stopping) {
                    long size = channel.size();
                    if (size - synced >= STEP) {
                        channel.force(false);
                        synced = size;
                    } else {
                        LockSupport.parkNanos(POLL_MILLIS * 1_000_000L);
                    }
                }
            } catch (ClosedChannelException closed) {
                // the writer closed the file (it failed, or is done): nothing left to sync here
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Stops the thread and waits for it; the failure of a sync it made, or null. */
        IOException stop() {
            stopping = true;
            LockSupport.unpark(thread);
            boolean interrupted = Thread.interrupted();
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return failure;
        }
    }
}
