package io.sadump.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary directories in /dev/shm (memory) when it exists, as {@code sadump campaign} uses by default:
 * a campaign writes and deletes hundreds of machine copies, and the device code's fsyncs cost nothing there.
 */
public final class MemoryTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "sadump-test-");
        }
        return Files.createTempDirectory("sadump-test-");
    }
}
