package io.sadump.campaign;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-only mappings of a scenario machine's large files (storage, the DASD image), kept from one scenario
 * to the next while the file is the same (same file key: a restore in place keeps it) and long enough. Their
 * page tables stay filled, so looking at the file again faults in only the pages that were written since;
 * and the bytes are read where they lie in the page cache, not copied out with a read call. A mapping shows
 * every write to the file (it shares the file's pages). Only the first {@code length} bytes asked for are
 * handed out, inside the file's current size, so a kept mapping longer than the file is never read beyond
 * its end.
 */
final class KeptMappings {
    /** The longest mapping kept: address space only, the pages are the file's. */
    static final long LIMIT = 1L << 30;

    private record View(Object fileKey, long length, MappedByteBuffer map) {}

    private final ConcurrentHashMap<Path, View> views = new ConcurrentHashMap<>();

    /** A mapping of {@code [0, length)} of {@code file} (open as {@code ch}), or null when too long. */
    ByteBuffer view(Path file, FileChannel ch, long length) throws IOException {
        if (length <= 0 || length > LIMIT) {
            return null;
        }
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        View v = views.get(file);
        if (v == null || key == null || !key.equals(v.fileKey()) || v.length() < length) {
            v = new View(key, length, ch.map(FileChannel.MapMode.READ_ONLY, 0, length));
            views.put(file, v);
        }
        return v.map().slice(0, (int) length);
    }

    /** {@link #view(Path, FileChannel, long)} of the whole of {@code file}, or null when it is too long. */
    ByteBuffer view(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return view(file, ch, ch.size());
        }
    }
}
