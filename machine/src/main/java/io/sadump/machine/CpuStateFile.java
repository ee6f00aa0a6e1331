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
        int blockLine = 0;
        Map<String, Field> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("cpu ")) {
                    if (address != null) {
                        cpus.add(build(address, blockLine, fields));
                    }
                    address = Integer.parseInt(line.substring(4).strip());
                    blockLine = i + 1;
                    fields.clear();
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0 || address == null) {
                    throw new IllegalArgumentException("expected 'cpu N' or 'register = value'");
                }
                String key = line.substring(0, eq).strip();
                if (fields.containsKey(key)) {
                    throw new IllegalArgumentException("'" + key + "' is already set on line " + fields.get(key).line);
                }
                fields.put(key, new Field(line.substring(eq + 1).strip(), i + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (address != null) {
            cpus.add(build(address, blockLine, fields));
        }
        return cpus;
    }

    /** A register value and the line it came from, so errors can point at it. */
    private record Field(String value, int line) {}

    private static CpuState build(int address, int blockLine, Map<String, Field> f) {
        try {
            String[] psw = require(f, "psw").value.split("\\s+");
            if (psw.length != 2) {
                throw new IllegalArgumentException("line " + f.get("psw").line + ": psw needs mask and address");
            }
            long[] acrsLong = longs(f, "acrs");
            int[] acrs = new int[acrsLong.length];
            for (int i = 0; i < acrs.length; i++) {
                if (acrsLong[i] >>> 32 != 0) {
                    throw new IllegalArgumentException("line " + f.get("acrs").line + ": access register " + i
                            + " has more than 32 bits");
                }
                acrs[i] = (int) acrsLong[i];
            }
            return new CpuState(address, hex(f, "prefix"), parseHex(psw[0], f.get("psw").line),
                    parseHex(psw[1], f.get("psw").line), longs(f, "gprs"), acrs, longs(f, "crs"), longs(f, "fprs"),
                    (int) hex32(f, "fpc"), hex(f, "cpu_timer"), hex(f, "clock_comparator"),
                    (int) hex32(f, "tod_programmable"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cpu " + address + " (line " + blockLine + "): " + e.getMessage(), e);
        }
    }

    private static Field require(Map<String, Field> f, String key) {
        Field v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v;
    }

    private static long hex(Map<String, Field> f, String key) {
        Field field = require(f, key);
        return parseHex(field.value, field.line);
    }

    private static long hex32(Map<String, Field> f, String key) {
        long v = hex(f, key);
        if (v >>> 32 != 0) {
            throw new IllegalArgumentException("line " + f.get(key).line + ": " + key + " has more than 32 bits");
        }
        return v;
    }

    private static long[] longs(Map<String, Field> f, String key) {
        Field field = require(f, key);
        String[] words = field.value.split("\\s+");
        long[] v = new long[words.length];
        for (int i = 0; i < words.length; i++) {
            v[i] = parseHex(words[i], field.line);
        }
        return v;
    }

    private static long parseHex(String word, int line) {
        try {
            return parseHex(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
        }
    }

    private static long parseHex(String word) {
        String w = word.startsWith("0x") ? word.substring(2) : word;
        try {
            if (w.startsWith("+")) {
                throw new NumberFormatException(); // parseUnsignedLong would take a sign
            }
            return Long.parseUnsignedLong(w, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a hex number: '" + word + "'");
        }
    }
}
