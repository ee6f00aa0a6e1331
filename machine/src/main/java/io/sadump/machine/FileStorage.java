package io.sadump.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Absolute storage in a raw sparse file: the byte at file offset A is absolute address A, so {@code
 * xxd}, {@code dd} and {@code cmp} work on it, and a 1 TiB system costs only the pages it uses.
 *
 * <p>The frame record lives beside it. It is a cache: when {@code storage.img} is newer than the
 * record (changed behind sadump's back, or a run that died before saving), the record is rebuilt from
 * the data before anyone trusts it.
 */
public final class FileStorage extends AbsoluteStorage {
    private final Path image;
    private final Path recordFile;
    private FileChannel channel;
    private final boolean writable;
    private boolean dirty;
    /**
     * Identity (inode and modification time) of the record file when this instance opened or saved it;
     * null when there was none. A different identity at flush means another writer (a second instance
     * in this JVM) saved it since, and its frames are merged in, so neither loses the other's frames.
     */
    private String diskRecordIdentity;
    /** Set by {@link #clear()}: the next flush replaces the record file instead of merging with it. */
    private boolean replaceRecord;
    /** The change journaling this storage's writes, if any. */
    private MachineChange journal;
    /** Where writes are noted, if anywhere. */
    private WrittenRanges writeLog;

    private FileStorage(Path image, Path recordFile, FileChannel channel, long size, FrameRecord record,
            boolean writable) {
        super(size, record);
        this.image = image;
        this.recordFile = recordFile;
        this.channel = channel;
        this.writable = writable;
    }

    /** Creates a new all-zero sparse image of {@code size} bytes; fails if it exists. */
    public static FileStorage create(Path image, Path recordFile, long size) {
        if (size <= 0 || size > MAX_SIZE) {
            throw new StorageException("storage size " + Sizes.format(size) + " is outside 1 byte..16T");
        }
        try {
            FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
            try {
                // Writing the last byte sets the length without allocating the blocks before it.
                setLength(ch, image, size);
                FileStorage fs = new FileStorage(image, recordFile, ch, size, new FrameRecord(size), true);
                fs.dirty = true;
                fs.replaceRecord = true;
                fs.flush();
                return fs;
            } catch (IOException | RuntimeException e) {
                ch.close();
                // This call made the file; a failed create leaves nothing that would block a retry.
                try {
                    Files.deleteIfExists(image);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        } catch (FileAlreadyExistsException e) {
            throw new StorageException("cannot create " + image + ": it already exists", e);
        } catch (IOException e) {
            throw new StorageException("cannot create " + image + ": " + e.getMessage(), e);
        }
    }

    /**
     * Extends the file to {@code size} by writing its last byte, which allocates no block before it. A
     * file system may refuse the length (ext4 with 4 KiB blocks stops 4 KiB short of 16 TiB); the
     * message then says so instead of a bare "File too large".
     */
    private static void setLength(FileChannel ch, Path image, long size) throws IOException {
        try {
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
        } catch (IOException e) {
            throw new IOException(String.format("the file system refuses a file of %s (%d bytes): %s; put the"
                    + " machine on a file system that allows files this large (xfs, btrfs, tmpfs)",
                    Sizes.format(size), size, e.getMessage()), e);
        }
    }

    /**
     * Opens an existing image of {@code size} bytes, read-only or for writing.
     *
     * @throws StorageException when the file is missing or its length disagrees with {@code size}
     */
    public static FileStorage open(Path image, Path recordFile, long size, boolean writable) {
        try {
            FileChannel ch = writable
                    ? FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(image, StandardOpenOption.READ);
            try {
                long actual = ch.size();
                if (actual != size) {
                    throw new StorageException(String.format(
                            "%s is %d bytes but the machine has %s of storage (%d bytes): the image was"
                                    + " truncated or replaced",
                            image, actual, Sizes.format(size), size));
                }
                FrameRecord record = loadTrusted(image, recordFile, size);
                boolean rebuilt = record == null;
                if (rebuilt) {
                    record = rebuild(ch, size);
                }
                FileStorage fs = new FileStorage(image, recordFile, ch, size, record, writable);
                // A rebuilt record is saved at the next flush, so the scan is paid once, not on every open.
                fs.dirty = rebuilt && writable;
                fs.diskRecordIdentity = identity(recordFile);
                return fs;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new StorageException("storage image " + image + " is missing", e);
        } catch (IOException e) {
            throw new StorageException("cannot open " + image + ": " + e.getMessage(), e);
        }
    }

    /** The saved record when it can be trusted (present, undamaged, not older than the image); else null. */
    private static FrameRecord loadTrusted(Path image, Path recordFile, long size) throws IOException {
        if (Files.exists(recordFile)) {
            FileTime imageTime = Files.getLastModifiedTime(image);
            FileTime recordTime = Files.getLastModifiedTime(recordFile);
            if (imageTime.compareTo(recordTime) <= 0) {
                try {
                    return FrameRecord.load(recordFile, size);
                } catch (IOException damaged) {
                    // fall through: a damaged cache is rebuilt, never trusted
                }
            }
        }
        return null;
    }

    /**
     * Scans the image for frames holding any non-zero byte. A frame is read in two steps, its first
     * page and then the rest, so a frame that holds data usually costs one page; the reads go into a
     * direct buffer (no copy through the heap) and the zero test is the JDK's vectorised mismatch.
     * Holes still cost a read: Java 17 cannot ask the file system where they are.
     */
    static FrameRecord rebuild(FileChannel ch, long size) throws IOException {
        FrameRecord record = new FrameRecord(size);
        int frameSize = (int) FrameRecord.FRAME_SIZE;
        ByteBuffer buf = ByteBuffer.allocateDirect(frameSize);
        ByteBuffer zeros = ByteBuffer.allocateDirect(frameSize);
        for (long frame = 0; frame < record.frameCount(); frame++) {
            long start = frame << FrameRecord.FRAME_SHIFT;
            int n = (int) Math.min(FrameRecord.FRAME_SIZE, size - start);
            int head = Math.min(n, PAGE_SIZE);
            if (!isZero(ch, buf, zeros, start, 0, head) || !isZero(ch, buf, zeros, start, head, n)) {
                record.markWritten(frame);
            }
        }
        return record;
    }

    /** Whether bytes {@code [from, to)} of the frame at {@code start} are all zero. */
    private static boolean isZero(FileChannel ch, ByteBuffer buf, ByteBuffer zeros, long start, int from, int to)
            throws IOException {
        if (from == to) {
            return true;
        }
        buf.clear().limit(to - from);
        readFully(ch, buf, start + from);
        buf.flip();
        zeros.clear().limit(to - from);
        return buf.mismatch(zeros) < 0;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position);
            if (r < 0) {
                // Past the end of a shorter file reads as zero, like a hole.
                while (buf.hasRemaining()) {
                    buf.put((byte) 0);
                }
                return;
            }
            position += r;
        }
    }

    public Path image() {
        return image;
    }

    @Override
    protected void readRaw(long address, byte[] dst, int offset, int length) {
        try {
            readFully(channel, ByteBuffer.wrap(dst, offset, length), address);
        } catch (IOException e) {
            throw new StorageException(String.format("reading %s at 0x%X failed: %s", image, address,
                    e.getMessage()), e);
        }
    }

    /**
     * The kernel copies from the image into the target ({@link FileChannel#transferTo}: {@code sendfile}),
     * one copy where a read and a write would make two. A range beyond the end of a shorter image is left
     * to the reads, which give zeros there.
     */
    @Override
    protected boolean transferRaw(long address, long length, FileChannel target) throws IOException {
        FileChannel ch = channel;
        if (length > ch.size() - address) {
            return false;
        }
        long end = address + length;
        for (long pos = address; pos < end; ) {
            long n = ch.transferTo(pos, end - pos, target);
            if (n <= 0) {
                // the kernel copied nothing this time: a piece through a buffer keeps the copy going
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(end - pos, 1 << 16));
                readFully(ch, b, pos);
                b.flip();
                while (b.hasRemaining()) {
                    target.write(b);
                }
                n = b.capacity();
            }
            pos += n;
        }
        return true;
    }

    /** Reads straight into the buffer: for a direct one, the kernel's copy is the only one. */
    @Override
    protected void readRaw(long address, ByteBuffer dst) {
        try {
            readFully(channel, dst, address);
        } catch (IOException e) {
            throw new StorageException(String.format("reading %s at 0x%X failed: %s", image, address,
                    e.getMessage()), e);
        }
    }

    /**
     * Maps the file window by window and hands over the mapped pages: no copy into a buffer of this
     * process, so a digest reads the page cache directly (a read would copy every byte once more). Each
     * window is unmapped as soon as it is done, so a scan of hundreds of MiBs never holds more than one
     * window in the process's memory. A range beyond the end of a shorter file is read instead (it
     * reads as zeros there, as {@link #readRaw} does).
     */
    @Override
    protected boolean scanRaw(long address, long length, Predicate<ByteBuffer> piece) {
        for (long done = 0; done < length; ) {
            long from = address + done;
            long n = Math.min(SCAN_WINDOW, length - done);
            MappedWindow window;
            try {
                if (from + n > channel.size()) {
                    return super.scanRaw(from, length - done, piece);
                }
                window = MappedWindow.map(channel, from, n);
            } catch (IOException e) {
                throw new StorageException(String.format("reading %s at 0x%X failed: %s", image, from,
                        e.getMessage()), e);
            }
            try {
                for (int off = 0; off < n; off += SCAN_PIECE) {
                    if (!piece.test(window.bytes().slice(off, (int) Math.min(SCAN_PIECE, n - off)))) {
                        return false;
                    }
                }
            } catch (InternalError e) {
                // what the JVM throws when a mapped page cannot be read: the file was cut short meanwhile
                throw new StorageException(String.format("reading %s at 0x%X failed: the file became shorter "
                        + "while it was read", image, from), e);
            } finally {
                window.unmap();
            }
            done += n;
        }
        return true;
    }

    /** Bytes of the file mapped at once by {@link #scanRaw}. */
    static final long SCAN_WINDOW = 32L << 20;

    @Override
    protected void checkWritable() {
        if (!writable) {
            throw new StorageException("storage " + image + " is open read-only");
        }
    }

    @Override
    protected void writeRaw(long address, byte[] src, int offset, int length) {
        checkWritable();
        if (journal != null) {
            journal.beforeWrite(this, address, src, offset, length);
        }
        ByteBuffer buf = ByteBuffer.wrap(src, offset, length);
        try {
            long pos = address;
            try {
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
            } finally {
                // noted even when cut short: part of it may have reached the file
                if (writeLog != null) {
                    writeLog.written(image, address, length);
                }
            }
            dirty = true;
        } catch (IOException e) {
            throw new StorageException(String.format("writing %s at 0x%X failed: %s", image, address,
                    e.getMessage()), e);
        }
    }

    @Override
    public void clear() {
        checkWritable();
        if (journal != null) {
            clearJournaled();
            return;
        }
        try {
            // A new all-holes file renamed over the old one: exactly all zeros. Truncating in place
            // would first wait for the old file's dirty pages to reach the disk; an unlinked inode's
            // pages are simply dropped.
            Path fresh = image.resolveSibling(image.getFileName() + ".clear");
            Files.deleteIfExists(fresh);
            FileChannel next = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
            try {
                setLength(next, fresh, size());
                Files.move(fresh, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                if (writeLog != null) {
                    writeLog.replaced(image);
                }
            } catch (IOException | RuntimeException e) {
                next.close();
                Files.deleteIfExists(fresh);
                throw e;
            }
            FileChannel old = channel;
            channel = next;
            old.close();
            writtenFrames().markZero(0, writtenFrames().frameCount());
            dirty = true;
            replaceRecord = true;
        } catch (IOException e) {
            throw new StorageException("clearing " + image + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A clear inside a journaled change: the new all-holes image is made beside the old one, and the
     * old one is renamed aside (not removed) until the change is committed, so an interrupted change
     * gets it back. No byte of the old image is copied.
     */
    private void clearJournaled() {
        Path fresh = image.resolveSibling(image.getFileName() + ".clear");
        Path replaced = replacedImage(image);
        try {
            Files.deleteIfExists(fresh);
            Files.deleteIfExists(replaced);
            journal.creates(fresh);
            FileChannel next = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.SPARSE);
            try {
                setLength(next, fresh, size());
                next.force(true);
                journal.rename(image, replaced);
                journal.rename(fresh, image);
                if (writeLog != null) {
                    writeLog.replaced(image);
                }
            } catch (IOException | RuntimeException e) {
                next.close();
                throw e;
            }
            journal.removeAfterCommit(replaced);
            FileChannel old = channel;
            channel = next;
            old.close();
            writtenFrames().markZero(0, writtenFrames().frameCount());
            dirty = true;
            replaceRecord = true;
            journal.cleared();
        } catch (IOException e) {
            throw new StorageException("clearing " + image + " failed: " + e.getMessage(), e);
        }
    }

    /** Where a journaled clear keeps the old image until its change is committed. */
    static Path replacedImage(Path image) {
        return image.resolveSibling(image.getFileName() + ".replaced");
    }

    /** Notes the ranges this storage writes in {@code log} (null: no longer). */
    public void logWritesTo(WrittenRanges log) {
        this.writeLog = log;
    }

    /** Journals this storage's writes in {@code change} (null: no longer). */
    void journalTo(MachineChange change) {
        this.journal = change;
    }

    @Override
    void exchangeRaw(StorageExchange plan) {
        if (journal != null) {
            journal.exchange(this, plan);
        } else {
            plan.run(this);
        }
    }

    @Override
    public void journalRange(long address, long length) {
        if (journal != null) {
            journal.preserve(this, address, length);
        }
    }

    @Override
    public void noteChange(String what) {
        if (journal != null) {
            journal.note(what);
        }
    }

    /**
     * Forces the written data to the disk. Only a recovery does (before it drops journal records whose
     * undo it wrote): storage models volatile memory and is otherwise never forced.
     */
    void forceData() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new StorageException("cannot write " + image + " to the disk: " + e.getMessage(), e);
        }
    }

    /** Saves the frame record of a storage still open (a journaled change is about to end). */
    void sync() {
        if (!writable || !channel.isOpen()) {
            return; // closed: its record was saved when it closed
        }
        flush();
    }

    /**
     * Saves the frame record after the data, so the record is never newer than what it describes. The
     * data is not fsynced: storage.img models volatile memory, and an fsync of gigabytes per command
     * made every command wait for the disk. A record saved while data pages were still in the page
     * cache is at worst conservative (it may mark frames that a host crash left zero).
     */
    @Override
    public void flush() {
        if (!writable || !dirty) {
            return;
        }
        try {
            mergeForeignRecord();
            writtenFrames().save(recordFile);
            // The record must not look older than the data it describes.
            FileTime imageTime = Files.getLastModifiedTime(image);
            if (Files.getLastModifiedTime(recordFile).compareTo(imageTime) < 0) {
                Files.setLastModifiedTime(recordFile, imageTime);
            }
            diskRecordIdentity = identity(recordFile);
            replaceRecord = false;
            dirty = false;
        } catch (IOException e) {
            throw new StorageException("saving the frame record " + recordFile + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Adds the frames of a record file that another writer saved since this instance last saw it (a
     * record is conservative, so adding frames never loses data; dropping them could).
     */
    private void mergeForeignRecord() throws IOException {
        if (replaceRecord || !Files.exists(recordFile)) {
            return;
        }
        if (Objects.equals(identity(recordFile), diskRecordIdentity)) {
            return; // the file this instance loaded, rebuilt from or saved: nothing new in it
        }
        try {
            writtenFrames().markWrittenFrom(FrameRecord.load(recordFile, size()));
        } catch (IOException damaged) {
            // a damaged file holds nothing to trust; it is replaced below
        }
    }

    /** Inode and modification time: every save renames a new file into place, so both change. */
    private static String identity(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.fileKey() + "@" + a.lastModifiedTime();
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            flush();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new StorageException("closing " + image + " failed: " + e.getMessage(), e);
            }
        }
    }
}
