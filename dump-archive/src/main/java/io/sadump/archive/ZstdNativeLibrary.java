package io.sadump.archive;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.util.Native;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * zstd-jni's native library, unpacked once into a file of its own.
 *
 * <p>By itself, zstd-jni copies its library for this platform out of the jar into a new temporary
 * file at the first compressor of every process (0.9 MB, and a SecureRandom for the file's name), and
 * loads it from there: about 50 ms before an archive's first byte is compressed. zstd-jni loads the
 * file named by the system property {@value #PATH_PROPERTY} instead when it is set, which is what the
 * {@code ./sadump} launcher does with the file made here (once per jar, as it does its class-data
 * archive).
 */
public final class ZstdNativeLibrary {
    /** The system property zstd-jni loads its library from when set (its {@code Native.load}). */
    public static final String PATH_PROPERTY = "ZstdNativePath";

    private ZstdNativeLibrary() {}

    /**
     * Writes the library that zstd-jni would load on this platform to {@code target} (beside it first,
     * renamed into place once a compressor worked with it in this process).
     *
     * @return false, leaving no file, when there is none for this platform, it does not load here, or
     *     zstd's library is loaded already from elsewhere in this process
     */
    public static boolean unpack(Path target) {
        if (Native.isLoaded()) {
            return false; // this process could not prove the new file loads
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            // the name zstd-jni itself looks for: its own platform naming, not ours to repeat
            Method resourceName = Native.class.getDeclaredMethod("resourceName");
            resourceName.setAccessible(true);
            String resource = (String) resourceName.invoke(null);
            try (InputStream in = Native.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return false;
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            System.setProperty(PATH_PROPERTY, tmp.toString());
            Native.load();
            new ZstdCompressCtx().close();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError cannot) {
            return false;
        } finally {
            System.clearProperty(PATH_PROPERTY);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a hidden leftover beside the target; the next unpack replaces it
            }
        }
    }
}
