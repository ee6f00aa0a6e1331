package io.sadump.cli;

import io.sadump.machine.Sizes;
import java.util.Locale;

/** Numbers as a person reads them in the machine, kexec and inject commands. */
final class MachineText {
    private MachineText() {}

    /** {@code 2G}, {@code 1.5M}, {@code 3013K}, {@code 512}: binary units, at most one decimal. */
    static String size(long bytes) {
        String exact = Sizes.format(bytes);
        if (!Character.isDigit(exact.charAt(exact.length() - 1)) && exact.length() <= 4) {
            return exact;
        }
        String[] units = {"", "K", "M", "G", "T"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return Long.toString(bytes);
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + units[u];
    }

    /** {@code 0x10010000}. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v).toUpperCase(Locale.ROOT);
    }
}
