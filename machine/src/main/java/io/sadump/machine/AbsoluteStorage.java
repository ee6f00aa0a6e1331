package io.sadump.machine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Predicate;

/**
 * The absolute storage of a simulated IBM Z system: byte-addressed, big-endian, up to 16 TiB.
 *
 * <p>Two backings: a raw sparse file where file offset A is absolute address A ({@link
 * FileStorage}), and sparse memory for tests ({@link MemoryStorage}). Both keep a {@link
 * FrameRecord} of the 1 MiB frames ever written, so zero-skipping dump writers never scan zeros.
 * Every access outside {@code [0, size())} throws {@link AddressOutOfRangeException}.
 */
public abstract class AbsoluteStorage implements Closeable {
    /** Bytes {@link #scan} hands over at most at once: a piece is digested while it is still in the cache. */
    public static final int SCAN_PIECE = 256 << 10;
    /** The largest storage modelled: 16 TiB. */
    public static final long MAX_SIZE = 16 * Sizes.TIB;
    /** Page size of the s390 architecture. */
    public static final int PAGE_SIZE = 4096;

    private final long size;
    private final FrameRecord frames;
    private volatile UnreadablePages unreadable = UnreadablePages.NONE;

    protected AbsoluteStorage(long size, FrameRecord frames) {
        if (size <= 0 || size > MAX_SIZE) {
            throw new StorageException("storage size " + size + " is outside 1 byte..16T");
        }
        this.size = size;
        this.frames = frames;
    }

    /** Sparse storage in memory; only the written parts use heap. */
    public static AbsoluteStorage inMemory(long size) {
        return new MemoryStorage(size);
    }

    public final long size() {
        return size;
    }

    /** The record of frames ever written (shared, live). */
    public final FrameRecord writtenFrames() {
        return frames;
    }

    /**
     * The pages whose reads through the memory view fail ({@link StorageMemorySource}); the raw reads
     * of this class are not affected (the dumper's control path is not modelled as failing).
     */
    public final UnreadablePages unreadablePages() {
        return unreadable;
    }

    /** Sets the unreadable pages (the machine's {@code storage.errors}, or a test's). */
    public final void setUnreadablePages(UnreadablePages pages) {
        this.unreadable = java.util.Objects.requireNonNull(pages);
    }

    /** Fails with {@link AddressOutOfRangeException} unless {@code [address, address+length)} is inside. */
    public final void checkRange(long address, long length) {
        if (address < 0 || length < 0 || address > size || length > size - address) {
            throw new AddressOutOfRangeException(address, length, size);
        }
    }

    /** True if {@code [address, address+length)} lies inside storage. */
    public final boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address <= size && length <= size - address;
    }

    // -- primitives of the backing ------------------------------------------------------------

    /** Reads exactly {@code length} bytes; the range is already checked. */
    protected abstract void readRaw(long address, byte[] dst, int offset, int length);

    /**
     * Reads exactly {@code dst.remaining()} bytes into a buffer without an accessible array (a direct
     * buffer); the range is already checked. This default goes through a heap array; a backing that can
     * fill such a buffer itself overrides it, saving a copy per byte.
     */
    protected void readRaw(long address, ByteBuffer dst) {
        byte[] tmp = new byte[dst.remaining()];
        readRaw(address, tmp, 0, tmp.length);
        dst.put(tmp);
    }

    /**
     * Hands {@code [address, address + length)} to {@code piece} in order, in pieces of at most {@link
     * #SCAN_PIECE} bytes, until it returns false; the range is already checked. This default reads each
     * piece into a direct buffer; a backing that can show its bytes in place overrides it.
     */
    protected boolean scanRaw(long address, long length, Predicate<ByteBuffer> piece) {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(SCAN_PIECE, Math.max(length, 1)));
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buf.capacity(), length - done);
            buf.clear().limit(n);
            readRaw(address + done, buf);
            buf.flip();
            if (!piece.test(buf)) {
                return false;
            }
            done += n;
        }
        return true;
    }

    /**
     * Copies {@code [address, address + length)} into {@code target} at its position by the kernel, or
     * returns false, having written nothing, when this backing cannot; the range is already checked.
     */
    protected boolean transferRaw(long address, long length, FileChannel target) throws IOException {
        return false;
    }

    /** Writes exactly {@code length} bytes; the range is already checked. */
    protected abstract void writeRaw(long address, byte[] src, int offset, int length);

    /** Makes the whole storage zero again (a clear reset) and empties the frame record. */
    public abstract void clear();

    /** Pushes written data to the backing (no-op in memory). */
    public abstract void flush();

    @Override
    public abstract void close();

    // -- byte ranges --------------------------------------------------------------------------

    public final void read(long address, byte[] dst, int offset, int length) {
        checkRange(address, length);
        readRaw(address, dst, offset, length);
    }

    public final byte[] bytes(long address, int length) {
        checkRange(address, length);
        byte[] b = new byte[length];
        read(address, b, 0, length);
        return b;
    }

    /** Fills the remaining bytes of {@code dst} from storage starting at {@code address}. */
    public final void read(long address, ByteBuffer dst) {
        int length = dst.remaining();
        checkRange(address, length);
        if (dst.hasArray()) {
            readRaw(address, dst.array(), dst.arrayOffset() + dst.position(), length);
            dst.position(dst.position() + length);
        } else {
            readRaw(address, dst);
        }
    }

    /**
     * Hands the bytes of {@code [address, address + length)} to {@code piece} in order, in buffers of
     * at most {@link #SCAN_PIECE} bytes, until it returns false; for reading a large range once (a
     * digest). A piece is valid only during its call: it must not be kept, nor written to. File-backed
     * storage maps the file and hands over its pages without a copy.
     *
     * @return false when {@code piece} stopped early
     */
    public final boolean scan(long address, long length, Predicate<ByteBuffer> piece) {
        checkRange(address, length);
        return scanRaw(address, length, piece);
    }

    /**
     * Copies the bytes of {@code [address, address + length)} into {@code target} at its position (which
     * advances by {@code length}) without passing them through this process, when the backing is a file
     * ({@code sendfile}: one copy, page cache to page cache, where a read and a write make two). Returns
     * false, having written nothing, when it cannot (storage in memory); the caller reads instead.
     *
     * @throws IOException when the copy fails (the target's file system full, say)
     */
    public final boolean transferTo(long address, long length, FileChannel target) throws IOException {
        checkRange(address, length);
        return transferRaw(address, length, target);
    }

    public final void write(long address, byte[] src, int offset, int length) {
        checkRange(address, length);
        checkWritable();
        writeRaw(address, src, offset, length);
        frames.markWritten(address, length);
    }

    public final void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    /** Writes the remaining bytes of {@code src} at {@code address}. */
    public final void write(long address, ByteBuffer src) {
        int length = src.remaining();
        if (src.hasArray()) {
            write(address, src.array(), src.arrayOffset() + src.position(), length);
            src.position(src.position() + length);
        } else {
            byte[] tmp = new byte[length];
            src.get(tmp);
            write(address, tmp, 0, length);
        }
    }

    /**
     * Writes {@code length} zero bytes at {@code address}, streaming (no buffer of that size). Frames
     * never written are already zero and are left alone: zeroing 1 TiB of fresh storage costs neither
     * disk nor time, and such frames stay out of the frame record.
     */
    public final void zero(long address, long length) {
        checkRange(address, length);
        checkWritable();
        zeroWrittenFrames(address, length);
    }

    /** Zeros the parts of a checked range that lie in written frames (the rest is zero already). */
    private void zeroWrittenFrames(long address, long length) {
        if (length <= 0) {
            return;
        }
        long end = address + length;
        long firstFrame = address >>> FrameRecord.FRAME_SHIFT;
        long lastFrame = (end - 1) >>> FrameRecord.FRAME_SHIFT;
        byte[] zeros = null;
        for (long f = nextWrittenUpTo(firstFrame, lastFrame); f >= 0; f = nextWrittenUpTo(f + 1, lastFrame)) {
            long from = Math.max(address, f << FrameRecord.FRAME_SHIFT);
            long to = Math.min(end, (f + 1) << FrameRecord.FRAME_SHIFT);
            if (zeros == null) {
                zeros = new byte[(int) Math.min(length, FrameRecord.FRAME_SIZE)];
            }
            writeRaw(from, zeros, 0, (int) (to - from));
        }
    }

    /**
     * The first written frame in {@code [frame, lastFrame]}, or -1. A short range is probed frame by
     * frame, so copying a large range chunk by chunk never searches the record beyond each chunk.
     */
    private long nextWrittenUpTo(long frame, long lastFrame) {
        if (lastFrame - frame < 64) {
            for (long f = frame; f <= lastFrame; f++) {
                if (frames.isWritten(f)) {
                    return f;
                }
            }
            return -1;
        }
        long next = frames.nextWritten(frame);
        return next <= lastFrame ? next : -1;
    }

    /** True if any frame touched by the checked range {@code [address, address+length)} was written. */
    final boolean anyWritten(long address, long length) {
        return nextWrittenUpTo(address >>> FrameRecord.FRAME_SHIFT, (address + length - 1) >>> FrameRecord.FRAME_SHIFT)
                >= 0;
    }

    /**
     * Copies {@code length} bytes from {@code from} to {@code to} in bounded chunks; the ranges may
     * overlap (the copy is as if through a temporary buffer). A chunk whose source frames were never
     * written is copied as zeros, without reading it.
     */
    public final void copy(long from, long to, long length) {
        checkRange(from, length);
        checkRange(to, length);
        checkWritable();
        int chunk = (int) Math.min(length, FrameRecord.FRAME_SIZE);
        byte[] buf = new byte[Math.max(chunk, 1)];
        if (to <= from || to >= from + length) {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buf.length, length - done);
                copyChunk(from + done, to + done, n, buf);
                done += n;
            }
        } else {
            // Destination above an overlapping source: copy from the end, so no byte is overwritten
            // before it is read.
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                left -= n;
                copyChunk(from + left, to + left, n, buf);
            }
        }
    }

    private void copyChunk(long from, long to, int n, byte[] buf) {
        if (anyWritten(from, n)) {
            readRaw(from, buf, 0, n);
            if (!isZero(buf, n)) {
                writeRaw(to, buf, 0, n);
                frames.markWritten(to, n);
                return;
            }
        }
        // Zeros (known or read) are copied by zeroing, so they never mark a frame: a copy that
        // shifts a mostly empty range does not turn the whole destination into "written".
        zeroWrittenFrames(to, n);
    }

    static boolean isZero(byte[] b, int n) {
        ByteBuffer longs = ByteBuffer.wrap(b, 0, n);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if (longs.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Exchanges the contents of the disjoint ranges {@code [first, first+length)} and {@code [second,
     * second+length)} (the crashkernel swap), streamed in frames. Storage journaled by a {@link
     * MachineChange} journals one side of each frame first ({@link StorageExchange}), not both.
     *
     * @throws IllegalArgumentException when the ranges overlap
     */
    public final void exchange(long first, long second, long length) {
        checkWritable();
        StorageExchange plan = StorageExchange.plan(this, first, second, length);
        exchangeRaw(plan);
    }

    /** Runs a planned exchange; journaled storage journals it first. */
    void exchangeRaw(StorageExchange plan) {
        plan.run(this);
    }

    /**
     * A multi-step change of {@code [address, address+length)} begins (the crashkernel swap, a
     * reboot): storage journaled by a {@link MachineChange} saves the old content of the whole range
     * now, in one go, instead of frame by frame as the writes come. Other storage ignores it.
     */
    public void journalRange(long address, long length) {}

    /** Says how far a journaled multi-step change got (for the recovery's message); others ignore it. */
    public void noteChange(String what) {}

    /** Fails if this storage cannot be changed (a read-only file); called before any change. */
    protected void checkWritable() {}

    // -- big-endian scalars -------------------------------------------------------------------

    public final int u8(long address) {
        return bytes(address, 1)[0] & 0xFF;
    }

    public final int u16(long address) {
        return ByteBuffer.wrap(bytes(address, 2)).getShort() & 0xFFFF;
    }

    public final long u32(long address) {
        return ByteBuffer.wrap(bytes(address, 4)).getInt() & 0xFFFF_FFFFL;
    }

    public final long u64(long address) {
        return ByteBuffer.wrap(bytes(address, 8)).getLong();
    }

    public final void putU8(long address, int value) {
        write(address, new byte[] {(byte) value});
    }

    public final void putU16(long address, int value) {
        write(address, ByteBuffer.allocate(2).putShort((short) value).array());
    }

    public final void putU32(long address, long value) {
        write(address, ByteBuffer.allocate(4).putInt((int) value).array());
    }

    public final void putU64(long address, long value) {
        write(address, ByteBuffer.allocate(8).putLong(value).array());
    }
}
