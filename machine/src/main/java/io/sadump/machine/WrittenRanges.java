package io.sadump.machine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The byte ranges written to a machine's large files (storage, device images) by the objects that write
 * them, while a {@link MachineDirectory} watches its writes ({@link MachineDirectory#watchWrites}). Whoever
 * keeps copies of a machine (a campaign restoring its scenario machines to a template) puts back only these
 * ranges instead of comparing whole files. A file replaced as a whole (storage cleared) is noted as replaced.
 * Thread-safe: a device may write from a second thread.
 */
public final class WrittenRanges {
    /** Ranges {@code [start, end)} per file, in the order written, adjacent writes merged. */
    private final Map<Path, List<long[]>> ranges = new HashMap<>();
    private final Set<Path> replaced = new HashSet<>();

    /** Notes that {@code length} bytes at {@code offset} of {@code file} were written. */
    public synchronized void written(Path file, long offset, long length) {
        if (length <= 0) {
            return;
        }
        List<long[]> list = ranges.computeIfAbsent(key(file), k -> new ArrayList<>());
        long end = offset + length;
        if (!list.isEmpty()) {
            long[] last = list.get(list.size() - 1);
            // sequential writes (a dump, a track at a time) become one range
            if (offset <= last[1] && end >= last[0]) {
                last[0] = Math.min(last[0], offset);
                last[1] = Math.max(last[1], end);
                return;
            }
        }
        list.add(new long[] {offset, end});
    }

    /** Notes that {@code file} was replaced by a new file (its old bytes are gone as a whole). */
    public synchronized void replaced(Path file) {
        replaced.add(key(file));
    }

    /** What was noted for one file, and forgotten here. */
    public record FileWrites(boolean replaced, List<long[]> ranges) {
        /** Nothing was written. */
        public boolean none() {
            return !replaced && ranges.isEmpty();
        }
    }

    /** The writes noted for {@code file} since the last take: ranges sorted and merged. */
    public synchronized FileWrites take(Path file) {
        Path k = key(file);
        return new FileWrites(replaced.remove(k), merged(ranges.remove(k)));
    }

    /** The writes noted for {@code file} since the last take, which are kept: ranges sorted and merged. */
    public synchronized FileWrites peek(Path file) {
        Path k = key(file);
        return new FileWrites(replaced.contains(k), merged(ranges.get(k)));
    }

    private static List<long[]> merged(List<long[]> list) {
        if (list == null) {
            return List.of();
        }
        List<long[]> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : sorted) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return List.copyOf(merged);
    }

    /** Forgets everything noted. */
    public synchronized void clear() {
        ranges.clear();
        replaced.clear();
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
