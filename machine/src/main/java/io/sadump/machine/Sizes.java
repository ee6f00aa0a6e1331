package io.sadump.machine;

import java.util.Locale;

/** Byte sizes as operators write them: {@code 64M}, {@code 2G}, {@code 1T}, {@code 4096}. */
public final class Sizes {
    private Sizes() {}

    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;

    /**
     * Parses a size with an optional binary suffix K, M, G or T (also KiB/MB/GiB...; always powers of
     * 1024) or a {@code 0x} hex number.
     *
     * @throws InvalidValueException with a message naming the text
     */
    public static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new InvalidValueException("empty size");
        }
        try {
            if (t.startsWith("0X")) {
                String hex = t.substring(2);
                if (hex.isEmpty() || hex.charAt(0) == '+' || hex.charAt(0) == '-') {
                    throw new NumberFormatException();
                }
                // Signed parse: a size never reaches 2^63, so a larger hex number is an error, not negative.
                return Long.parseLong(hex, 16);
            }
            int end = 0;
            while (end < t.length() && t.charAt(end) >= '0' && t.charAt(end) <= '9') {
                end++;
            }
            if (end == 0) {
                throw new InvalidValueException("not a size: '" + text + "' (examples: 4096, 64M, 2G, 1T)");
            }
            long number = Long.parseLong(t.substring(0, end));
            long unit;
            switch (t.substring(end)) {
                case "":
                case "B":
                    unit = 1;
                    break;
                case "K":
                case "KB":
                case "KIB":
                    unit = KIB;
                    break;
                case "M":
                case "MB":
                case "MIB":
                    unit = MIB;
                    break;
                case "G":
                case "GB":
                case "GIB":
                    unit = GIB;
                    break;
                case "T":
                case "TB":
                case "TIB":
                    unit = TIB;
                    break;
                default:
                    throw new InvalidValueException("unknown size unit in '" + text + "' (use K, M, G or T)");
            }
            return Math.multiplyExact(number, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidValueException("not a size: '" + text + "' (examples: 4096, 64M, 2G, 1T)");
        }
    }

    /** The shortest exact form: {@code 2G}, {@code 1536M}, {@code 4096}. */
    public static String format(long bytes) {
        if (bytes != 0) {
            if (bytes % TIB == 0) {
                return bytes / TIB + "T";
            }
            if (bytes % GIB == 0) {
                return bytes / GIB + "G";
            }
            if (bytes % MIB == 0) {
                return bytes / MIB + "M";
            }
            if (bytes % KIB == 0) {
                return bytes / KIB + "K";
            }
        }
        return Long.toString(bytes);
    }
}
