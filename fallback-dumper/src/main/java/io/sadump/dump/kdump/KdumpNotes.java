package io.sadump.dump.kdump;

import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.elf.ElfNote;
import io.sadump.dump.elf.S390CoreNotes;
import io.sadump.machine.DumpMetadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ELF notes a kdump-compressed file carries after its sub-header: the vmcore's PT_NOTE segment copied
 * verbatim (reference kdump-compressed.md §1.1), or, for a dump that was no ELF core, the notes the ELF
 * core writer would give it. Knows where the VMCOREINFO text lies in them and how many CPUs they
 * describe ({@code nr_cpus}: notes named "CORE" of type NT_PRSTATUS, §1.2).
 *
 * @param bytes the note segment
 */
public record KdumpNotes(byte[] bytes) {
    public KdumpNotes {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The notes of a vmcore, as its PT_NOTE segment holds them. */
    public static KdumpNotes copied(byte[] noteSegment) {
        return new KdumpNotes(noteSegment);
    }

    /** The notes the ELF core writer would write for {@code metadata}: PRPSINFO, each CPU, VMCOREINFO. */
    public static KdumpNotes built(DumpMetadata metadata) {
        return new KdumpNotes(new ElfCoreWriter(ElfCoreWriter.Options.defaults()).noteSegment(metadata));
    }

    public int size() {
        return bytes.length;
    }

    /** One note's place in the segment. */
    record Entry(String name, int type, int descOffset, int descSize) {
    }

    /** The notes in order, up to the first that does not fit (or an empty terminating note). */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int pos = 0;
        while (pos + ElfNote.HEADER_SIZE <= bytes.length) {
            long namesz = b.getInt(pos) & 0xFFFF_FFFFL;
            long descsz = b.getInt(pos + 4) & 0xFFFF_FFFFL;
            int type = b.getInt(pos + 8);
            if (namesz == 0 && descsz == 0 && type == 0) {
                break;
            }
            long nameOff = pos + ElfNote.HEADER_SIZE;
            long descOff = nameOff + ((namesz + 3) & ~3L);
            long end = descOff + ((descsz + 3) & ~3L);
            if (end > bytes.length) {
                break;
            }
            int len = (int) namesz;
            while (len > 0 && bytes[(int) nameOff + len - 1] == 0) {
                len--;
            }
            out.add(new Entry(new String(bytes, (int) nameOff, len, StandardCharsets.ISO_8859_1), type, (int) descOff,
                    (int) descsz));
            pos = (int) end;
        }
        return out;
    }

    /** The VMCOREINFO note's text: its offset in the segment and its size. */
    Optional<Entry> vmcoreinfo() {
        return entries().stream().filter(e -> e.name().equals(S390CoreNotes.VMCOREINFO)
                && e.type() == S390CoreNotes.NT_VMCOREINFO).findFirst();
    }

    /** The VMCOREINFO text the notes carry, if any. */
    public Optional<String> vmcoreinfoText() {
        return vmcoreinfo().map(e -> new String(bytes, e.descOffset(), e.descSize(), StandardCharsets.ISO_8859_1));
    }

    /** makedumpfile's {@code nr_cpus}: the "CORE" NT_PRSTATUS notes. */
    public int cpuCount() {
        return (int) entries().stream().filter(e -> e.name().equals(S390CoreNotes.CORE)
                && e.type() == S390CoreNotes.NT_PRSTATUS).count();
    }
}
