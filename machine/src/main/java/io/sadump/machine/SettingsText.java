package io.sadump.machine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key = value} text of the small files in a machine directory ({@code machine.conf},
 * {@code run.state}, the production system's state): one setting a line, blank lines and {@code #}
 * comments skipped, each key at most once. Errors name the line, so a hand-edited file says where it
 * went wrong.
 */
public final class SettingsText {
    /** One {@code key = value} line; {@code line} counts from 1. */
    public record Setting(int line, String key, String value) {
        /** {@code e}'s message prefixed with this setting's line. */
        public IllegalArgumentException error(IllegalArgumentException e) {
            return new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
        }
    }

    private SettingsText() {}

    /**
     * The settings of {@code text}, in order.
     *
     * @throws IllegalArgumentException for a line without {@code =} or a key set twice, naming the line
     */
    public static List<Setting> parse(String text) {
        List<Setting> settings = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            Integer first = seen.putIfAbsent(key, i + 1);
            if (first != null) {
                throw new IllegalArgumentException("line " + (i + 1) + ": '" + key + "' is already set on line "
                        + first);
            }
            settings.add(new Setting(i + 1, key, line.substring(eq + 1).strip()));
        }
        return settings;
    }
}
