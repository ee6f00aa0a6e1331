package io.sadump.archive;

import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import io.sadump.meminfo.VmcoreinfoLocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which system of a stand-alone dump taken while a kdump kernel ran (docs/abi.md §9.3,
 * zgetdump {@code -s prod|kdump|all}): the kdump kernel's parmarea holds {@code OLDMEM_BASE} (0x10418)
 * and {@code OLDMEM_SIZE} (0x10420); when both are non-zero, 1 MiB-aligned and inside the dump, the
 * dump holds two systems. {@code prod} swaps back through the crashkernel swap mapping ({@link
 * CrashkernelRange#oldMemoryMappings}: {@code [0, size)} is read from {@code [base, base + size)} and the
 * crashkernel range itself is left out); {@code kdump} keeps only {@code [0, size)};
 * {@code all} is the memory as dumped.
 */
public enum SystemSelection {
    PROD, KDUMP, ALL;

    static final long MIB = 1L << 20;

    /** The old-memory range a kdump kernel recorded. */
    public record KdumpRange(long base, long size) {
        /** The crashkernel reservation the range describes (its swap mapping gives the production system). */
        public CrashkernelRange crashkernel() {
            return new CrashkernelRange(base, size);
        }

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
            return CrashkernelRange.ofOldmem(bb.getLong(0), bb.getLong(8), m.memorySize())
                    .map(r -> new KdumpRange(r.base(), r.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * One system of a dump: its memory, and the dump's metadata. The times and the dumping CPU are the
     * dump's whichever system is shown; the VMCOREINFO is looked up again in the selected memory, as
     * a reader of that system would find it.
     */
    public record Selected(MemorySource memory, DumpMetadata metadata) {}

    /** The selected system of a dump whose kdump kernel recorded {@code r}. */
    public Selected apply(MemorySource m, DumpMetadata metadata, KdumpRange r) {
        MemorySource memory = switch (this) {
            case ALL -> m;
            case KDUMP -> m.map(List.of(MemoryMapping.identity(0, r.size())), r.size());
            case PROD -> m.map(r.crashkernel().oldMemoryMappings(m.memorySize()), m.memorySize());
        };
        return new Selected(memory, this == ALL ? metadata : metadata.withVmcoreinfo(VmcoreinfoLocator.find(memory)));
    }
}
