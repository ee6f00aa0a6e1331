package io.sadump.hmc.security;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One monitor per lock file in this JVM. An OS file lock belongs to the process: a second
 * {@code FileChannel.lock} on the same file in the same JVM throws instead of waiting, so threads (two
 * browser sessions adding users, two tasks auditing) take the monitor first, then the file lock.
 */
final class FileLocks {
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private FileLocks() {}

    static Object monitor(Path lockFile) {
        return MONITORS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Object());
    }
}
