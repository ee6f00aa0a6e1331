package io.sadump.archive;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A conversion's output file, written as a new file even when one of that name exists.
 *
 * <p>Truncating a large existing file costs as long as copying it (the kernel frees every page and
 * extent inside the {@code open}), and ext4 then flushes the rewritten file when it is closed (its
 * {@code auto_da_alloc} guard for files replaced by truncation). Both are measured in {@code
 * bench/archive-bench.sh}: about 1 s each for 2 GiB. So an existing plain file (one name, not a link)
 * is renamed to a hidden name beside it and deleted on another thread while the new file is written;
 * {@link #close()} waits for that deletion. Anything else (a device such as {@code /dev/null}, a
 * symbolic link, a file with other hard links, a directory that refuses the rename) is opened with
 * truncation as before, so its identity is kept. Either way the old content is gone once the output is
 * opened, as with truncation.
 */
public final class FreshOutputFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final Optional<Thread> oldRemover;
    private final IOException[] removeFailure = new IOException[1];
    private final Optional<Path> old;

    private FreshOutputFile(Path path, FileChannel channel, Optional<Path> old) {
        this.path = path;
        this.channel = channel;
        this.old = old;
        this.oldRemover = old.map(o -> {
            Thread t = new Thread(() -> {
                try {
                    Files.deleteIfExists(o);
                } catch (IOException e) {
                    removeFailure[0] = e;
                }
            }, "remove old " + path.getFileName());
            t.start();
            return t;
        });
    }

    /** Opens {@code path} for writing from offset 0; see the class comment for an existing file. */
    public static FreshOutputFile create(Path path) throws IOException {
        Optional<Path> aside = moveAside(path);
        try {
            FileChannel ch = aside.isPresent()
                    ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
            return new FreshOutputFile(path, ch, aside);
        } catch (IOException | RuntimeException e) {
            if (aside.isPresent()) {
                // the output could not be made: the old file goes back under its name
                try {
                    Files.move(aside.get(), path);
                } catch (IOException restore) {
                    e.addSuppressed(restore);
                }
            }
            throw e;
        }
    }

    /** The hidden name an existing single-link plain file now has; empty when it stays (or none exists). */
    private static Optional<Path> moveAside(Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return Optional.empty(); // no link count on this file system: keep the plain truncation
        }
        Object links = Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (!(links instanceof Integer n) || n != 1) {
            return Optional.empty();
        }
        Path dir = path.toAbsolutePath().getParent();
        for (int attempt = 0; attempt < 8; attempt++) {
            Path aside = dir.resolve("." + path.getFileName() + ".old-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16));
            try {
                // no REPLACE_EXISTING: a name that appeared meanwhile is never overwritten
                Files.move(path, aside);
                return Optional.of(aside);
            } catch (FileAlreadyExistsException taken) {
                // another random name
            } catch (IOException cannotRename) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    /**
     * Closes the output and waits until the old file is deleted.
     *
     * @throws IOException when closing fails, or the old file could not be deleted (its hidden name is
     *     in the message, so it can be removed by hand)
     */
    @Override
    public void close() throws IOException {
        IOException closing = null;
        try {
            channel.close();
        } catch (IOException e) {
            closing = e;
        }
        if (oldRemover.isPresent()) {
            try {
                oldRemover.get().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (removeFailure[0] != null) {
                IOException e = new IOException("the old " + path + " (moved to " + old.get()
                        + ") could not be deleted: " + removeFailure[0].getMessage(), removeFailure[0]);
                if (closing != null) {
                    closing.addSuppressed(e);
                } else {
                    closing = e;
                }
            }
        }
        if (closing != null) {
            throw closing;
        }
    }

    /** For tests: whether an old file was moved aside. */
    boolean replacedOld() {
        return old.isPresent();
    }
}
