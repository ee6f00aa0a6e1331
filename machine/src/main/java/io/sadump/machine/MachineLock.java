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

/**
 * The write lock of a machine directory: an OS file lock on {@code DIR/.lock}, so a second writer (in
 * this or another process) is refused with a clear message. The OS drops it if the process dies.
 */
public final class MachineLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private MachineLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static MachineLock acquire(Path dir) {
        Path file = dir.resolve(".lock");
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
            return new MachineLock(ch, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new MachineLockedException("machine " + dir + " is already locked by this process");
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

    public boolean isValid() {
        return lock.isValid();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new MachineException("releasing the machine lock failed: " + e.getMessage(), e);
        }
    }
}
