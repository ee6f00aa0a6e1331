package io.sadump.meminfo;

import io.sadump.machine.Lowcore;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the VMCOREINFO text in a memory as the kdump kernel does (docs/abi.md §9.4): first entry 0
 * of a valid meminfo page ({@link MeminfoLookup}), its data checked against the entry's CKSM; else
 * the ELF note that the (unaligned) pointer at lowcore 0x0E0C names. The one place that reads the
 * VMCOREINFO out of memory: dump readers, the kdump kernel model and the reports all use it, with
 * the one size limit {@link VmcoreinfoNote#TEXT_LIMIT}.
 */
public final class VmcoreinfoLocator {
    private VmcoreinfoLocator() {}

    /** Where a VMCOREINFO text was found. */
    public enum Origin {
        MEMINFO_ENTRY("meminfo entry 0"),
        LOWCORE_NOTE(String.format("lowcore 0x%04X note", Lowcore.VMCOREINFO_POINTER)),
        NONE("none");

        private final String text;

        Origin(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * What the search found.
     *
     * @param meminfo the meminfo page at 0x0E18 and how it was judged
     * @param text the VMCOREINFO text, when one was found
     * @param origin where the text came from
     * @param problems what was wrong and made the search fall back, as the kernel logs it
     */
    public record Found(MeminfoLookup meminfo, Optional<String> text, Origin origin, List<String> problems) {
        public Found {
            problems = List.copyOf(problems);
        }

        /**
         * Why what was found cannot be trusted: memory holds a meminfo page (its magic) that fails its
         * checks, or whose entry 0 fails its CKSM, so the VMCOREINFO came from an unverified place.
         * Empty when the page is sound or there is none at all (a kernel without meminfo).
         */
        public Optional<String> meminfoDamage() {
            if (meminfo.page().isPresent() && !meminfo.valid()) {
                return Optional.of(meminfo.state().text());
            }
            return problems.contains(ENTRY_CHECKSUM_FAILED) ? Optional.of(ENTRY_CHECKSUM_FAILED) : Optional.empty();
        }
    }

    /** The problem when entry 0's data does not match its CKSM. */
    public static final String ENTRY_CHECKSUM_FAILED = "meminfo entry 0 (VMCOREINFO): checksum failed";

    /** The VMCOREINFO text, or empty when neither place holds a valid one. */
    public static Optional<String> find(MemorySource memory) {
        return search(memory).text();
    }

    /** The whole search: the meminfo page, the text and where it came from, and what fell back. */
    public static Found search(MemorySource memory) {
        List<String> problems = new ArrayList<>();
        MeminfoLookup meminfo = MeminfoLookup.in(memory);
        if (!meminfo.valid()) {
            problems.add(meminfo.state().text());
        } else {
            MeminfoEntry e = meminfo.page().orElseThrow().entry(MeminfoEntryIndex.VMCOREINFO);
            if (!e.isAbsent()) {
                Optional<String> text = fromEntry(memory, e);
                if (text.isPresent()) {
                    return new Found(meminfo, text, Origin.MEMINFO_ENTRY, problems);
                }
                problems.add(ENTRY_CHECKSUM_FAILED);
            }
        }
        Optional<String> text = fromNotePointer(memory);
        if (text.isPresent()) {
            return new Found(meminfo, text, Origin.LOWCORE_NOTE, problems);
        }
        problems.add("no VMCOREINFO found");
        return new Found(meminfo, Optional.empty(), Origin.NONE, problems);
    }

    /** The data of entry 0 when it is in memory, within the limit and matches the entry's CKSM. */
    private static Optional<String> fromEntry(MemorySource memory, MeminfoEntry e) {
        // The entry holds the note text; a whole VMCOREINFO note is accepted too.
        if (e.size() <= 0 || e.size() > VmcoreinfoNote.NOTE_LIMIT) {
            return Optional.empty();
        }
        try {
            byte[] data = MeminfoLookup.read(memory, e.addr(), (int) e.size());
            if (Cksm.of(data) != e.csum()) {
                return Optional.empty();
            }
            Optional<byte[]> text = VmcoreinfoNote.textOf(data);
            if (text.isEmpty() && data.length > VmcoreinfoNote.TEXT_LIMIT) {
                return Optional.empty();
            }
            return Optional.of(text(text.orElse(data)));
        } catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    private static Optional<String> fromNotePointer(MemorySource memory) {
        try {
            long pointer = ByteBuffer.wrap(MeminfoLookup.read(memory, Lowcore.VMCOREINFO_POINTER, 8)).getLong();
            if (pointer == 0) {
                return Optional.empty();
            }
            Optional<Integer> size = VmcoreinfoNote.textSize(MeminfoLookup.read(memory, pointer,
                    VmcoreinfoNote.TEXT_OFFSET));
            if (size.isEmpty() || size.get() == 0) {
                return Optional.empty();
            }
            return Optional.of(text(MeminfoLookup.read(memory, pointer + VmcoreinfoNote.TEXT_OFFSET, size.get())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String text(byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }
}
