package io.sadump.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPUs of a machine as a human-readable text file ({@code cpus.state}): one block per CPU, each
 * register in hex. A person can read and diff it; sadump reads it back exactly.
 */
public final class CpuStateFile {
    private CpuStateFile() {}

    public static String format(List<CpuState> cpus) {
        StringBuilder sb = new StringBuilder("# sadump CPU registers (hex). One 'cpu N' block per CPU.\n");
        for (CpuState c : cpus) {
            sb.append("cpu ").append(c.cpuAddress()).append('\n');
            sb.append("  prefix = ").append(hex(c.prefix())).append('\n');
            sb.append("  psw = ").append(hex(c.pswMask())).append(' ').append(hex(c.pswAddress())).append('\n');
            sb.append("  gprs =").append(hexList(c.gprs())).append('\n');
            sb.append("  acrs =").append(hexList(c.accessRegisters())).append('\n');
            sb.append("  crs =").append(hexList(c.controlRegisters())).append('\n');
            sb.append("  fprs =").append(hexList(c.fprs())).append('\n');
            sb.append("  fpc = ").append(hex(c.fpc() & 0xFFFF_FFFFL)).append('\n');
            sb.append("  cpu_timer = ").append(hex(c.cpuTimer())).append('\n');
            sb.append("  clock_comparator = ").append(hex(c.clockComparator())).append('\n');
            sb.append("  tod_programmable = ").append(hex(c.todProgrammable() & 0xFFFF_FFFFL)).append('\n');
        }
        return sb.toString();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String hexList(long[] values) {
        StringBuilder sb = new StringBuilder();
        for (long v : values) {
            sb.append(' ').append(hex(v));
        }
        return sb.toString();
    }

    private static String hexList(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(' ').append(hex(v & 0xFFFF_FFFFL));
        }
        return sb.toString();
    }

    /**
     * Parses the file text.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static List<CpuState> parse(String text) {
        List<CpuState> cpus = new ArrayList<>();
        Integer address = null;
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("cpu ")) {
                    if (address != null) {
                        cpus.add(build(address, fields));
                    }
                    address = Integer.parseInt(line.substring(4).strip());
                    fields.clear();
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0 || address == null) {
                    throw new IllegalArgumentException("expected 'cpu N' or 'register = value'");
                }
                fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (address != null) {
            cpus.add(build(address, fields));
        }
        return cpus;
    }

    private static CpuState build(int address, Map<String, String> f) {
        try {
            String[] psw = require(f, "psw").split("\\s+");
            if (psw.length != 2) {
                throw new IllegalArgumentException("psw needs mask and address");
            }
            long[] acrsLong = longs(require(f, "acrs"));
            int[] acrs = new int[acrsLong.length];
            for (int i = 0; i < acrs.length; i++) {
                acrs[i] = (int) acrsLong[i];
            }
            return new CpuState(address, parseHex(require(f, "prefix")), parseHex(psw[0]), parseHex(psw[1]),
                    longs(require(f, "gprs")), acrs, longs(require(f, "crs")), longs(require(f, "fprs")),
                    (int) parseHex(require(f, "fpc")), parseHex(require(f, "cpu_timer")),
                    parseHex(require(f, "clock_comparator")), (int) parseHex(require(f, "tod_programmable")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cpu " + address + ": " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v;
    }

    private static long[] longs(String text) {
        String[] words = text.split("\\s+");
        long[] v = new long[words.length];
        for (int i = 0; i < words.length; i++) {
            v[i] = parseHex(words[i]);
        }
        return v;
    }

    private static long parseHex(String word) {
        String w = word.startsWith("0x") ? word.substring(2) : word;
        try {
            return Long.parseUnsignedLong(w, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a hex number: '" + word + "'");
        }
    }
}
