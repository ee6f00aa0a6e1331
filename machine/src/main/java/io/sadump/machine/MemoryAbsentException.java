package io.sadump.machine;

import java.io.IOException;

/** A read of memory that the source does not hold (a gap in the dump, or beyond its end). */
public final class MemoryAbsentException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long address;

    public MemoryAbsentException(long address) {
        super(String.format("memory at 0x%X is not in the dump", address));
        this.address = address;
    }

    public long address() {
        return address;
    }
}
