package io.sadump.machine;

/**
 * A device number as Linux on IBM Z writes a bus id: {@code 0.0.0190} (channel subsystem, subchannel
 * set, device number). A bare {@code 190} or {@code 0x190} means {@code 0.0.0190}.
 */
public record DeviceNumber(int css, int ssid, int devno) implements Comparable<DeviceNumber> {
    public DeviceNumber {
        if (css < 0 || css > 0xFF || ssid < 0 || ssid > 3 || devno < 0 || devno > 0xFFFF) {
            throw new IllegalArgumentException(String.format("not a device number: %x.%x.%04x", css, ssid, devno));
        }
    }

    /** Parses {@code 0.0.0190}, {@code 190} or {@code 0x0190} (hex digits). */
    public static DeviceNumber parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            String[] parts = t.split("\\.", -1);
            if (parts.length == 3) {
                if (parts[2].isEmpty() || parts[2].length() > 4) {
                    throw new NumberFormatException();
                }
                return new DeviceNumber(Integer.parseInt(parts[0], 16), Integer.parseInt(parts[1], 16),
                        Integer.parseInt(parts[2], 16));
            }
            if (parts.length == 1) {
                String hex = t.startsWith("0x") ? t.substring(2) : t;
                if (hex.isEmpty() || hex.length() > 4) {
                    throw new NumberFormatException();
                }
                return new DeviceNumber(0, 0, Integer.parseInt(hex, 16));
            }
        } catch (NumberFormatException e) {
            // reported below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a device number: '" + text + "' (examples: 0.0.0190, 190)");
        }
        throw new IllegalArgumentException("not a device number: '" + text + "' (examples: 0.0.0190, 190)");
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
