package io.sadump.machine.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The old bytes of one range of a file that is about to be rewritten in place, kept in a hidden file
 * beside it ({@code .<name>.undo}) until the rewrite is complete and synced.
 *
 * <p>Order: {@link #save} writes and syncs the record before the caller touches the file; the
 * caller writes and syncs the file, then {@link #discard()}s the record. A failure in between is
 * undone by {@link #restore()}; a kill in between is undone by {@link #recover} on the next open. A
 * record cut short by a kill during {@link #save} fails its digest: the file was not touched yet, and
 * the record is simply removed.
 *
 * <p>Restoring writes back only the 4 KiB pages that differ from the saved bytes, so pages that were
 * holes of a sparse file and still read as zeros cost no space on a full disk.
 *
 * <p>Record layout (big-endian): magic {@code "SDUNDO01"}, the range's offset (8 bytes) and length
 * (4 bytes), the SHA-256 of the saved bytes (32 bytes), the bytes.
 */
public final class RangeUndoRecord {
    static final byte[] MAGIC = {'S', 'D', 'U', 'N', 'D', 'O', '0', '1'};
    static final int HEADER = MAGIC.length + 8 + 4 + 32;
    /** Ranges are a few tracks; the limit keeps a damaged length from allocating much. */
    public static final int MAX_LENGTH = 64 << 20;
    private static final int PAGE = 4096;

    private final Path file;
    private final Path record;
    private final long offset;
    private final byte[] saved;

    private RangeUndoRecord(Path file, Path record, long offset, byte[] saved) {
        this.file = file;
        this.record = record;
        this.offset = offset;
        this.saved = saved;
    }

    /** Where the record of {@code file} lives. */
    public static Path recordOf(Path file) {
        return DurableFiles.parentOf(file).resolve("." + file.getFileName() + ".undo");
    }

    /**
     * Saves {@code [offset, offset + length)} of {@code file} (bytes past its end read as zeros) and
     * syncs the record and its directory.
     *
     * @throws IOException when the record cannot be written (the file is then untouched)
     */
    public static RangeUndoRecord save(Path file, long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("undo range " + offset + "+" + length);
        }
        byte[] data = new byte[length];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                if (in.read(b, offset + b.position()) < 0) {
                    break; // past the end: zeros
                }
            }
        }
        Path record = recordOf(file);
        ByteBuffer out = ByteBuffer.allocate(HEADER + length);
        out.put(MAGIC).putLong(offset).putInt(length).put(sha256(data)).put(data).flip();
        try (FileChannel ch = FileChannel.open(record, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(record);
            throw e;
        }
        DurableFiles.syncDirectory(DurableFiles.parentOf(record));
        return new RangeUndoRecord(file, record, offset, data);
    }

    /** The rewrite is complete and synced: the record goes. */
    public void discard() throws IOException {
        Files.deleteIfExists(record);
        DurableFiles.syncDirectory(DurableFiles.parentOf(record));
    }

    /** Puts the saved bytes back, syncs the file and removes the record. */
    public void restore() throws IOException {
        writeBack(file, offset, saved);
        discard();
    }

    /**
     * Undoes a rewrite a kill cut short: when {@code file} has a complete record, its bytes are put
     * back; a record cut short is removed (its file was not touched yet).
     *
     * @return whether bytes were put back
     * @throws IOException when the record exists but cannot be read or applied (it is then kept)
     */
    public static boolean recover(Path file) throws IOException {
        Path record = recordOf(file);
        Optional<RangeUndoRecord> r = read(file, record);
        if (r.isEmpty()) {
            if (Files.deleteIfExists(record)) {
                DurableFiles.syncDirectory(DurableFiles.parentOf(record));
            }
            return false;
        }
        r.get().restore();
        return true;
    }

    private static Optional<RangeUndoRecord> read(Path file, Path record) throws IOException {
        byte[] all;
        try {
            if (Files.size(record) > HEADER + (long) MAX_LENGTH) {
                return Optional.empty();
            }
            all = Files.readAllBytes(record);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        if (all.length < HEADER || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(all, MAGIC.length, all.length - MAGIC.length);
        long offset = b.getLong();
        int length = b.getInt();
        byte[] digest = new byte[32];
        b.get(digest);
        if (offset < 0 || length < 0 || length != b.remaining()) {
            return Optional.empty();
        }
        byte[] data = Arrays.copyOfRange(all, HEADER, all.length);
        if (!MessageDigest.isEqual(digest, sha256(data))) {
            return Optional.empty();
        }
        return Optional.of(new RangeUndoRecord(file, record, offset, data));
    }

    private static void writeBack(Path file, long offset, byte[] saved) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer now = ByteBuffer.allocate(PAGE);
            for (int at = 0; at < saved.length; at += PAGE) {
                int n = Math.min(PAGE, saved.length - at);
                now.clear().limit(n);
                while (now.hasRemaining()) {
                    if (ch.read(now, offset + at + now.position()) < 0) {
                        break;
                    }
                }
                byte[] cur = now.array();
                // bytes past the end were not read: zeros, as save saw them
                Arrays.fill(cur, now.position(), n, (byte) 0);
                if (Arrays.equals(cur, 0, n, saved, at, at + n)) {
                    continue;
                }
                ByteBuffer w = ByteBuffer.wrap(saved, at, n);
                long p = offset + at;
                while (w.hasRemaining()) {
                    p += ch.write(w, p);
                }
            }
            ch.force(true);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
