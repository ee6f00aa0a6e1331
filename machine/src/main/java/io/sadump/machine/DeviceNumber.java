package io.sadump.machine;

/**
 * A device number as Linux on IBM Z writes a bus id: {@code 0.0.0190} (channel subsystem, subchannel
 * set, device number). A bare {@code 190} or {@code 0x190} means {@code 0.0.0190}.
 */
public record DeviceNumber(int css, int ssid, int devno) implements Comparable<DeviceNumber> {
    public DeviceNumber {
        if (css < 0 || css > 0xFF || ssid < 0 || ssid > 3 || devno < 0 || devno > 0xFFFF) {
            throw new InvalidValueException(String.format("not a device number: %x.%x.%04x", css, ssid, devno));
        }
    }

    /** Parses {@code 0.0.0190}, {@code 190} or {@code 0x0190} (hex digits, no sign). */
    public static DeviceNumber parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        String[] parts = t.split("\\.", -1);
        if (parts.length == 3 && isHex(parts[0], 2) && isHex(parts[1], 1) && isHex(parts[2], 4)) {
            int css = Integer.parseInt(parts[0], 16);
            int ssid = Integer.parseInt(parts[1], 16);
            if (ssid <= 3) {
                return new DeviceNumber(css, ssid, Integer.parseInt(parts[2], 16));
            }
        } else if (parts.length == 1) {
            String hex = t.startsWith("0x") ? t.substring(2) : t;
            if (isHex(hex, 4)) {
                return new DeviceNumber(0, 0, Integer.parseInt(hex, 16));
            }
        }
        throw new InvalidValueException("not a device number: '" + text + "' (examples: 0.0.0190, 190)");
    }

    /** 1 to {@code maxDigits} hex digits and nothing else (Integer.parseInt would also take a sign). */
    private static boolean isHex(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return String.format("%x.%x.%04x", css, ssid, devno);
    }

    @Override
    public int compareTo(DeviceNumber o) {
        return Long.compare(key(), o.key());
    }

    private long key() {
        return ((long) css << 24) | ((long) ssid << 16) | devno;
    }
}
