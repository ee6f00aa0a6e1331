package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.StorageMemorySource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * What the first kernel does to its VMCOREINFO when it crashes or is dumped: linux {@code
 * crash_save_vmcoreinfo} ({@code kernel/crash_core.c}) appends {@code CRASHTIME=<seconds>} and
 * rebuilds the note, which lowcore 0x0E0C names. In this model meminfo entry 0 covers the note's text
 * with a CKSM, so the entry and the page's header checksum follow the new text, as every {@code
 * os_info} change recomputes them; otherwise the kdump kernel would no longer trust entry 0.
 *
 * <p>A damaged page stays as damaged as it was: entry 0 is updated only when the page passed every
 * check and the entry matched the old text, so saving the crash time never changes a verdict.
 */
public final class CrashVmcoreinfo {
    private CrashVmcoreinfo() {}

    /**
     * What {@link #save} did.
     *
     * @param noteAddress where the note is (the value at 0x0E0C)
     * @param text the new VMCOREINFO text
     * @param meminfoEntryUpdated whether meminfo entry 0 and the header checksum followed
     */
    public record Saved(long noteAddress, String text, boolean meminfoEntryUpdated) {}

    /**
     * Writes {@code CRASHTIME} for {@code when} into the note at 0x0E0C. Nothing is written when there is
     * no VMCOREINFO note there (the kernel has none to update).
     */
    public static Optional<Saved> save(AbsoluteStorage storage, Instant when) {
        if (!storage.contains(Lowcore.VMCOREINFO_POINTER, 8)) {
            return Optional.empty();
        }
        long note = storage.u64(Lowcore.VMCOREINFO_POINTER);
        if (note <= 0 || !storage.contains(note, VmcoreinfoNote.TEXT_OFFSET)) {
            return Optional.empty();
        }
        Optional<Integer> size = VmcoreinfoNote.textSize(storage.bytes(note, VmcoreinfoNote.TEXT_OFFSET));
        if (size.isEmpty() || !storage.contains(note, VmcoreinfoNote.NOTE_LIMIT)) {
            return Optional.empty();
        }
        long textAddress = note + VmcoreinfoNote.TEXT_OFFSET;
        byte[] old = storage.bytes(textAddress, size.get());
        byte[] text = VmcoreinfoNote.withCrashTime(old, when);

        // Judge entry 0 against the old text before the note changes.
        MeminfoLookup meminfo = MeminfoLookup.in(new StorageMemorySource(storage));
        MeminfoEntry e0 = meminfo.page().map(p -> p.entry(MeminfoEntryIndex.VMCOREINFO)).orElse(MeminfoEntry.ABSENT);
        boolean entryFollows = meminfo.valid() && e0.addr() == textAddress && e0.size() == old.length
                && e0.csum() == Cksm.of(old);

        byte[] bytes = VmcoreinfoNote.noteBytes(text);
        storage.write(note, bytes);
        // update_vmcoreinfo_note ends the list with an empty note.
        storage.write(note + bytes.length, new byte[VmcoreinfoNote.HEADER_SIZE]);
        if (entryFollows) {
            MeminfoWriter.open(storage).addData(MeminfoEntryIndex.VMCOREINFO, textAddress, text.length);
        }
        return Optional.of(new Saved(note, new String(text, StandardCharsets.ISO_8859_1), entryFollows));
    }
}
