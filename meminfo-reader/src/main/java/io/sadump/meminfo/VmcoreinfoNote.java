package io.sadump.meminfo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The VMCOREINFO ELF note as the kernel keeps it in memory (linux {@code kernel/crash_core.c}
 * {@code update_vmcoreinfo_note}; docs/formats.md §7.2): {@code Elf64_Nhdr}
 * (namesz 11, descsz, type 0), the name {@code "VMCOREINFO"} padded to 12 bytes, then the {@code
 * KEY=VALUE\n} text, so the text starts at note + 24. meminfo entry 0 points at the text, the lowcore
 * pointer 0x0E0C at the note.
 *
 * @param entries the {@code KEY=VALUE} lines, in order
 */
public record VmcoreinfoNote(Map<String, String> entries) {
    public static final String NAME = "VMCOREINFO";
    /** {@code n_namesz}: the name with its NUL. */
    public static final int NAME_SIZE = NAME.length() + 1;
    /** {@code Elf64_Nhdr}: namesz, descsz, type (u32 each). */
    public static final int HEADER_SIZE = 12;
    public static final int DESCSZ_OFFSET = 4;
    /** Offset of the text from the start of the note: 12-byte header + 12-byte padded name. */
    public static final int TEXT_OFFSET = HEADER_SIZE + ((NAME_SIZE + 3) & ~3);
    /**
     * The largest VMCOREINFO text: {@code VMCOREINFO_BYTES} = {@code PAGE_SIZE} (linux {@code
     * include/linux/crash_core.h}); the kernel truncates its text there, so a longer one is not a
     * VMCOREINFO. The one limit every reader of the text uses.
     */
    public static final int TEXT_LIMIT = 4096;
    /**
     * The kernel's buffer for the note: {@code VMCOREINFO_NOTE_SIZE}, two note headers (the second is
     * the empty note that ends the list), the padded name and {@link #TEXT_LIMIT} bytes of text.
     */
    public static final int NOTE_LIMIT = 2 * HEADER_SIZE + (TEXT_OFFSET - HEADER_SIZE) + TEXT_LIMIT;
    /** The key the kernel appends when it crashes ({@code crash_save_vmcoreinfo}): seconds since the epoch. */
    public static final String CRASHTIME = "CRASHTIME";

    public VmcoreinfoNote {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    public byte[] textBytes() {
        return text().getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole note: header, padded name, text padded to 4 bytes. */
    public byte[] noteBytes() {
        return noteBytes(textBytes());
    }

    /** A VMCOREINFO note holding {@code text}: header, padded name, text padded to 4 bytes. */
    public static byte[] noteBytes(byte[] text) {
        ByteBuffer b = ByteBuffer.allocate(TEXT_OFFSET + ((text.length + 3) & ~3));
        b.putInt(NAME_SIZE).putInt(text.length).putInt(0);
        b.put(NAME.getBytes(StandardCharsets.US_ASCII));
        b.position(TEXT_OFFSET);
        b.put(text);
        return b.array();
    }

    /**
     * The text length a note header announces, when {@code header} (at least {@link #TEXT_OFFSET}
     * bytes) starts a VMCOREINFO note whose text is at most {@link #TEXT_LIMIT} bytes.
     */
    public static Optional<Integer> textSize(byte[] header) {
        if (header.length < TEXT_OFFSET) {
            return Optional.empty();
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        long descsz = Integer.toUnsignedLong(h.getInt(DESCSZ_OFFSET));
        String name = new String(header, HEADER_SIZE, NAME.length(), StandardCharsets.US_ASCII);
        if (h.getInt(0) != NAME_SIZE || !name.equals(NAME) || header[HEADER_SIZE + NAME.length()] != 0
                || descsz > TEXT_LIMIT) {
            return Optional.empty();
        }
        return Optional.of((int) descsz);
    }

    /** The text of a VMCOREINFO note at the start of {@code note}, when it is one and is whole. */
    public static Optional<byte[]> textOf(byte[] note) {
        return textSize(note).filter(n -> n <= note.length - TEXT_OFFSET).map(n -> {
            byte[] text = new byte[n];
            System.arraycopy(note, TEXT_OFFSET, text, 0, n);
            return text;
        });
    }

    /**
     * The {@code KEY=VALUE} lines of a VMCOREINFO text; the first line of a key wins, as makedumpfile
     * and zgetdump read it (docs/formats.md §7.2).
     */
    public static VmcoreinfoNote parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return new VmcoreinfoNote(m);
    }

    /** The time {@code CRASHTIME} of a VMCOREINFO text says, when it has a readable one. */
    public static Optional<Instant> crashTime(String text) {
        String seconds = parse(text).entries().get(CRASHTIME);
        try {
            return seconds == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(Long.parseLong(seconds)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code text} with {@code CRASHTIME=<seconds>} as {@code crash_save_vmcoreinfo} appends it; an
     * earlier crash time is replaced (the model may dump one booted system twice), and the result is cut
     * at {@link #TEXT_LIMIT} bytes as {@code vmcoreinfo_append_str} cuts it.
     */
    public static byte[] withCrashTime(byte[] text, Instant when) {
        String s = new String(text, StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder();
        for (int start = 0; start < s.length(); ) {
            int nl = s.indexOf('\n', start);
            int end = nl < 0 ? s.length() : nl + 1;
            String line = s.substring(start, end);
            if (!line.startsWith(CRASHTIME + "=")) {
                sb.append(line);
            }
            start = end;
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
            sb.append('\n');
        }
        sb.append(CRASHTIME).append('=').append(when.getEpochSecond()).append('\n');
        byte[] out = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (out.length <= TEXT_LIMIT) {
            return out;
        }
        byte[] cut = new byte[TEXT_LIMIT];
        System.arraycopy(out, 0, cut, 0, TEXT_LIMIT);
        return cut;
    }
}
