package io.sadump.archive;

import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.format.DumpMedium;
import io.sadump.archive.format.ElfFormat;
import io.sadump.archive.format.KdumpFlatFormat;
import io.sadump.archive.format.KdumpFormat;
import io.sadump.archive.format.S390ExtFormat;
import io.sadump.archive.format.S390Format;
import io.sadump.archive.format.S390MultiVolumeFormat;
import io.sadump.archive.format.S390TapeFormat;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every format sadump reads or writes, listed once (zgetdump's {@code dfi}/{@code dfo} tables): a new
 * format is one descriptor and one line here. Whoever opens a dump (read-back, {@code zgetdump -i},
 * conversions, archives, the campaign, the demo) recognises and reads it through this list.
 */
public final class DumpFormatRegistry {
    private static final List<DumpFormatDescriptor> FORMATS = List.of(
            new S390Format(),
            new S390TapeFormat(),
            new S390ExtFormat(),
            new S390MultiVolumeFormat(),
            new ElfFormat(),
            new KdumpFormat(),
            new KdumpFlatFormat(),
            new ArchiveFormat());

    private DumpFormatRegistry() {}

    /** Every format, in the order they are tried. */
    public static List<DumpFormatDescriptor> formats() {
        return FORMATS;
    }

    /** The descriptor of {@code format}. */
    public static DumpFormatDescriptor of(DumpFormat format) {
        return FORMATS.stream().filter(d -> d.format() == format).findFirst()
                .orElseThrow(() -> new IllegalStateException("no descriptor for " + format));
    }

    /** The format whose bytes these are on {@code medium}, if any. */
    public static Optional<DumpFormatDescriptor> recognise(byte[] head, int length, DumpMedium medium) {
        return FORMATS.stream().filter(d -> d.matches(head, length, medium)).findFirst();
    }

    /** The formats a conversion can write. */
    public static List<DumpFormatDescriptor> writable() {
        return FORMATS.stream().filter(d -> d.writer().isPresent()).toList();
    }

    /**
     * The writable format a user names ({@code s390}, {@code elf}: zgetdump's {@code -f} words).
     *
     * @throws InvalidValueException naming the words there are
     */
    public static DumpFormatDescriptor writable(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        return writable().stream().filter(d -> d.format().zgetdumpName().equals(w)).findFirst()
                .orElseThrow(() -> new InvalidValueException("the output format is " + writableWords(" or ")
                        + ", not '" + word + "'"));
    }

    /** The words of the writable formats, joined with {@code last} before the last one ("elf or s390"). */
    public static String writableWords(String last) {
        List<String> words = writable().stream().map(d -> d.format().zgetdumpName()).sorted().toList();
        if (words.size() == 1) {
            return words.get(0);
        }
        return words.subList(0, words.size() - 1).stream().collect(Collectors.joining(", ")) + last
                + words.get(words.size() - 1);
    }

    /**
     * Reads the dump in a file or a DASD partition, recognised by its first bytes.
     *
     * @throws DumpFormatException when no format recognises them, or the format is not read from there
     */
    public static ReadBackDump read(DumpBlockSource source, String name, DumpMedium medium) throws IOException {
        byte[] head = new byte[DumpFormatDescriptor.HEAD];
        long size = source.size();
        int n = (int) Math.min(head.length, size);
        source.read(0, head, 0, n);
        Optional<DumpFormatDescriptor> d = recognise(head, n, medium);
        if (d.isEmpty()) {
            throw new DumpFormatException(String.format("%s: no valid dump found (%d bytes; it starts with %s, which "
                    + "is none of: %s)", name, size, hex(head, Math.min(n, 8)), names()));
        }
        return d.get().read(source, name);
    }

    /** The names of all formats, for messages. */
    public static String names() {
        return FORMATS.stream().map(d -> d.format().zgetdumpName()).collect(Collectors.joining(", "));
    }

    static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }
}
