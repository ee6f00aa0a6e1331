package io.sadump.dump;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.util.Native;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * zstd-jni's native library: loaded with a failure a user can act on, and unpacked once into a file of
 * its own.
 *
 * <p>zstd-jni loads its library in the static initializer of its classes, and a library it cannot load
 * surfaces there as an {@link ExceptionInInitializerError} or {@link UnsatisfiedLinkError}, which would
 * leave the command as an internal error. Every user of zstd in sadump calls {@link #require()} first,
 * which turns that into an {@link IOException} saying what to change.
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
     * Loads zstd's native library unless it is loaded already (then this costs a synchronized check).
     *
     * @throws IOException when it cannot be loaded: what zstd-jni said, and where it unpacks the library
     */
    public static void require() throws IOException {
        try {
            Native.load();
        } catch (LinkageError | RuntimeException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            String named = System.getProperty(PATH_PROPERTY);
            String where = named != null
                    ? "it was to be loaded from " + named + " (-D" + PATH_PROPERTY + ")"
                    : "zstd-jni unpacks it into java.io.tmpdir, " + System.getProperty("java.io.tmpdir")
                            + ", which must be a writable directory (-Djava.io.tmpdir=DIR; ./sadump unpacks it once"
                            + " beside its jar instead)";
            throw new IOException("zstd's native library cannot be loaded: " + why + "; " + where, e);
        }
    }

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
