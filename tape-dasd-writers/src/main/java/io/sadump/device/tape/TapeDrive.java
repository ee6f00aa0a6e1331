package io.sadump.device.tape;

import io.sadump.device.DeviceException;
import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.ImageFormatException;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.NotReadyException;
import io.sadump.device.WriteProtectedException;
import io.sadump.machine.channel.DumpDeviceFullException;
import io.sadump.machine.channel.TapeBlockSink;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A 3480/3490 tape drive whose cartridges are AWSTAPE files (docs/formats.md §8).
 *
 * <p>An operator {@link #mount mounts} a volume (checking its chunk chain) and {@link #unmount unmounts}
 * it; the drive then writes blocks and tape marks at its position, reads blocks, spaces forward and
 * backward over blocks and files, and rewinds. Writing erases everything after the position, as on a
 * real tape. Each block (1..65535 bytes) is one chunk with flags1 {@code 0xA0}; a tape mark is a header
 * with flags1 {@code 0x40}; flags2 is 0; prvblkl chains to the previous chunk.
 *
 * <p>A cartridge has a capacity in bytes of image file (headers included). A block that would pass it
 * is not written and the write ends with {@link EndOfVolumeException} (unit exception). Tape marks are
 * always written, even past the capacity, so a writer can still close its file after end of volume
 * (a real cartridge has room behind its end-of-tape marker for that).
 *
 * <h2>For the dump formats</h2>
 * The drive is the tape dump writer's {@link TapeBlockSink}: through that interface end of volume is
 * the dump's {@link DumpDeviceFullException} ("Device too small"); the drive's own
 * {@link #writeBlock(ByteBuffer)} keeps the channel's {@link EndOfVolumeException}. A reader gets the
 * dump file of a tape as a {@link TapeBlockSource} from {@link #dumpFile} (a mounted drive) or
 * {@link #mountDumpFile} (an image file, mounted read-only on a drive of its own).
 *
 * <p>Not thread-safe.
 */
public final class TapeDrive implements TapeBlockSink, Closeable {
    /** Default cartridge capacity: 800 MiB (a 3490E cartridge holds about 800 MB uncompressed). */
    public static final long DEFAULT_CAPACITY = 800L << 20;
    /** The largest block: a chunk length is a u16. */
    public static final int MAX_BLOCK_SIZE = AwsChunkHeader.MAX_LENGTH;

    private final String name;
    private FileChannel channel;
    private Path volume;
    private long capacity;
    private boolean writable;
    private long end;
    private long pos;
    private int prevLength;
    private long blockId;
    private IoFaultPlan faults = IoFaultPlan.none();
    private final ByteBuffer header = ByteBuffer.allocate(AwsChunkHeader.SIZE);
    private static final byte[] NO_BYTES = new byte[0];

    /** A drive with no tape mounted; {@code name} (its device number) names it in errors. */
    public TapeDrive(String name) {
        this.name = Objects.requireNonNull(name);
    }

    /** Creates an empty (blank) AWSTAPE volume file; fails if it exists. */
    public static void createVolume(Path file) throws DeviceException {
        try {
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (FileAlreadyExistsException e) {
            throw new DeviceException(file.toString(), "cannot create tape volume: the file exists");
        } catch (IOException e) {
            throw new DeviceException(file.toString(), "cannot create tape volume: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /**
     * Mounts a volume and positions it at the load point. The whole chunk chain is checked first.
     *
     * @param capacity cartridge capacity in bytes of image file
     * @throws NotReadyException if a volume is already mounted or the file does not exist
     * @throws ImageFormatException naming the offset of the first damaged chunk
     */
    public void mount(Path file, long capacity, boolean writable) throws DeviceException {
        if (channel != null) {
            throw new NotReadyException(name, "a tape is already mounted (" + volume + "); unmount it first");
        }
        if (capacity < AwsChunkHeader.SIZE + 1) {
            throw new IllegalArgumentException("a cartridge capacity must be at least 7 bytes, got " + capacity);
        }
        FileChannel ch;
        try {
            ch = writable ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NotReadyException(name, "no tape volume " + file);
        } catch (IOException e) {
            throw new DeviceException(name, "cannot mount " + file + ": " + e.getMessage(), e);
        }
        try {
            this.channel = ch;
            this.volume = file;
            this.end = ch.size();
            checkChain();
        } catch (IOException e) {
            this.channel = null;
            this.volume = null;
            try {
                ch.close();
            } catch (IOException ignored) {
                // the mount failed already
            }
            if (e instanceof DeviceException de) {
                throw de;
            }
            throw new DeviceIoErrorException(name, "cannot read " + file + ": " + e.getMessage(), e);
        }
        this.capacity = capacity;
        this.writable = writable;
        rewindQuietly();
    }

    /**
     * Where the last block a kill cut short begins in {@code file}, or -1 when the image ends with a
     * whole chunk. Each block is one write of its chunk, and a SIGKILL can stop a write part way: the
     * image then ends with a chunk whose header claims more bytes than follow (or part of a header).
     * Only such a tail, after a chain whose back-pointers agree, counts; any other damage is the
     * image's and is left to the readers to report.
     */
    public static long interruptedBlockAt(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            int previous = 0;
            ByteBuffer b = ByteBuffer.allocate(AwsChunkHeader.SIZE);
            while (pos < size) {
                if (size - pos < AwsChunkHeader.SIZE) {
                    return pos;
                }
                b.clear();
                while (b.hasRemaining() && ch.read(b, pos + b.position()) >= 0) {
                    // fill
                }
                AwsChunkHeader h = AwsChunkHeader.read(b.flip());
                if (h.previousLength() != previous) {
                    return -1; // a broken chain, not a cut-short write
                }
                long next = pos + AwsChunkHeader.SIZE + h.length();
                if (next > size) {
                    return pos;
                }
                previous = h.length();
                pos = next;
            }
            return -1;
        }
    }

    /** Rewinds and unloads the mounted volume (no-op if none). */
    public void unmount() throws DeviceException {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "cannot close " + volume + ": " + e.getMessage(), e);
        } finally {
            channel = null;
            volume = null;
        }
    }

    public boolean isMounted() {
        return channel != null;
    }

    /** The mounted volume file. */
    public Path volume() throws NotReadyException {
        requireMounted();
        return volume;
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes of the volume in use (the image file size). */
    public long usedBytes() {
        return end;
    }

    /** Byte offset of the position in the image file (0 = load point). */
    public long position() {
        return pos;
    }

    /** Blocks and tape marks between the load point and the position. */
    public long blockId() {
        return blockId;
    }

    public boolean atLoadPoint() {
        return pos == 0;
    }

    /**
     * Installs injected I/O faults for writes; see {@link IoFaultPlan} (tape: {@code write#N},
     * {@code block:B}, {@code eov:B}).
     */
    public void setFaultPlan(IoFaultPlan plan) {
        this.faults = Objects.requireNonNull(plan);
    }

    // ---------------------------------------------------------------------------------------------

    /** Rewind: back to the load point. */
    public void rewind() throws NotReadyException {
        requireMounted();
        rewindQuietly();
    }

    private void rewindQuietly() {
        pos = 0;
        prevLength = 0;
        blockId = 0;
    }

    /**
     * Writes one block of 1..65535 bytes at the position, erasing the rest of the tape.
     *
     * @throws EndOfVolumeException if the block would pass the cartridge capacity (not written)
     */
    public void writeBlock(ByteBuffer data) throws DeviceException {
        requireWritable();
        int len = data.remaining();
        if (len < 1 || len > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("a tape block has 1.." + MAX_BLOCK_SIZE + " bytes, got " + len);
        }
        String fault = faults.checkWrite(-1, blockId, 1);
        if (fault != null) {
            throw new DeviceIoErrorException(name, fault + " (tape block " + blockId + ")");
        }
        if (faults.passesEndOfVolume(blockId, 1)) {
            throw new EndOfVolumeException(name, "end of volume (unit exception): injected end of tape at block "
                    + faults.value());
        }
        if (pos + AwsChunkHeader.SIZE + len > capacity) {
            throw new EndOfVolumeException(name, "end of volume (unit exception): a " + len + "-byte block at offset "
                    + pos + " does not fit the cartridge capacity of " + capacity + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(AwsChunkHeader.SIZE + len);
        AwsChunkHeader.block(len, prevLength).write(b);
        b.put(data);
        writeAtPosition(b.flip());
        prevLength = len;
    }

    /** Writes one block from a byte array. */
    public void writeBlock(byte[] data) throws DeviceException {
        writeBlock(ByteBuffer.wrap(data));
    }

    /**
     * Writes one block of {@code length} bytes from {@code buf[off ..]}, for the tape dump writer.
     *
     * @throws DumpDeviceFullException at the end of the volume (the block is not written)
     */
    @Override
    public void writeBlock(byte[] buf, int off, int length) throws IOException {
        try {
            writeBlock(ByteBuffer.wrap(buf, off, length));
        } catch (EndOfVolumeException e) {
            DumpDeviceFullException full = new DumpDeviceFullException(e.getMessage(), blockId);
            full.initCause(e);
            throw full;
        }
    }

    /** Writes a tape mark at the position, erasing the rest of the tape. */
    @Override
    public void writeTapemark() throws DeviceException {
        requireWritable();
        ByteBuffer b = ByteBuffer.allocate(AwsChunkHeader.SIZE);
        AwsChunkHeader.tapemark(prevLength).write(b);
        writeAtPosition(b.flip());
        prevLength = 0;
    }

    private void writeAtPosition(ByteBuffer b) throws DeviceException {
        try {
            if (end > pos) {
                channel.truncate(pos);
            }
            long p = pos;
            while (b.hasRemaining()) {
                p += channel.write(b, p);
            }
            pos = p;
            end = p;
            blockId++;
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "writing " + volume + " at offset " + pos + ": " + e.getMessage(), e);
        }
    }

    /** Reads the next block; a tape mark or the end of the data is reported instead of a block. */
    public TapeRead readBlock() throws DeviceException {
        return forward(true);
    }

    /** Forces what was written to the volume file's storage. */
    @Override
    public void flush() throws DeviceException {
        requireMounted();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new DeviceIoErrorException(name, "cannot flush " + volume + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the dump file, for readers

    /**
     * The dump file of the mounted tape, as zgetdump reads a dump tape through the st driver
     * (docs/formats.md §2.2): block 0 is the first block after the tape mark that closes the
     * dump tool's file 1, or the very first block when it is itself a dump header (a tape without a
     * tool). The file moves this drive; closing it leaves the tape mounted.
     *
     * @param isDumpHeader tells whether a block is a dump header (decides whether file 1 is a tool)
     * @throws DeviceException if no dump file follows the tool file, or the tape cannot be read
     */
    public TapeDumpFile dumpFile(Predicate<byte[]> isDumpHeader) throws DeviceException {
        return TapeDumpFile.find(this, isDumpHeader, false);
    }

    /**
     * Mounts the AWSTAPE image {@code file} read-only on a new drive named {@code name} and returns its
     * dump file ({@link #dumpFile}); closing the file unmounts the tape.
     *
     * @throws ImageFormatException if the image's chunk chain is damaged
     */
    public static TapeDumpFile mountDumpFile(Path file, String name, Predicate<byte[]> isDumpHeader)
            throws DeviceException {
        TapeDrive drive = new TapeDrive(name);
        drive.mount(file, Long.MAX_VALUE, false);
        try {
            return TapeDumpFile.find(drive, isDumpHeader, true);
        } catch (DeviceException | RuntimeException e) {
            drive.unmount();
            throw e;
        }
    }

    /** Where the drive is: enough to come back to a block without walking the tape again. */
    record Place(long offset, int previousLength, long blockId) {}

    Place place() {
        return new Place(pos, prevLength, blockId);
    }

    void moveTo(Place p) throws NotReadyException {
        requireMounted();
        pos = p.offset();
        prevLength = p.previousLength();
        blockId = p.blockId();
    }

    /**
     * Reads the next block into {@code dst} (as much of it as fits) without allocating, as a tape
     * reader does into its buffer.
     *
     * @return the block's full length, {@link TapeBlockSource#TAPEMARK} (passed over), or {@link
     *     TapeBlockSource#END_OF_DATA} (the drive does not move)
     */
    int readInto(byte[] dst) throws DeviceException {
        return next(dst, null);
    }

    /** Forward space block: passes one block or tape mark. */
    public TapeRead forwardSpaceBlock() throws DeviceException {
        return forward(false);
    }

    /** Back space block: moves back over one block or tape mark (the position is then in front of it). */
    public TapeRead backSpaceBlock() throws DeviceException {
        requireMounted();
        if (pos == 0) {
            return TapeRead.of(TapeRead.Kind.LOAD_POINT);
        }
        try {
            long p = pos;
            int prev = prevLength;
            while (true) {
                long start = p - AwsChunkHeader.SIZE - prev;
                if (start < 0) {
                    throw new ImageFormatException(name, volume + ": the chunk before offset " + p
                            + " claims " + prev + " bytes, more than there are (bad prvblkl)");
                }
                AwsChunkHeader h = readHeader(start);
                if (h.length() != prev) {
                    throw new ImageFormatException(name, volume + ": chunk at offset " + start + " has length "
                            + h.length() + " but the next chunk's prvblkl says " + prev);
                }
                p = start;
                prev = h.previousLength();
                if (h.isTapemark() || h.startsRecord()) {
                    pos = p;
                    prevLength = prev;
                    blockId--;
                    return TapeRead.of(h.isTapemark() ? TapeRead.Kind.TAPEMARK : TapeRead.Kind.BLOCK);
                }
            }
        } catch (IOException e) {
            throw asDeviceException(e);
        }
    }

    /**
     * Forward space file: passes blocks up to and including the next tape mark.
     *
     * @return false if the end of the data came first (the position is then at the end)
     */
    public boolean forwardSpaceFile() throws DeviceException {
        while (true) {
            TapeRead r = forward(false);
            if (r.kind() == TapeRead.Kind.TAPEMARK) {
                return true;
            }
            if (r.kind() == TapeRead.Kind.END_OF_DATA) {
                return false;
            }
        }
    }

    /**
     * Back space file: moves back over blocks up to and including the previous tape mark; the position is
     * then in front of (load-point side of) that tape mark.
     *
     * @return false if the load point came first
     */
    public boolean backSpaceFile() throws DeviceException {
        while (true) {
            TapeRead r = backSpaceBlock();
            if (r.kind() == TapeRead.Kind.TAPEMARK) {
                return true;
            }
            if (r.kind() == TapeRead.Kind.LOAD_POINT) {
                return false;
            }
        }
    }

    /** What READ IPL reads from a tape: the first block at the load point (the drive rewinds first). */
    public byte[] readIplRecord() throws DeviceException {
        rewind();
        TapeRead r = readBlock();
        if (!r.isBlock()) {
            throw new DeviceException(name, "no IPL record: the tape starts with "
                    + (r.kind() == TapeRead.Kind.TAPEMARK ? "a tape mark" : "no data (blank tape)"));
        }
        return r.data();
    }

    private TapeRead forward(boolean wantData) throws DeviceException {
        ByteArrayOutputStream data = wantData ? new ByteArrayOutputStream() : null;
        int n = next(NO_BYTES, data);
        if (n == TapeBlockSource.TAPEMARK) {
            return TapeRead.of(TapeRead.Kind.TAPEMARK);
        }
        if (n == TapeBlockSource.END_OF_DATA) {
            return TapeRead.of(TapeRead.Kind.END_OF_DATA);
        }
        return new TapeRead(TapeRead.Kind.BLOCK, data == null ? null : data.toByteArray());
    }

    /**
     * Moves over the next block or tape mark: the block's bytes go into {@code dst} (as many as fit) and,
     * when {@code all} is given, all of them into {@code all}.
     *
     * @return the block's length, {@link TapeBlockSource#TAPEMARK} (passed over), or {@link
     *     TapeBlockSource#END_OF_DATA} (the drive does not move)
     */
    private int next(byte[] dst, ByteArrayOutputStream all) throws DeviceException {
        requireMounted();
        if (pos >= end) {
            return TapeBlockSource.END_OF_DATA;
        }
        try {
            long p = pos;
            int prev = prevLength;
            int total = 0;
            boolean first = true;
            while (true) {
                AwsChunkHeader h = checkedHeader(p, prev, first);
                if (h.isTapemark()) {
                    pos = p + AwsChunkHeader.SIZE;
                    prevLength = 0;
                    blockId++;
                    return TapeBlockSource.TAPEMARK;
                }
                int copy = Math.max(0, Math.min(h.length(), dst.length - total));
                if (copy > 0) {
                    readFully(ByteBuffer.wrap(dst, total, copy), p + AwsChunkHeader.SIZE);
                }
                if (all != null) {
                    ByteBuffer d = ByteBuffer.allocate(h.length());
                    readFully(d, p + AwsChunkHeader.SIZE);
                    all.write(d.array(), 0, h.length());
                }
                total += h.length();
                p += AwsChunkHeader.SIZE + h.length();
                prev = h.length();
                first = false;
                if (h.endsRecord()) {
                    pos = p;
                    prevLength = prev;
                    blockId++;
                    return total;
                }
                if (p >= end) {
                    throw new ImageFormatException(name, volume + ": the block starting at offset " + pos
                            + " has no end-of-record chunk (truncated)");
                }
            }
        } catch (IOException e) {
            throw asDeviceException(e);
        }
    }

    /** Walks the whole volume once, checking every chunk; used by {@link #mount}. */
    private void checkChain() throws IOException {
        long p = 0;
        int prev = 0;
        boolean inRecord = false;
        while (p < end) {
            AwsChunkHeader h = checkedHeader(p, prev, !inRecord);
            if (h.isTapemark()) {
                prev = 0;
                p += AwsChunkHeader.SIZE;
                continue;
            }
            inRecord = !h.endsRecord();
            prev = h.length();
            p += AwsChunkHeader.SIZE + h.length();
        }
        if (inRecord) {
            throw new ImageFormatException(name, volume + ": the last block has no end-of-record chunk (truncated)");
        }
    }

    /** Reads and checks the chunk header at {@code p}. */
    private AwsChunkHeader checkedHeader(long p, int prev, boolean expectStart) throws IOException {
        if (p + AwsChunkHeader.SIZE > end) {
            throw new ImageFormatException(name, volume + ": truncated chunk header at offset " + p + " ("
                    + (end - p) + " of 6 bytes)");
        }
        AwsChunkHeader h = readHeader(p);
        String at = volume + ": chunk at offset " + p;
        if (h.flags2() != 0 || (h.flags1() & AwsChunkHeader.HET_COMPRESSION_MASK) != 0) {
            throw new ImageFormatException(name, at + " is compressed (flags " + String.format("%02X %02X", h.flags1(),
                    h.flags2()) + "): a HET or Bus-Tech tape; convert it to AWS with 'hetupd -d'");
        }
        if ((h.flags1() & ~(AwsChunkHeader.NEWREC | AwsChunkHeader.TAPEMARK | AwsChunkHeader.ENDREC)) != 0) {
            throw new ImageFormatException(name, at + " has unknown flags " + String.format("%02X", h.flags1()));
        }
        if (h.previousLength() != prev) {
            throw new ImageFormatException(name, at + " has prvblkl " + h.previousLength() + ", the previous chunk has "
                    + prev + " bytes (broken chain)");
        }
        if (h.isTapemark()) {
            if (h.flags1() != AwsChunkHeader.TAPEMARK || h.length() != 0 || !expectStart) {
                throw new ImageFormatException(name, at + " is a malformed tape mark (flags "
                        + String.format("%02X", h.flags1()) + ", length " + h.length() + ")");
            }
            return h;
        }
        if (h.startsRecord() != expectStart) {
            throw new ImageFormatException(name, at + (expectStart ? " does not start a record (no BOR flag 0x80)"
                    : " starts a new record inside the previous one (missing EOR flag 0x20)"));
        }
        if (p + AwsChunkHeader.SIZE + h.length() > end) {
            throw new ImageFormatException(name, at + " is truncated: its header says " + h.length()
                    + " bytes, the file has " + (end - p - AwsChunkHeader.SIZE) + " left");
        }
        return h;
    }

    private AwsChunkHeader readHeader(long p) throws IOException {
        header.clear();
        readFully(header, p);
        return AwsChunkHeader.read(header.flip());
    }

    private void readFully(ByteBuffer b, long p) throws IOException {
        long q = p;
        while (b.hasRemaining()) {
            int n = channel.read(b, q);
            if (n < 0) {
                throw new ImageFormatException(name, volume + ": unexpected end of file at offset " + q);
            }
            q += n;
        }
    }

    private DeviceException asDeviceException(IOException e) {
        if (e instanceof DeviceException de) {
            return de;
        }
        return new DeviceIoErrorException(name, "reading " + volume + ": " + e.getMessage(), e);
    }

    private void requireMounted() throws NotReadyException {
        if (channel == null) {
            throw new NotReadyException(name, "no tape mounted (intervention required)");
        }
    }

    private void requireWritable() throws DeviceException {
        requireMounted();
        if (!writable) {
            throw new WriteProtectedException(name, volume + " is mounted read-only (file protected)");
        }
    }

    /** Unmounts the volume. */
    @Override
    public void close() throws DeviceException {
        unmount();
    }
}
