package io.sadump.campaign;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a machine directory: size and modification time of each, and the SHA-256 of the small
 * ones (configuration, CPU state, console log, production state). A copy made with {@code
 * MachineTemplate.copy} keeps the times, so a file that was written since shows a new time even when its
 * size stayed; the small files are compared by content too.
 */
final class DiskState {
    /** Files up to this size are hashed. */
    static final long HASHED = 1 << 20;

    /** One file. */
    record FileFacts(long size, FileTime modified, Optional<byte[]> sha256) {
        boolean sameAs(FileFacts o) {
            return size == o.size && modified.equals(o.modified) && sha256.isPresent() == o.sha256.isPresent()
                    && (sha256.isEmpty() || Arrays.equals(sha256.get(), o.sha256.get()));
        }
    }

    private final Map<String, FileFacts> files;

    private DiskState(Map<String, FileFacts> files) {
        this.files = files;
    }

    /** The regular files under {@code dir}, by path relative to it ('/'-separated). */
    static DiskState of(Path dir) throws IOException {
        Map<String, FileFacts> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    continue;
                }
                String rel = dir.relativize(p).toString().replace('\\', '/');
                Optional<byte[]> sha = a.size() <= HASHED ? Optional.of(sha256(p)) : Optional.empty();
                m.put(rel, new FileFacts(a.size(), a.lastModifiedTime(), sha));
            }
        }
        return new DiskState(m);
    }

    Map<String, FileFacts> files() {
        return files;
    }

    /**
     * Compares {@code now} with this state, ignoring the paths {@code mayChange} accepts (changed, added or
     * removed). Returns one sentence per unexpected difference.
     */
    List<String> differences(DiskState now, java.util.function.Predicate<String> mayChange) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, FileFacts> e : files.entrySet()) {
            if (mayChange.test(e.getKey())) {
                continue;
            }
            FileFacts after = now.files.get(e.getKey());
            if (after == null) {
                out.add(e.getKey() + " was removed");
            } else if (!e.getValue().sameAs(after)) {
                out.add(e.getKey() + " changed (size " + e.getValue().size() + " -> " + after.size() + ")");
            }
        }
        for (String p : now.files.keySet()) {
            if (!files.containsKey(p) && !mayChange.test(p)) {
                out.add(p + " appeared");
            }
        }
        return out;
    }

    private static byte[] sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] buf = new byte[8192];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
