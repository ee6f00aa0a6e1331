package io.sadump.archive;

import io.sadump.device.tape.AwsChunkHeader;
import io.sadump.dump.DumpFormatException;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A dump tape read from its AWSTAPE image file, block by block, as zgetdump reads a tape through the
 * st driver (reference s390-tools-dump.md §1.7; chunk headers reference hercules-devices.md §2.1).
 * Block 0 is the dump header: the first block after the tape mark that closes the dump tool's file
 * (file 1), or the very first block of the tape when it is itself a dump header (a tape without a tool).
 *
 * <p>The chunk chain is walked lazily; every {@value #CHECKPOINT_EVERY}th block's file offset is kept,
 * so seeking is cheap and a tape of any size needs little memory. A block may span several chunks.
 */
final class AwsTapeFileSource implements TapeBlockSource {
    static final int CHECKPOINT_EVERY = 256;

    private final FileChannel channel;
    private final String name;
    private final long fileSize;
    private final long firstBlockOffset;
    /** File offset of block {@code i * CHECKPOINT_EVERY}, as far as walked. */
    private final List<Long> checkpoints = new ArrayList<>();
    private final ByteBuffer header = ByteBuffer.allocate(AwsChunkHeader.SIZE);
    private long block;
    private long offset;

    private AwsTapeFileSource(FileChannel channel, String name, long firstBlockOffset) throws IOException {
        this.channel = channel;
        this.name = name;
        this.fileSize = channel.size();
        this.firstBlockOffset = firstBlockOffset;
        checkpoints.add(firstBlockOffset);
        this.offset = firstBlockOffset;
    }

    /**
     * Opens the dump file of a tape image.
     *
     * @param isDumpHeader tells whether a block is an s390 dump header (decides if file 1 is a tool)
     */
    static AwsTapeFileSource open(FileChannel channel, String name, java.util.function.Predicate<byte[]> isDumpHeader)
            throws IOException {
        AwsTapeFileSource probe = new AwsTapeFileSource(channel, name, 0);
        byte[] first = new byte[8192];
        int n = probe.readBlock(first);
        if (n > 0 && isDumpHeader.test(java.util.Arrays.copyOf(first, Math.min(n, first.length)))) {
            return new AwsTapeFileSource(channel, name, 0);
        }
        probe.seekBlock(0);
        while (true) {
            int r = probe.readBlock(first);
            if (r == TAPEMARK) {
                return new AwsTapeFileSource(channel, name, probe.offset);
            }
            if (r == END_OF_DATA) {
                throw new DumpFormatException(name + ": no valid dump found on tape (no tape mark after the dump tool "
                        + "file, so no dump file follows)");
            }
        }
    }

    /** Whether a file starts like an AWSTAPE image: a plausible first chunk header. */
    static boolean looksLikeAwsTape(byte[] start, int length, long fileSize) {
        if (length < AwsChunkHeader.SIZE) {
            return false;
        }
        AwsChunkHeader h = AwsChunkHeader.read(ByteBuffer.wrap(start, 0, AwsChunkHeader.SIZE));
        if (h.previousLength() != 0 || h.flags2() != 0) {
            return false;
        }
        if (h.isTapemark()) {
            return h.length() == 0 && (h.flags1() & ~AwsChunkHeader.TAPEMARK) == 0;
        }
        return h.startsRecord() && h.length() > 0 && (h.flags1() & ~(AwsChunkHeader.BLOCK
                | AwsChunkHeader.HET_COMPRESSION_MASK)) == 0 && AwsChunkHeader.SIZE + (long) h.length() <= fileSize;
    }

    private AwsChunkHeader chunkAt(long at) throws IOException {
        header.clear();
        while (header.hasRemaining()) {
            if (channel.read(header, at + header.position()) < 0) {
                throw new DumpFormatException(String.format("%s: the AWS tape image ends inside the chunk header at "
                        + "offset %d", name, at));
            }
        }
        header.flip();
        AwsChunkHeader h = AwsChunkHeader.read(header);
        if ((h.flags1() & AwsChunkHeader.HET_COMPRESSION_MASK) != 0) {
            throw new DumpFormatException(String.format("%s: the chunk at offset %d is HET-compressed; convert the "
                    + "image to plain AWSTAPE first (hetget)", name, at));
        }
        if (at + AwsChunkHeader.SIZE + h.length() > fileSize) {
            throw new DumpFormatException(String.format("%s: the chunk at offset %d claims %d bytes, more than the "
                    + "image holds", name, at, h.length()));
        }
        return h;
    }

    @Override
    public synchronized int readBlock(byte[] dst) throws IOException {
        if (offset >= fileSize) {
            return END_OF_DATA;
        }
        AwsChunkHeader h = chunkAt(offset);
        if (h.isTapemark()) {
            offset += AwsChunkHeader.SIZE;
            advanced();
            return TAPEMARK;
        }
        if (!h.startsRecord()) {
            throw new DumpFormatException(String.format("%s: the chunk at offset %d continues a block that never "
                    + "started", name, offset));
        }
        int total = 0;
        long at = offset;
        while (true) {
            int copy = Math.max(0, Math.min(h.length(), dst.length - total));
            if (copy > 0) {
                ByteBuffer b = ByteBuffer.wrap(dst, total, copy);
                long p = at + AwsChunkHeader.SIZE;
                while (b.hasRemaining()) {
                    p += channel.read(b, p);
                }
            }
            total += h.length();
            at += AwsChunkHeader.SIZE + h.length();
            if (h.endsRecord()) {
                break;
            }
            if (at >= fileSize) {
                throw new DumpFormatException(String.format("%s: the tape image ends inside the block at offset %d",
                        name, offset));
            }
            h = chunkAt(at);
            if (h.startsRecord() || h.isTapemark()) {
                throw new DumpFormatException(String.format("%s: the block at offset %d has no end-of-record chunk",
                        name, offset));
            }
        }
        offset = at;
        advanced();
        return total;
    }

    private void advanced() {
        block++;
        if (block % CHECKPOINT_EVERY == 0 && block / CHECKPOINT_EVERY == checkpoints.size()) {
            checkpoints.add(offset);
        }
    }

    @Override
    public synchronized void seekBlock(long target) throws IOException {
        if (target < 0) {
            throw new IllegalArgumentException("negative tape block " + target);
        }
        if (target == block) {
            return;
        }
        int cp = (int) Math.min(target / CHECKPOINT_EVERY, checkpoints.size() - 1);
        if (!(block <= target && block >= (long) cp * CHECKPOINT_EVERY)) {
            block = (long) cp * CHECKPOINT_EVERY;
            offset = checkpoints.get(cp);
        }
        byte[] skip = new byte[0];
        while (block < target) {
            if (offset >= fileSize) {
                return; // positioned at the end of the data; the next read says so
            }
            readBlock(skip);
        }
    }

    long firstBlockOffset() {
        return firstBlockOffset;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
