package io.sadump.hmc.api;

import io.sadump.hmc.ConsoleLine;
import io.sadump.hmc.HmcMachine;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LPAR's {@code last-used-load-address} and {@code last-used-load-parameter}: the newest operator
 * Load in the machine's console log (the loader writes {@code HMC: load 0.0.0190 (normal, store status,
 * loadparm X)} before anything else), so loads from the CLI count as well as the API's and the
 * browser's, and the value survives a restart of the server. Without a load: {@code 00000} and an empty
 * parameter, what an HMC shows for an image never loaded.
 */
record LastLoad(String address, String parameter) {
    static final LastLoad NONE = new LastLoad("00000", "");
    /** How many console lines are read per step backwards. */
    private static final int STEP = 256;
    private static final Pattern LOAD = Pattern.compile(
            "HMC: load (\\S+) \\((?:normal|clear)(?:, store status)?(?:, loadparm ([0-9A-Z .@$#]*))?\\)");

    static LastLoad of(HmcMachine machine) {
        long last = machine.console().last();
        long to = last;
        while (to > 0) {
            long from = Math.max(0, to - STEP);
            List<ConsoleLine> lines = machine.console().since(from);
            for (int i = lines.size() - 1; i >= 0; i--) {
                ConsoleLine l = lines.get(i);
                if (l.seq() > to) {
                    continue;
                }
                Matcher m = LOAD.matcher(l.text());
                if (m.matches()) {
                    try {
                        return new LastLoad(address(DeviceNumber.parse(m.group(1))),
                                m.group(2) == null ? "" : m.group(2));
                    } catch (InvalidValueException e) {
                        break; // not a device number: not an operator load line
                    }
                }
            }
            to = from;
        }
        return NONE;
    }

    /** The WSAPI form of a load address: subchannel set, then the 4-digit device number ({@code 00190}). */
    static String address(DeviceNumber n) {
        return String.format(Locale.ROOT, "%01X%04X", n.ssid(), n.devno());
    }

    /**
     * Parses a {@code load-address}: 1 to 5 hex digits, right-justified to 5, the first being the
     * subchannel set (0-3) (docs/hmc.md "Operations and jobs", after IBM's Load window); {@code 0.0.0190} is taken too.
     *
     * @throws ApiError 400.7 when it is neither
     */
    static DeviceNumber parseAddress(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("[0-9a-f]{1,5}")) {
            String five = "0".repeat(5 - t.length()) + t;
            int ssid = Character.digit(five.charAt(0), 16);
            if (ssid <= 3) {
                return new DeviceNumber(0, ssid, Integer.parseInt(five.substring(1), 16));
            }
        } else {
            try {
                return DeviceNumber.parse(t);
            } catch (InvalidValueException e) {
                // fall through to the API's message
            }
        }
        throw ApiError.badRequest(ApiError.FIELD_INVALID, "field 'load-address' must be a device number of 1 to 5 "
                + "hex digits (subchannel set 0-3, then the device: 00190, 190), not '" + text + "'");
    }
}
