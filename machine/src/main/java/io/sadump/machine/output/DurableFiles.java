package io.sadump.machine.output;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/** The file-system steps the outputs share: syncing files and directories, hidden names, removal. */
final class DurableFiles {
    private DurableFiles() {}

    /**
     * Syncs a directory, so that a rename or a new name in it survives a crash (rename(2) alone is
     * atomic but not durable). File systems that cannot sync a directory are left as they are.
     */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | IllegalArgumentException notOnThisFileSystem) {
            // e.g. a file system without directory sync: the rename is still atomic
        }
    }

    /** Syncs a regular file's data and metadata. */
    static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** A hidden name beside {@code target}: {@code .<name>.<tag>-<random>}; not created. */
    static Path hiddenSibling(Path target, String tag) {
        Path dir = parentOf(target);
        return dir.resolve("." + target.getFileName() + "." + tag + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16));
    }

    static Path parentOf(Path p) {
        Path abs = p.toAbsolutePath();
        Path parent = abs.getParent();
        return parent != null ? parent : abs;
    }

    /** Removes a file tree without following links; the first failure is thrown after trying all. */
    static void removeTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        IOException[] first = new IOException[1];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                delete(dir);
                return FileVisitResult.CONTINUE;
            }

            private void delete(Path p) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException gone) {
                    // removed meanwhile
                } catch (IOException e) {
                    if (first[0] == null) {
                        first[0] = e;
                    }
                }
            }
        });
        if (first[0] != null) {
            throw first[0];
        }
    }
}
