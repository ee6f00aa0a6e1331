package io.sadump.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kdump kernel's core collector: the command that saves {@code /proc/vmcore}, set per machine as
 * Debian's kdump-tools ({@code MAKEDUMP_ARGS}) and RHEL's {@code kdump.conf} ({@code core_collector})
 * set it. Either a whole copy ({@code cp /proc/vmcore}, an ELF vmcore of every page) or makedumpfile
 * writing the kdump-compressed format with a dump level and a per-page compression.
 *
 * <p>The options are makedumpfile 1.7.2's ({@code makedumpfile.c}, {@code print_usage}): {@code -c}
 * zlib, {@code -z} zstd, none of them no compression, {@code -d N} the dump level 0-31,
 * {@code --message-level N} accepted and ignored. Options this model does not write are refused with
 * the reason: {@code -l} (lzo) and {@code -p} (snappy) have no well-kept Java implementation whose
 * output can be checked against makedumpfile's; {@code -E}, {@code -F} and {@code --split} write other
 * containers than the one file kdump saves here.
 *
 * @param commandLine the command as the operator wrote it (normalised blanks)
 * @param kind copy or makedumpfile
 * @param dumpLevel makedumpfile's {@code -d} (0 for a copy)
 * @param compression the per-page compression (none for a copy)
 */
public record CoreCollector(String commandLine, Kind kind, int dumpLevel, Compression compression) {
    /** What a kdump kernel saves when no core collector is configured: the whole vmcore, as ELF. */
    public static final CoreCollector COPY = new CoreCollector("cp /proc/vmcore", Kind.COPY, 0, Compression.NONE);
    /** The highest makedumpfile dump level (all five exclusion bits). */
    public static final int MAX_DUMP_LEVEL = 31;

    /** What the collector writes. */
    public enum Kind {
        /** {@code cp}: the ELF vmcore, every page. */
        COPY,
        /** {@code makedumpfile}: a kdump-compressed file, filtered by the dump level. */
        MAKEDUMPFILE
    }

    /** Per-page compression of a kdump-compressed file. */
    public enum Compression {
        NONE, ZLIB, ZSTD;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CoreCollector {
        if (dumpLevel < 0 || dumpLevel > MAX_DUMP_LEVEL) {
            throw new InvalidValueException("dump level must be 0.." + MAX_DUMP_LEVEL + ", got " + dumpLevel);
        }
        if (kind == Kind.COPY && (dumpLevel != 0 || compression != Compression.NONE)) {
            throw new InvalidValueException("a copy has no dump level or compression");
        }
    }

    /**
     * Parses a core collector command line.
     *
     * @throws InvalidValueException naming the word that is not understood and what is
     */
    public static CoreCollector parse(String text) {
        List<String> words = new ArrayList<>(List.of(text.strip().split("\\s+")));
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new InvalidValueException("core collector is empty (use 'cp' or 'makedumpfile [-c|-z] [-d N]')");
        }
        String normalised = String.join(" ", words);
        String tool = words.remove(0);
        if (tool.equals("cp")) {
            for (String w : words) {
                if (!w.equals("/proc/vmcore") && !w.startsWith("--sparse")) {
                    throw new InvalidValueException("core collector 'cp' takes no '" + w + "' (it copies /proc/vmcore)");
                }
            }
            return new CoreCollector(normalised, Kind.COPY, 0, Compression.NONE);
        }
        if (!tool.equals("makedumpfile")) {
            throw new InvalidValueException("unknown core collector '" + tool + "' (cp or makedumpfile)");
        }
        int level = 0;
        Compression compression = Compression.NONE;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "-c":
                    compression = chosen(compression, Compression.ZLIB, w);
                    break;
                case "-z":
                    compression = chosen(compression, Compression.ZSTD, w);
                    break;
                case "-d":
                case "--dump-level":
                    level = number(words, ++i, w);
                    break;
                case "--message-level":
                    // how much makedumpfile prints: the summary is always kept in the console log here
                    if (++i >= words.size() || !words.get(i).matches("\\d+")) {
                        throw new InvalidValueException("makedumpfile --message-level needs a number");
                    }
                    break;
                case "-l":
                case "-p":
                    throw new InvalidValueException("makedumpfile " + w + " (" + (w.equals("-l") ? "lzo" : "snappy")
                            + ") is not supported: use -c (zlib) or -z (zstd)");
                case "-E":
                case "-F":
                case "--split":
                    throw new InvalidValueException("makedumpfile " + w + " is not supported in the core collector:"
                            + " kdump saves one kdump-compressed file here");
                default:
                    if (w.startsWith("-d") && w.length() > 2) {
                        level = parseLevel(w.substring(2));
                    } else if (w.startsWith("-")) {
                        throw new InvalidValueException("makedumpfile option '" + w + "' is not supported"
                                + " (-c, -z, -d N, --message-level N)");
                    } else {
                        throw new InvalidValueException("makedumpfile takes no file names here ('" + w
                                + "'): kdump gives it /proc/vmcore and the dump file");
                    }
            }
        }
        return new CoreCollector(normalised, Kind.MAKEDUMPFILE, level, compression);
    }

    private static Compression chosen(Compression before, Compression now, String option) {
        if (before != Compression.NONE && before != now) {
            throw new InvalidValueException("makedumpfile takes one compression option, got " + option + " after "
                    + (before == Compression.ZLIB ? "-c" : "-z"));
        }
        return now;
    }

    private static int number(List<String> words, int i, String option) {
        if (i >= words.size()) {
            throw new InvalidValueException("makedumpfile " + option + " needs a number");
        }
        return parseLevel(words.get(i));
    }

    private static int parseLevel(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("dump level must be a number 0.." + MAX_DUMP_LEVEL + ", got '" + text + "'");
        }
    }

    /** Whether the collector writes a kdump-compressed file rather than the ELF vmcore. */
    public boolean filters() {
        return kind == Kind.MAKEDUMPFILE;
    }
}
