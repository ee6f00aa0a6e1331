package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CrashkernelRange;

/**
 * The swap that starts kdump (docs/abi.md §9.1): afterwards physical {@code [base,
 * base+size)} holds the old content of {@code [0, size)}, and {@code [0, size)} holds what was loaded
 * into the crashkernel area (the kdump kernel). Memory outside both ranges is untouched.
 *
 * <p>Streamed in 1 MiB pieces ({@link AbsoluteStorage#exchange}): a 512 MiB crashkernel never needs
 * 512 MiB of heap.
 */
public final class CrashkernelSwap {
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
        storage.noteChange(String.format("crashkernel swap of [0, 0x%X) with [0x%X, 0x%X)", size, base, base + size));
        // Journaled storage keeps one side of each frame, not both: the swap is its own inverse, and the
        // side never written (most of the crashkernel area) needs no bytes at all (docs/robustness.md).
        storage.exchange(0, base, size);
    }
}
