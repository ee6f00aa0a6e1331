package io.sadump.machine;

/**
 * One range of a {@link MemorySource#map mapped view}: the source's {@code [from, from + size)} appears
 * in the new view at {@code [to, to + size)}.
 */
public record MemoryMapping(long to, long from, long size) {
    public MemoryMapping {
        if (to < 0 || from < 0 || size <= 0 || to + size < to || from + size < from) {
            throw new IllegalArgumentException(String.format("bad mapping 0x%X <- 0x%X+0x%X", to, from, size));
        }
    }

    /** The source range shown at the same addresses. */
    public static MemoryMapping identity(long start, long size) {
        return new MemoryMapping(start, start, size);
    }
}
