package io.sadump.hmc;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Sizes;
import java.util.Locale;

/**
 * A range of absolute storage to display: at most {@link #MAX_LENGTH} bytes.
 *
 * @param address the first byte (unsigned; the storage refuses what it does not have)
 * @param length how many bytes
 */
public record StorageRange(long address, long length) {
    public static final long DEFAULT_LENGTH = 256;
    public static final long MAX_LENGTH = Sizes.MIB;

    public StorageRange {
        if (length <= 0 || length > MAX_LENGTH) {
            throw new InvalidValueException("the length must be 1 to 1M bytes, not " + length);
        }
    }

    /**
     * Parses what a user typed: {@code ADDR} and {@code LEN} (null: 256 bytes), each hex with {@code 0x}
     * or a size like {@code 4K}.
     */
    public static StorageRange parse(String addr, String len) {
        long a = number(addr, "address");
        if (len == null) {
            return new StorageRange(a, DEFAULT_LENGTH);
        }
        long n = number(len, "length");
        if (n <= 0 || n > MAX_LENGTH) {
            throw new InvalidValueException("the length must be 1 to 1M bytes, not " + len);
        }
        return new StorageRange(a, n);
    }

    /** A number as the displays take it: hex with {@code 0x}, or a size ({@code 4K}, {@code 2M}, {@code 4096}). */
    public static long number(String s, String what) {
        String t = s == null ? "" : s.trim();
        try {
            if (t.toLowerCase(Locale.ROOT).startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16);
            }
            return Sizes.parse(t);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("not an " + what + ": '" + s + "' (hex like 0x1200, or a size like 4K)");
        }
    }
}
