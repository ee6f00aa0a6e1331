package io.sadump.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A scratch directory for a benchmark's image files, removed with everything in it. */
final class TempDirectory implements AutoCloseable {
    private final Path dir;

    TempDirectory(String prefix) throws IOException {
        dir = Files.createTempDirectory(prefix);
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
