package io.sadump.cli;

import io.sadump.dump.ZstdNativeLibrary;
import java.nio.file.Path;

/**
 * For the {@code ./sadump} launcher: unpacks zstd-jni's native library into the file named by the
 * only argument ({@link ZstdNativeLibrary#unpack}), which the launcher then passes to every command as
 * {@code -DZstdNativePath}. Prints nothing; exit status 0 when the file is in place, 1 when there is
 * none (the commands then load the library zstd-jni's own way), 2 on wrong usage.
 */
public final class ZstdLibraryUnpack {
    private ZstdLibraryUnpack() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.exit(2);
        }
        System.exit(ZstdNativeLibrary.unpack(Path.of(args[0]).toAbsolutePath()) ? 0 : 1);
    }
}
