package io.sadump.hmc;

import io.sadump.machine.InvalidValueException;

/**
 * The Load task's load parameter: 0 to 8 characters from {@code 0-9 A-Z}, blank and {@code .}, and
 * {@code @ $ #} (allowed since SE 2.14.0; hmc-web.md §1 "Load task window").
 */
public final class LoadParameter {
    public static final int MAX = 8;

    private LoadParameter() {}

    /** {@code text} upper-cased if it is a load parameter; else {@link InvalidValueException} saying why. */
    public static String check(String text) {
        if (text == null) {
            return "";
        }
        String t = text.toUpperCase(java.util.Locale.ROOT);
        if (t.length() > MAX) {
            throw new InvalidValueException("a load parameter has at most 8 characters, '" + printable(text) + "' has "
                    + text.length());
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '.' || c == '@'
                    || c == '$' || c == '#';
            if (!ok) {
                throw new InvalidValueException("a load parameter takes 0-9, A-Z, blank, '.', '@', '$' and '#' only, not '"
                        + printable(String.valueOf(c)) + "' in '" + printable(text) + "'");
            }
        }
        return t;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\x%02X", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
