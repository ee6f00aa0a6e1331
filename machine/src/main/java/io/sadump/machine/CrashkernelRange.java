package io.sadump.machine;

/**
 * A crashkernel reservation, written {@code SIZE@BASE} as on the kernel command line (e.g. {@code
 * 256M@256M}). Both are 1 MiB aligned, as the dump tools require (docs/abi.md §9.3).
 */
public record CrashkernelRange(long base, long size) {
    public static final long ALIGNMENT = Sizes.MIB;

    public CrashkernelRange {
        if (size <= 0 || base <= 0) {
            throw new InvalidValueException("crashkernel base and size must be positive");
        }
        if (base % ALIGNMENT != 0 || size % ALIGNMENT != 0) {
            throw new InvalidValueException(String.format(
                    "crashkernel %s@%s is not 1 MiB aligned", Sizes.format(size), Sizes.format(base)));
        }
        if (size > AbsoluteStorage.MAX_SIZE || base > AbsoluteStorage.MAX_SIZE - size) {
            throw new InvalidValueException(String.format(
                    "crashkernel %s@%s ends beyond 16T", Sizes.format(size), Sizes.format(base)));
        }
    }

    /** Parses {@code SIZE@BASE}, e.g. {@code 256M@256M}. */
    public static CrashkernelRange parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            throw new InvalidValueException("crashkernel must be SIZE@BASE, e.g. 256M@256M (got '" + text + "')");
        }
        return new CrashkernelRange(Sizes.parse(text.substring(at + 1)), Sizes.parse(text.substring(0, at)));
    }

    /**
     * The old-memory range a kdump kernel finds in its parmarea ({@code OLDMEM_BASE}, {@code
     * OLDMEM_SIZE}), accepted as zgetdump's {@code kdump_init} accepts it (docs/abi.md
     * §9.3): both non-zero and 1 MiB aligned, the base at least the size, the range inside memory and
     * below the largest storage a machine has (a dump from outside may claim any memory size).
     *
     * @return empty when the values describe no such range
     */
    public static java.util.Optional<CrashkernelRange> ofOldmem(long base, long size, long memorySize) {
        if (base <= 0 || size <= 0 || base % ALIGNMENT != 0 || size % ALIGNMENT != 0 || base < size
                || base > memorySize - size || size > AbsoluteStorage.MAX_SIZE
                || base > AbsoluteStorage.MAX_SIZE - size) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new CrashkernelRange(base, size));
    }

    public long end() {
        return base + size;
    }

    public boolean contains(long address) {
        return address >= base && address - base < size;
    }

    /**
     * Old memory after the crashkernel swap, as a mapping of physical memory (the kdump kernel's {@code
     * copy_oldmem}, docs/abi.md §9.2): old {@code [0, size)} is read from {@code [base,
     * base + size)}; old memory up to the reservation and after it reads 1:1; the reservation itself
     * held the kdump kernel, not the production system's data, and is left out.
     *
     * @param memorySize the size of the system's memory
     * @throws IllegalArgumentException when the reservation starts below its size or ends beyond memory
     */
    public java.util.List<MemoryMapping> oldMemoryMappings(long memorySize) {
        if (base < size) {
            throw new IllegalArgumentException(String.format(
                    "crashkernel %s lies inside the memory it swaps with: the base must be at least the size", this));
        }
        if (end() > memorySize) {
            throw new IllegalArgumentException(String.format("crashkernel %s ends beyond the memory (0x%X bytes)",
                    this, memorySize));
        }
        java.util.List<MemoryMapping> maps = new java.util.ArrayList<>();
        maps.add(new MemoryMapping(0, base, size));
        if (base > size) {
            maps.add(MemoryMapping.identity(size, base - size));
        }
        if (memorySize > end()) {
            maps.add(MemoryMapping.identity(end(), memorySize - end()));
        }
        return java.util.List.copyOf(maps);
    }

    @Override
    public String toString() {
        return Sizes.format(size) + "@" + Sizes.format(base);
    }
}
