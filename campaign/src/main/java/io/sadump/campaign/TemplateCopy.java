package io.sadump.campaign;

import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import io.sadump.machine.WrittenRanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies the campaign template fast and sparse, many times: the template's large files (storage,
 * device images) are scanned once for the 64 KiB blocks that hold data, those ranges are kept in memory
 * (a 64 MiB system holds about 36 MiB), and each copy writes only them; the holes stay holes and are
 * never read again.
 * Like {@code MachineTemplate.copy} it keeps every file's modification time, so the storage's frame
 * record stays trusted, and leaves out the lock file. The template must not change while copies are made.
 */
final class TemplateCopy {
    /** Granularity of the data scan; the same as MachineTemplate's sparse copy. */
    static final int BLOCK = 1 << 16;
    /** Files from this size are copied by their data ranges; smaller ones whole. */
    static final long LARGE = 1 << 20;

    /** A range of data of a large file, held in memory: {@code bytes} go to file offset {@code offset}. */
    private record Range(long offset, ByteBuffer bytes) {}

    /**
     * One file or directory of the template: a large file's data ranges, a small file's bytes.
     */
    private record Entry(Path relative, boolean directory, long size, FileTime modified, List<Range> data,
            byte[] content) {}

    private final Path from;
    private final List<Entry> entries;

    TemplateCopy(Path from) {
        this.from = from;
        try {
            List<Entry> list = new ArrayList<>();
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(from)) {
                paths = walk.toList();
            }
            for (Path p : paths) {
                Path rel = from.relativize(p);
                if (rel.toString().equals(".lock")) {
                    continue;
                }
                boolean dir = Files.isDirectory(p);
                long size = dir ? 0 : Files.size(p);
                List<Range> data = !dir && size >= LARGE ? load(p, dataRanges(p)) : List.of();
                byte[] content = !dir && size < LARGE ? Files.readAllBytes(p) : null;
                list.add(new Entry(rel, dir, size, Files.getLastModifiedTime(p), data, content));
            }
            this.entries = List.copyOf(list);
        } catch (IOException e) {
            throw new MachineException("cannot read the template " + from + ": " + e.getMessage(), e);
        }
    }

    /** Copies the template to {@code to}, which must not exist. */
    void copyTo(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.createDirectory(to);
        for (Entry e : entries) {
            Path src = from.resolve(e.relative().toString());
            Path dst = to.resolve(e.relative().toString());
            if (e.directory()) {
                Files.createDirectories(dst);
            } else if (e.size() < LARGE) {
                Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            } else {
                copyRanges(src, dst, e);
            }
        }
        // times last, once every file is complete (directories after their files)
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            Files.setLastModifiedTime(to.resolve(e.relative().toString()), e.modified());
        }
    }

    /** {@link #restore(Path, WrittenRanges)} without a write log: every large file is compared whole. */
    void restore(Path to) throws IOException {
        restore(to, null);
    }

    /**
     * Makes {@code to} equal to the template again, in place: files the template lacks are removed, small
     * files rewritten when they differ, and large files put back 64 KiB block by block where they differ
     * from the template (its data, or zero where it has a hole). A scenario changes a few MiB of storage and
     * writes its dump to the DASD; restoring those blocks costs much less than freeing and allocating the
     * whole copy again, and keeps the same file pages in use. {@code to} must have been made by {@link
     * #copyTo} or this method; when it does not exist it is copied.
     *
     * <p>With {@code log} (the ranges the scenario's storage and devices noted, {@link
     * MachineDirectory#watchWrites}), a large file that is still the file the last restore left (same file
     * key and size) is looked at only where it was written: not at all when nothing was noted and its
     * modification time is still the one the restore set, in full when it was written by something that
     * did not note its writes (its time moved, nothing noted), else only the blocks of the noted ranges.
     * The log is emptied.
     */
    void restore(Path to, WrittenRanges log) throws IOException {
        if (!Files.isDirectory(to)) {
            copyTo(to);
            if (log != null) {
                log.clear();
            }
            rememberLeft(to);
            return;
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        for (Entry e : entries) {
            known.add(e.relative().toString());
        }
        List<Path> present;
        try (Stream<Path> walk = Files.walk(to)) {
            present = walk.sorted(java.util.Comparator.reverseOrder()).toList();
        }
        for (Path p : present) {
            String rel = to.relativize(p).toString();
            if (!rel.isEmpty() && !known.contains(rel)) {
                if (Files.isDirectory(p)) {
                    CampaignTemplate.deleteTree(p);
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
        for (Entry e : entries) {
            Path dst = to.resolve(e.relative().toString());
            if (e.directory()) {
                Files.createDirectories(dst);
            } else if (e.content() != null) {
                if (!Files.isRegularFile(dst) || !java.util.Arrays.equals(Files.readAllBytes(dst), e.content())) {
                    Files.write(dst, e.content());
                }
            } else {
                WrittenRanges.FileWrites writes = log == null ? null : log.take(dst);
                Left was = left.get(dst);
                BasicFileAttributes now = Files.isRegularFile(dst)
                        ? Files.readAttributes(dst, BasicFileAttributes.class) : null;
                boolean sameFile = writes != null && !writes.replaced() && was != null && now != null
                        && was.fileKey() != null && was.fileKey().equals(now.fileKey()) && now.size() == e.size();
                if (!sameFile) {
                    restoreRanges(dst, e);
                } else if (writes.ranges().isEmpty()) {
                    if (!now.lastModifiedTime().equals(was.modified())) {
                        restoreRanges(dst, e); // written, but not through a writer that notes its writes
                    }
                } else if (!restoreWritten(dst, e, writes.ranges())) {
                    restoreRanges(dst, e);
                }
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            Files.setLastModifiedTime(to.resolve(e.relative().toString()), e.modified());
        }
        if (log != null) {
            log.clear(); // writes to files the template lacks: those files are gone
        }
        rememberLeft(to);
    }

    /** A large file as a restore left it: the same file key, size and time later mean nobody wrote it. */
    private record Left(Object fileKey, long size, FileTime modified) {}

    /** What the last restore (or copy) left of each large file of each copy. */
    private final java.util.concurrent.ConcurrentHashMap<Path, Left> left = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether {@code file}, a large file of a copy, is still the file the last restore (or copy) left: the
     * same file key, size and modification time, so nothing wrote it since (a write moves the time).
     */
    boolean leftAsRestored(Path file) throws IOException {
        Left was = left.get(file);
        if (was == null || was.fileKey() == null || !Files.isRegularFile(file)) {
            return false;
        }
        BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
        return was.fileKey().equals(now.fileKey()) && was.size() == now.size()
                && was.modified().equals(now.lastModifiedTime());
    }

    private void rememberLeft(Path to) throws IOException {
        for (Entry e : entries) {
            if (e.directory() || e.content() != null) {
                continue;
            }
            Path dst = to.resolve(e.relative().toString());
            BasicFileAttributes a = Files.readAttributes(dst, BasicFileAttributes.class);
            left.put(dst, new Left(a.fileKey(), a.size(), a.lastModifiedTime()));
        }
    }

    /**
     * Puts back the blocks of {@code dst} that hold the written {@code ranges}, where they differ from the
     * template. Returns false, having changed nothing, when this cannot be done here (a range reaches past
     * the template's data, where only cutting the file gives back holes; the file is too large to keep
     * mapped).
     */
    private boolean restoreWritten(Path dst, Entry e, List<long[]> ranges) throws IOException {
        long dataEnd = dataEnd(e);
        for (long[] r : ranges) {
            if (r[1] > dataEnd) {
                return false;
            }
        }
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < dataEnd) {
                return false;
            }
            ByteBuffer map = mappings.view(dst, ch, dataEnd);
            if (map == null) {
                return false;
            }
            long done = 0; // blocks before this are restored already (ranges are sorted)
            for (long[] r : ranges) {
                for (long pos = Math.max(done, r[0] / BLOCK * BLOCK); pos < r[1]; pos += BLOCK) {
                    int len = (int) Math.min(BLOCK, e.size() - pos);
                    ByteBuffer want = templateBlock(e, pos, len);
                    ByteBuffer cur = map.duplicate().position((int) pos).limit((int) pos + len);
                    if (cur.mismatch(want) != -1) {
                        writeFully(ch, want, pos);
                    }
                    done = pos + BLOCK;
                }
            }
        }
        return true;
    }

    /** The template's bytes {@code [pos, pos + len)} of a large file, inside one block. */
    private static ByteBuffer templateBlock(Entry e, long pos, int len) {
        List<Range> ranges = e.data();
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = ranges.get(mid);
            if (r.offset() + r.bytes().limit() <= pos) {
                lo = mid + 1;
            } else if (r.offset() > pos) {
                hi = mid - 1;
            } else {
                // data ranges are whole blocks, so a block lies in one range or in a hole
                int from = (int) (pos - r.offset());
                return r.bytes().duplicate().position(from).limit(from + len);
            }
        }
        return ZERO_BLOCK.duplicate().limit(len);
    }

    /** The end of the template's last data block: all zero beyond it. */
    private static long dataEnd(Entry e) {
        List<Range> ranges = e.data();
        if (ranges.isEmpty()) {
            return 0;
        }
        Range last = ranges.get(ranges.size() - 1);
        return Math.min(e.size(), (last.offset() + last.bytes().limit() + BLOCK - 1) / BLOCK * BLOCK);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long at = pos;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    private static final ByteBuffer ZERO_BLOCK = ByteBuffer.allocateDirect(BLOCK).asReadOnlyBuffer();

    /**
     * Rewrites the 64 KiB blocks of {@code dst} that differ from the template's. The copy is compared through
     * a read-only mapping, so its pages are looked at where they lie instead of being copied out with a
     * read per block (most of a campaign's time went there); holes map the shared zero page.
     */
    private void restoreRanges(Path dst, Entry e) throws IOException {
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            List<Range> ranges = e.data();
            // Beyond the template's last data block it is all zero: cutting the copy there turns whatever a
            // scenario wrote (a dump on the DASD) back into a hole at once, instead of comparing it and
            // writing zeros over it.
            long dataEnd = dataEnd(e);
            if (ch.size() > dataEnd) {
                ch.truncate(dataEnd);
            }
            long fileEnd = ch.size();
            int ri = 0;
            ByteBuffer map = mappings.view(dst, ch, Math.min(dataEnd, fileEnd));
            long mapStart = 0;
            for (long pos = 0; pos < dataEnd; pos += BLOCK) {
                int len = (int) Math.min(BLOCK, e.size() - pos);
                while (ri < ranges.size() && ranges.get(ri).offset() + ranges.get(ri).bytes().limit() <= pos) {
                    ri++;
                }
                ByteBuffer want;
                if (ri < ranges.size() && ranges.get(ri).offset() <= pos) {
                    Range r = ranges.get(ri);
                    int from = (int) (pos - r.offset());
                    want = r.bytes().duplicate().position(from).limit(from + len);
                } else {
                    want = ZERO_BLOCK.duplicate().limit(len);
                }
                boolean same;
                if (pos >= fileEnd) {
                    same = want.mismatch(ZERO_BLOCK.duplicate().limit(len)) == -1;
                } else {
                    // the copy's bytes; beyond its end the block reads as zero, as the template's hole would
                    int have = (int) Math.min(len, fileEnd - pos);
                    if (map == null || pos + have > mapStart + map.capacity()) {
                        mapStart = pos;
                        map = ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(MAP_WINDOW, fileEnd - pos));
                    }
                    int at = (int) (pos - mapStart);
                    ByteBuffer cur = map.duplicate().position(at).limit(at + have);
                    same = cur.mismatch(want.duplicate().limit(want.position() + have)) == -1
                            && (have == len || want.duplicate().position(want.position() + have)
                                    .mismatch(ZERO_BLOCK.duplicate().limit(len - have)) == -1);
                }
                if (!same) {
                    long at = pos;
                    while (want.hasRemaining()) {
                        at += ch.write(want, at);
                    }
                }
            }
            if (ch.size() < e.size()) {
                ch.write(ByteBuffer.wrap(new byte[1]), e.size() - 1);
            }
        }
    }

    /** Bytes of the copy mapped at a time while it is compared. */
    private static final long MAP_WINDOW = 64L << 20;

    /** Mappings of the copies' large files, kept from one restore to the next. */
    private final KeptMappings mappings = new KeptMappings();

    private static void copyRanges(Path src, Path dst, Entry e) throws IOException {
        try (FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            for (Range r : e.data()) {
                ByteBuffer b = r.bytes().duplicate();
                long pos = r.offset();
                while (b.hasRemaining()) {
                    pos += out.write(b, pos);
                }
            }
            if (out.size() < e.size()) {
                // sets the length without allocating the hole before it
                out.write(ByteBuffer.wrap(new byte[1]), e.size() - 1);
            }
        }
    }

    /** Reads the data ranges of {@code file} into memory (direct buffers, written without another copy). */
    private static List<Range> load(Path file, List<long[]> ranges) throws IOException {
        List<Range> out = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long[] r : ranges) {
                ByteBuffer b = ByteBuffer.allocateDirect((int) (r[1] - r[0]));
                long pos = r[0];
                while (b.hasRemaining()) {
                    int n = in.read(b, pos);
                    if (n < 0) {
                        throw new IOException(file + " ended at byte " + pos + " while the template was read");
                    }
                    pos += n;
                }
                out.add(new Range(r[0], b.flip().asReadOnlyBuffer()));
            }
        }
        return List.copyOf(out);
    }

    /** The ranges of 64 KiB blocks of {@code file} that hold a non-zero byte, merged. */
    private static List<long[]> dataRanges(Path file) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            for (long pos = 0; pos < size; pos += BLOCK) {
                buf.clear();
                int n = 0;
                while (buf.hasRemaining()) {
                    int k = in.read(buf, pos + n);
                    if (k < 0) {
                        break;
                    }
                    n += k;
                }
                if (isZero(buf, n)) {
                    continue;
                }
                long end = pos + n;
                if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == pos) {
                    ranges.get(ranges.size() - 1)[1] = end;
                } else {
                    ranges.add(new long[] {pos, end});
                }
            }
        }
        return ranges;
    }

    private static boolean isZero(ByteBuffer buf, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if (buf.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
