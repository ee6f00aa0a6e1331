package io.sadump.machine.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

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

    private final Path target;
    private final Optional<Path> hidden;
    private final FileChannel channel;
    private boolean committed;
    private boolean closed;

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
            return new ReplacementFile(file, Optional.of(tmp), ch);
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
     * Syncs the new file, renames it over the target and syncs the directory; after this the target
     * holds the new content for good.
     *
     * @throws IOException when a step fails; the old file is then still in place (close removes the new one)
     */
    public void commit() throws IOException {
        if (closed || committed) {
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
            committed = true;
            return;
        }
        if (channel.isOpen()) {
            channel.force(true);
            channel.close();
        } else {
            // the caller wrote through the path (a tape drive mounts a file by name)
            DurableFiles.syncFile(hidden.get());
        }
        Files.move(hidden.get(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        DurableFiles.syncDirectory(DurableFiles.parentOf(target));
    }

    /** Whether {@link #commit()} finished. */
    public boolean isCommitted() {
        return committed;
    }

    /** Without a commit: closes and removes the new file, leaving the old one as it was. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        IOException failure = null;
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
}
