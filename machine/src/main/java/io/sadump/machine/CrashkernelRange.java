package io.sadump.machine;

/**
 * A crashkernel reservation, written {@code SIZE@BASE} as on the kernel command line (e.g. {@code
 * 256M@256M}). Both are 1 MiB aligned, as the dump tools require (reference/kernel-kdump.md §3.7).
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

    public long end() {
        return base + size;
    }

    public boolean contains(long address) {
        return address >= base && address - base < size;
    }

    @Override
    public String toString() {
        return Sizes.format(size) + "@" + Sizes.format(base);
    }
}
