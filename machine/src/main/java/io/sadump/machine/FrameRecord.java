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

/**
 * Which 1 MiB frames of absolute storage were ever written. A frame never written is known to be all
 * zeros, so dump writers skip it without reading it. A written frame may still be zero: the record
 * is conservative, never lossy.
 *
 * <p>Persisted next to {@code storage.img} as {@code storage.frames}: the magic {@code SADFRAME}, a
 * u32 version, a u64 frame count, then the bitmap (bit i of byte i/8, least significant first).
 */
public final class FrameRecord {
    /** The frame granularity: 1 MiB, the s390_ext segment unit and the crashkernel alignment. */
    public static final long FRAME_SIZE = Sizes.MIB;

    public static final int FRAME_SHIFT = 20;
    private static final byte[] MAGIC = {'S', 'A', 'D', 'F', 'R', 'A', 'M', 'E'};
    private static final int VERSION = 1;
    private static final int HEADER_SIZE = MAGIC.length + 4 + 8;

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
        return bits.get(Math.toIntExact(frame));
    }

    /** Marks every frame touched by {@code [address, address + length)}. */
    public synchronized void markWritten(long address, long length) {
        if (length <= 0) {
            return;
        }
        long first = address >>> FRAME_SHIFT;
        long last = (address + length - 1) >>> FRAME_SHIFT;
        bits.set(Math.toIntExact(first), Math.toIntExact(last) + 1);
    }

    public synchronized void markWritten(long frame) {
        bits.set(Math.toIntExact(frame));
    }

    /** Frames in {@code [from, to)} become unwritten: storage there is known to be zero again. */
    public synchronized void markZero(long fromFrame, long toFrame) {
        bits.clear(Math.toIntExact(fromFrame), Math.toIntExact(toFrame));
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
        int bitmapSize = (int) ((frameCount + 7) / 8);
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + bitmapSize).order(ByteOrder.BIG_ENDIAN);
        buf.put(MAGIC).putInt(VERSION).putLong(frameCount).put(bitmap);
        buf.position(0);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
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
        if (version != VERSION || frames != record.frameCount) {
            throw new IOException(file + ": frame record is for another storage size");
        }
        byte[] bitmap = new byte[buf.remaining()];
        buf.get(bitmap);
        record.bits.or(BitSet.valueOf(bitmap));
        return record;
    }
}
