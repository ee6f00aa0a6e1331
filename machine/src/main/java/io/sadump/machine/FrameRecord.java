package io.sadump.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.zip.CRC32;

/**
 * Which 1 MiB frames of absolute storage were ever written. A frame never written is known to be all
 * zeros, so dump writers skip it without reading it. A written frame may still be zero: the record
 * is conservative, never lossy.
 *
 * <p>Persisted next to {@code storage.img} as {@code storage.frames}, big-endian: the magic {@code
 * SADFRAME}, a u32 version (2), a u64 frame count, the bitmap of exactly {@code (frameCount + 7) / 8}
 * bytes (bit i of byte i/8, least significant first; bits past the last frame are zero), then a u32
 * CRC-32 of everything before it. A file that breaks any of these rules is damaged and is not
 * trusted: a lost bit would make a written frame look zero and drop its data from dumps.
 */
public final class FrameRecord {
    /** The frame granularity: 1 MiB, the s390_ext segment unit and the crashkernel alignment. */
    public static final long FRAME_SIZE = Sizes.MIB;

    public static final int FRAME_SHIFT = 20;
    private static final byte[] MAGIC = {'S', 'A', 'D', 'F', 'R', 'A', 'M', 'E'};
    /** Version 2 added the CRC-32 trailer; a version 1 file is rebuilt like a damaged one. */
    private static final int VERSION = 2;
    private static final int HEADER_SIZE = MAGIC.length + 4 + 8;
    private static final int CRC_SIZE = 4;

    private final long frameCount;
    private final BitSet bits;

    public FrameRecord(long storageSize) {
        this.frameCount = framesFor(storageSize);
        if (frameCount > Integer.MAX_VALUE) {
            throw new StorageException("storage of " + Sizes.format(storageSize) + " is too large");
        }
        this.bits = new BitSet((int) frameCount);
    }

    /** Number of frames (the last one may be partial) that cover {@code storageSize} bytes. */
    public static long framesFor(long storageSize) {
        return (storageSize + FRAME_SIZE - 1) >>> FRAME_SHIFT;
    }

    public long frameCount() {
        return frameCount;
    }

    public synchronized boolean isWritten(long frame) {
        return bits.get(checkFrame(frame));
    }

    private int checkFrame(long frame) {
        if (frame < 0 || frame >= frameCount) {
            throw new IndexOutOfBoundsException(
                    "frame " + frame + " is outside the " + frameCount + " frames of this storage");
        }
        return (int) frame;
    }

    /** Marks every frame touched by {@code [address, address + length)}. */
    public synchronized void markWritten(long address, long length) {
        if (length <= 0) {
            return;
        }
        int first = checkFrame(address >>> FRAME_SHIFT);
        int last = checkFrame((address + length - 1) >>> FRAME_SHIFT);
        bits.set(first, last + 1);
    }

    public synchronized void markWritten(long frame) {
        bits.set(checkFrame(frame));
    }

    /** Marks every frame that {@code other} (a record of the same storage) marks. */
    public void markWrittenFrom(FrameRecord other) {
        if (other.frameCount != frameCount) {
            throw new IllegalArgumentException("frame records of " + other.frameCount + " and " + frameCount
                    + " frames");
        }
        BitSet theirs;
        synchronized (other) {
            theirs = (BitSet) other.bits.clone();
        }
        synchronized (this) {
            bits.or(theirs);
        }
    }

    /** Frames in {@code [from, to)} become unwritten: storage there is known to be zero again. */
    public synchronized void markZero(long fromFrame, long toFrame) {
        if (fromFrame < 0 || toFrame < fromFrame || toFrame > frameCount) {
            throw new IndexOutOfBoundsException(
                    "frames [" + fromFrame + ", " + toFrame + ") are not inside the " + frameCount + " frames");
        }
        bits.clear((int) fromFrame, (int) toFrame);
    }

    /** The first written frame at or after {@code frame}, or -1. */
    public synchronized long nextWritten(long frame) {
        if (frame >= frameCount) {
            return -1;
        }
        return bits.nextSetBit(Math.toIntExact(frame));
    }

    /** The first unwritten frame at or after {@code frame}; {@link #frameCount()} when none. */
    public synchronized long nextUnwritten(long frame) {
        if (frame >= frameCount) {
            return frameCount;
        }
        return Math.min(frameCount, bits.nextClearBit(Math.toIntExact(frame)));
    }

    public synchronized long writtenCount() {
        return bits.cardinality();
    }

    /** Writes the record atomically (temp file + rename), so a crash never leaves half a record. */
    public synchronized void save(Path file) throws IOException {
        byte[] bitmap = bits.toByteArray();
        int bitmapSize = bitmapSize(frameCount);
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + bitmapSize + CRC_SIZE).order(ByteOrder.BIG_ENDIAN);
        buf.put(MAGIC).putInt(VERSION).putLong(frameCount).put(bitmap);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, HEADER_SIZE + bitmapSize);
        buf.putInt(HEADER_SIZE + bitmapSize, (int) crc.getValue());
        buf.position(0);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            // On disk before the rename, so a crash cannot leave an empty file under the real name.
            ch.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads a saved record for storage of {@code storageSize} bytes.
     *
     * @throws IOException when the file is not a frame record of that size
     */
    public static FrameRecord load(Path file, long storageSize) throws IOException {
        byte[] data = Files.readAllBytes(file);
        FrameRecord record = new FrameRecord(storageSize);
        int bitmapSize = bitmapSize(record.frameCount);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        if (data.length < HEADER_SIZE) {
            throw new IOException(file + ": frame record is truncated");
        }
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a frame record (bad magic)");
        }
        int version = buf.getInt();
        long frames = buf.getLong();
        if (version != VERSION) {
            throw new IOException(file + ": frame record version " + version + ", expected " + VERSION);
        }
        if (frames != record.frameCount) {
            throw new IOException(file + ": frame record is for " + frames + " frames, the storage has "
                    + record.frameCount);
        }
        if (data.length != HEADER_SIZE + bitmapSize + CRC_SIZE) {
            throw new IOException(String.format("%s: frame record is %d bytes, expected %d", file, data.length,
                    HEADER_SIZE + bitmapSize + CRC_SIZE));
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, HEADER_SIZE + bitmapSize);
        int stored = buf.getInt(HEADER_SIZE + bitmapSize);
        if (stored != (int) crc.getValue()) {
            throw new IOException(String.format("%s: frame record CRC-32 is 0x%08X, computed 0x%08X", file, stored,
                    (int) crc.getValue()));
        }
        BitSet bits = BitSet.valueOf(ByteBuffer.wrap(data, HEADER_SIZE, bitmapSize));
        if (bits.length() > record.frameCount) {
            throw new IOException(file + ": frame record marks frame " + (bits.length() - 1)
                    + " past the end of storage");
        }
        record.bits.or(bits);
        return record;
    }

    private static int bitmapSize(long frameCount) {
        return (int) ((frameCount + 7) / 8);
    }
}
