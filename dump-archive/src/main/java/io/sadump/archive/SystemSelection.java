package io.sadump.archive;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which system of a stand-alone dump taken while a kdump kernel ran (reference kernel-kdump.md §3.7,
 * zgetdump {@code -s prod|kdump|all}): the kdump kernel's parmarea holds {@code OLDMEM_BASE} (0x10418)
 * and {@code OLDMEM_SIZE} (0x10420); when both are non-zero, 1 MiB-aligned and inside the dump, the
 * dump holds two systems. {@code prod} swaps back: {@code [0, size)} is read from {@code [base, base +
 * size)} and the crashkernel range itself is left out; {@code kdump} keeps only {@code [0, size)};
 * {@code all} is the memory as dumped.
 */
public enum SystemSelection {
    PROD, KDUMP, ALL;

    static final long MIB = 1L << 20;

    /** The old-memory range a kdump kernel recorded. */
    public record KdumpRange(long base, long size) {
        @Override
        public String toString() {
            return String.format("base 0x%X, size 0x%X (%d MB)", base, size, size / MIB);
        }
    }

    public static SystemSelection parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("--select is prod, kdump or all, not '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kdump kernel's old-memory range found in the dump, as zgetdump's {@code kdump_init} accepts it. */
    public static Optional<KdumpRange> kdumpRange(MemorySource m) {
        try {
            if (m.memorySize() < Lowcore.OLDMEM_SIZE + 8) {
                return Optional.empty();
            }
            byte[] b = new byte[16];
            m.read(Lowcore.OLDMEM_BASE, b, 0, 16);
            ByteBuffer bb = ByteBuffer.wrap(b);
            long base = bb.getLong(0);
            long size = bb.getLong(8);
            if (base == 0 || size == 0 || (base % MIB) != 0 || (size % MIB) != 0 || base < 0 || size < 0
                    || base + size < base || base + size > m.memorySize() || size > base) {
                return Optional.empty();
            }
            return Optional.of(new KdumpRange(base, size));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The memory of the selected system. */
    public MemorySource apply(MemorySource m, KdumpRange r) {
        switch (this) {
            case ALL:
                return m;
            case KDUMP:
                return new RemappedMemory(m, List.of(new RemappedMemory.Mapping(0, 0, r.size())), r.size(), m.cpus());
            case PROD:
            default:
                long end = m.memorySize();
                List<RemappedMemory.Mapping> maps = new java.util.ArrayList<>();
                maps.add(new RemappedMemory.Mapping(0, r.base(), r.size()));
                if (r.base() > r.size()) {
                    maps.add(new RemappedMemory.Mapping(r.size(), r.size(), r.base() - r.size()));
                }
                if (end > r.base() + r.size()) {
                    maps.add(new RemappedMemory.Mapping(r.base() + r.size(), r.base() + r.size(),
                            end - r.base() - r.size()));
                }
                return new RemappedMemory(m, maps, end, m.cpus());
        }
    }
}
