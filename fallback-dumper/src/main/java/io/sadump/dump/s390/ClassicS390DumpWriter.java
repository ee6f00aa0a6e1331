package io.sadump.dump.s390;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.FileRegion;
import io.sadump.dump.MemoryFrames;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.TapeBlockSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Writes the classic s390 dump format (magic ...fd; docs/formats.md §1-§3):
 * the 4 KiB header, all memory {@code [0, mem_size)} uncompressed, then the 16-byte end marker.
 *
 * <p>On tape ({@code zipl/boot/tape2dump.c}) the dump is a tape file of its own: a tapemark that closes
 * the dump tool's file, the header block, memory in 32 KiB blocks (memory the source does not hold is
 * written as zeros), the end marker as a 16-byte block, and a closing tapemark. End of tape is the
 * tape sink's {@link io.sadump.machine.channel.DumpDeviceFullException}; the partial dump then has no end marker.
 *
 * <p>In a file the memory follows the header directly and the end marker sits at {@code 0x1000 +
 * mem_size} (what zgetdump and libkdumpfile read as "s390"). Frames the source has no data for are
 * skipped with a seek when the target is seekable (a sparse file), else written as zeros.
 */
public final class ClassicS390DumpWriter {
    /** {@code BLK_SIZE} of the tape dumper: 32 KiB per memory block. */
    public static final int TAPE_BLOCK_SIZE = 0x8000;

    private static final int TAPE_BLOCKS_PER_PROGRESS = (int) (MemoryFrames.FRAME_SIZE / TAPE_BLOCK_SIZE);

    private final S390DumpSettings settings;
    /** zgetdump's output: its header version, and no clock reading for the end marker. */
    private final boolean zgetdumpOutput;

    public ClassicS390DumpWriter(S390DumpSettings settings) {
        this(settings, false);
    }

    private ClassicS390DumpWriter(S390DumpSettings settings, boolean zgetdumpOutput) {
        this.settings = settings;
        this.zgetdumpOutput = zgetdumpOutput;
    }

    /**
     * A writer of the file zgetdump writes with {@code -f s390} ({@code zdump/dfo_s390.c:
     * df_s390_dump_init}; docs/formats.md §10): header version 5 (4 when the source has no
     * CPU registers) and the end marker stamped with the source dump's end time (zgetdump takes the
     * start time when the source does not know its end); the rest as the dumper's.
     */
    public ClassicS390DumpWriter asZgetdumpOutput() {
        return new ClassicS390DumpWriter(settings, true);
    }

    private S390DumpHeader header(MemorySource memory, DumpMetadata metadata) {
        S390DumpHeader h = S390ExtDumpWriter.baseHeader(settings, memory, metadata, S390DumpHeader.MAGIC);
        if (zgetdumpOutput) {
            h = h.withVersion(metadata.cpus().isEmpty() ? S390DumpHeader.VERSION_ZGETDUMP_NO_CPUS
                    : S390DumpHeader.VERSION_ZGETDUMP);
        }
        return h;
    }

    private S390EndMarker endMarker(DumpMetadata metadata, S390DumpHeader h) {
        DumpMetadata known = zgetdumpOutput && metadata.endTod().isEmpty()
                ? metadata.withDumpTimes(metadata.startTod(), java.util.OptionalLong.of(h.tod()), metadata.cpuId())
                : metadata;
        return S390ExtDumpWriter.endMarker(settings, known, h);
    }

    /** The exact size of the file {@link #writeFile} writes for {@code memory}. */
    public long plannedFileSize(MemorySource memory) {
        return S390DumpHeader.SIZE + settings.dumpedSize(memory.memorySize()) + S390EndMarker.SIZE;
    }

    /** Writes the dump to tape, tapemarks included. */
    public S390DumpResult writeTape(MemorySource memory, DumpMetadata metadata, TapeBlockSink tape)
            throws IOException {
        S390DumpHeader h = header(memory, metadata);
        long memSize = h.memSize();
        MemoryFrames frames = new MemoryFrames(memory, memSize);
        DumpProgressListener listener = settings.listener();
        tape.writeTapemark();
        tape.writeBlock(h.toBytes(), 0, S390DumpHeader.SIZE);
        long blocks = 1;
        byte[] buf = new byte[TAPE_BLOCK_SIZE];
        long written = 0;
        for (long addr = 0; addr < memSize; addr += TAPE_BLOCK_SIZE) {
            int n = (int) Math.min(TAPE_BLOCK_SIZE, memSize - addr);
            frames.read(addr, buf, 0, n);
            if (n < TAPE_BLOCK_SIZE) {
                java.util.Arrays.fill(buf, n, TAPE_BLOCK_SIZE, (byte) 0);
            }
            tape.writeBlock(buf, 0, TAPE_BLOCK_SIZE);
            blocks++;
            written += TAPE_BLOCK_SIZE;
            if (blocks % TAPE_BLOCKS_PER_PROGRESS == 1) {
                listener.progress(Math.min(addr + TAPE_BLOCK_SIZE, memSize), memSize, written);
            }
        }
        S390EndMarker em = endMarker(metadata, h);
        tape.writeBlock(em.toBytes(), 0, S390EndMarker.SIZE);
        blocks++;
        tape.writeTapemark();
        tape.flush();
        listener.progress(memSize, memSize, written);
        return new S390DumpResult(h, em, List.of(blocks), written, 0, 0, frames.unreadablePages());
    }

    /** Writes the dump as a file: header, memory, end marker. */
    public S390DumpResult writeFile(MemorySource memory, DumpMetadata metadata, WritableByteChannel out)
            throws IOException {
        S390DumpHeader h = header(memory, metadata);
        long memSize = h.memSize();
        MemoryFrames frames = new MemoryFrames(memory, memSize);
        DumpProgressListener listener = settings.listener();
        SeekableByteChannel seekable = out instanceof SeekableByteChannel s ? s : null;
        FileChannel file = out instanceof FileChannel fc ? fc : null;
        long base = seekable != null ? seekable.position() : 0;
        writeAll(out, h.toBytes(), S390DumpHeader.SIZE);
        byte[] buf = new byte[(int) MemoryFrames.FRAME_SIZE];
        byte[] zeros = null;
        for (long f = 0; f < frames.frameCount(); f++) {
            int n = (int) frames.frameLength(f);
            MemoryChunk within = file != null ? frames.dataChunkCovering(f * MemoryFrames.FRAME_SIZE, n) : null;
            if (within != null && within.data() instanceof FileRegion region) {
                // the frame lies in a file (an ELF core's PT_LOAD): the kernel copies it
                region.transferTo(f * MemoryFrames.FRAME_SIZE - within.start(), n, file);
            } else if (frames.holdsData(f)) {
                frames.read(f * MemoryFrames.FRAME_SIZE, buf, 0, n);
                writeAll(out, buf, n);
            } else if (seekable != null) {
                seekable.position(seekable.position() + n);
            } else {
                if (zeros == null) {
                    zeros = new byte[buf.length];
                }
                writeAll(out, zeros, n);
            }
            listener.progress(f * MemoryFrames.FRAME_SIZE + n, memSize, f * MemoryFrames.FRAME_SIZE + n);
        }
        if (seekable != null) {
            seekable.position(base + S390DumpHeader.SIZE + memSize);
        }
        S390EndMarker em = endMarker(metadata, h);
        writeAll(out, em.toBytes(), S390EndMarker.SIZE);
        long fileSize = S390DumpHeader.SIZE + memSize + S390EndMarker.SIZE;
        return new S390DumpResult(h, em, List.of((fileSize + 4095) / 4096), memSize, 0, 0,
                frames.unreadablePages());
    }

    private static void writeAll(WritableByteChannel out, byte[] b, int n) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
        while (bb.hasRemaining()) {
            out.write(bb);
        }
    }
}
