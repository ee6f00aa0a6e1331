package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.FrameRecord;

/**
 * The swap that starts kdump (docs/abi.md §9.1): afterwards physical {@code [base,
 * base+size)} holds the old content of {@code [0, size)}, and {@code [0, size)} holds what was loaded
 * into the crashkernel area (the kdump kernel). Memory outside both ranges is untouched.
 *
 * <p>Streamed in 1 MiB pieces: a 512 MiB crashkernel never needs 512 MiB of heap.
 */
public final class CrashkernelSwap {
    /** The swap unit. */
    static final int CHUNK = (int) FrameRecord.FRAME_SIZE;

    private CrashkernelSwap() {}

    /**
     * Swaps {@code [0, size)} with {@code [base, base+size)}.
     *
     * @throws IllegalArgumentException when the ranges overlap (base < size) or leave storage
     */
    public static void swap(AbsoluteStorage storage, CrashkernelRange crashkernel) {
        long base = crashkernel.base();
        long size = crashkernel.size();
        if (base < size) {
            throw new IllegalArgumentException("crashkernel " + crashkernel + " overlaps [0, size): cannot swap");
        }
        storage.checkRange(base, size);
        // A kill halfway would leave both ranges half exchanged: a journaled storage keeps both first.
        storage.noteChange(String.format("crashkernel swap of [0, 0x%X) with [0x%X, 0x%X)", size, base, base + size));
        storage.journalRange(0, size);
        storage.journalRange(base, size);
        FrameRecord frames = storage.writtenFrames();
        byte[] low = new byte[CHUNK];
        byte[] high = new byte[CHUNK];
        for (long off = 0; off < size; off += CHUNK) {
            int n = (int) Math.min(CHUNK, size - off);
            boolean lowWritten = frames.isWritten(off >>> FrameRecord.FRAME_SHIFT);
            boolean highWritten = frames.isWritten((base + off) >>> FrameRecord.FRAME_SHIFT);
            if (!lowWritten && !highWritten) {
                continue; // both all zero: nothing to move
            }
            storage.read(off, low, 0, n);
            storage.read(base + off, high, 0, n);
            storage.write(base + off, low, 0, n);
            storage.write(off, high, 0, n);
        }
    }
}
