package io.sadump.dump.elf;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.FileRegion;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.meminfo.VmcoreinfoLocator;
import io.sadump.meminfo.VmcoreinfoNote;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads an s390x ELF core (a vmcore) as a memory source: {@code PT_LOAD} segments become chunks at
 * their physical address ({@code p_paddr}; DATA for the file part, ZERO for {@code p_memsz >
 * p_filesz}; loads that overlap are refused, as no reader can tell which bytes are the memory's), the
 * CPUs come from the PRSTATUS/PRFPREG/NT_S390_* notes (numbered by {@code pr_pid - 1}), the VMCOREINFO
 * from its note (else from memory, as {@link VmcoreinfoLocator} finds it).
 *
 * <p>A core whose segments or notes reach past the end of the file is incomplete: {@link #open}
 * fails with {@link io.sadump.dump.IncompleteDumpException}, {@link #inspect} returns the part that
 * is there with {@link ReadBackDump#complete()} false.
 */
public final class ElfCoreReader {
    private ElfCoreReader() {}

    /** Largest note segment read (real ones are a few KiB per CPU). */
    static final long MAX_NOTES = 64L << 20;
    /** Largest program header table read (a million ranges). */
    static final long MAX_PROGRAM_HEADERS = 1 << 20;

    public static ReadBackDump open(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name).requireComplete();
    }

    public static ReadBackDump inspect(DumpBlockSource source, String name) throws IOException {
        long size = source.size();
        if (size < ElfHeader.SIZE) {
            throw new DumpFormatException(name + ": too small for an ELF header (" + size + " bytes)");
        }
        byte[] eb = new byte[ElfHeader.SIZE];
        source.read(0, eb, 0, eb.length);
        ByteBuffer ebuf = ByteBuffer.wrap(eb);
        if (!ElfHeader.hasMagic(ebuf)) {
            throw new DumpFormatException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        ElfHeader h = ElfHeader.read(ebuf);
        if (h.elfClass() != ElfHeader.ELFCLASS64 || h.data() != ElfHeader.ELFDATA2MSB) {
            throw new DumpFormatException(name + ": not a 64-bit big-endian ELF file (class " + h.elfClass() + ", data "
                    + h.data() + ")");
        }
        if (h.type() != ElfHeader.ET_CORE || h.machine() != ElfHeader.EM_S390) {
            throw new DumpFormatException(name + ": not an s390x core (e_type " + h.type() + ", e_machine " + h.machine()
                    + "; need 4 ET_CORE and 22 EM_S390)");
        }
        if (h.phentsize() != ElfProgramHeader.SIZE) {
            throw new DumpFormatException(name + ": e_phentsize is " + h.phentsize() + ", not 56");
        }
        long phnum = h.phnum();
        if (phnum == ElfHeader.PN_XNUM) {
            phnum = sectionZeroInfo(source, h, name);
        }
        if (phnum > MAX_PROGRAM_HEADERS) {
            throw new DumpFormatException(name + ": " + phnum + " program headers is more than a core can sensibly have");
        }
        List<String> problems = new ArrayList<>();
        ByteBuffer pbuf = programHeaders(source, h, phnum, name);
        List<ElfProgramHeader> loads = new ArrayList<>();
        List<ElfNote> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            ElfProgramHeader p = ElfProgramHeader.read(pbuf);
            if (p.type() == ElfProgramHeader.PT_LOAD) {
                loads.add(p);
            } else if (p.type() == ElfProgramHeader.PT_NOTE) {
                readNotes(source, p, name, notes, problems, size);
            }
        }

        S390CoreNotes.CpuCollector collector = new S390CoreNotes.CpuCollector();
        Optional<String> vmcoreinfo = Optional.empty();
        for (ElfNote n : notes) {
            String err = collector.accept(n);
            if (err != null) {
                throw new DumpFormatException(name + ": " + err);
            }
            // a note longer than the kernel's VMCOREINFO can be is not one: memory is searched instead
            if (n.name().equals(S390CoreNotes.VMCOREINFO) && n.type() == S390CoreNotes.NT_VMCOREINFO
                    && n.desc().length <= VmcoreinfoNote.TEXT_LIMIT) {
                vmcoreinfo = Optional.of(text(n.desc()));
            }
        }
        String err = collector.close();
        if (err != null) {
            throw new DumpFormatException(name + ": " + err);
        }
        List<CpuState> cpus = collector.cpus();

        loads.sort(Comparator.comparingLong(ElfProgramHeader::paddr));
        List<MemoryChunk> chunks = new ArrayList<>();
        long covered = 0;
        long fileBytes = 0;
        long memorySize = 0;
        for (ElfProgramHeader p : loads) {
            if (p.memsz() == 0) {
                continue;
            }
            long start = p.paddr();
            if (p.offset() < 0 || p.filesz() < 0 || p.memsz() < 0) {
                throw new DumpFormatException(String.format("%s: a PT_LOAD for memory 0x%X claims file offset 0x%X, "
                        + "0x%X file bytes and 0x%X memory bytes, beyond any file or memory", name, start, p.offset(),
                        p.filesz(), p.memsz()));
            }
            if (start < 0 || p.memsz() > Long.MAX_VALUE - start) {
                throw new DumpFormatException(String.format("%s: a PT_LOAD for memory 0x%X of 0x%X bytes reaches past "
                        + "the 64-bit address space", name, start, p.memsz()));
            }
            if (start < covered) {
                // two loads claim the same memory with different bytes: which one the kernel dumped is unknown
                throw new DumpFormatException(String.format("%s: PT_LOADs overlap: memory 0x%X-0x%X is also covered by "
                        + "the PT_LOAD before it (up to 0x%X)", name, start, start + p.memsz(), covered));
            }
            long filesz = Math.min(p.filesz(), p.memsz());
            long available = Math.max(0, Math.min(filesz, size - p.offset()));
            if (available < filesz) {
                problems.add(String.format("%s: the segment for memory 0x%X-0x%X needs file bytes up to 0x%X, the file "
                        + "has 0x%X", name, start, start + p.memsz(), p.offset() + filesz, size));
            }
            long fileOffset = p.offset();
            // the part of the load not covered by an earlier one
            long from = Math.max(start, covered);
            long dataEnd = start + available;
            if (from < dataEnd) {
                long delta = from - start;
                long o = fileOffset + delta;
                chunks.add(MemoryChunk.data(from, dataEnd - from, FileRegion.of(source, o)));
            }
            if (available == filesz) {
                long zeroFrom = Math.max(start + filesz, covered);
                long end = start + p.memsz();
                if (zeroFrom < end) {
                    chunks.add(MemoryChunk.zero(zeroFrom, end - zeroFrom));
                }
                covered = Math.max(covered, end);
            } else {
                covered = Math.max(covered, dataEnd);
            }
            fileBytes += available;
            memorySize = Math.max(memorySize, start + p.memsz());
        }
        MemorySource memory = MemorySource.of(chunks, memorySize);
        if (vmcoreinfo.isEmpty()) {
            vmcoreinfo = VmcoreinfoLocator.find(memory);
        }
        DumpMetadata metadata = DumpMetadata.of(cpus, vmcoreinfo)
                .withDumpTimes(crashTime(vmcoreinfo), OptionalLong.empty(), OptionalLong.empty());
        Optional<String> problem = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
        return new ReadBackDump(DumpFormat.ELF, memory, metadata, problem, fileBytes, Optional.empty(),
                Optional.empty(), List.of(source));
    }

    /** The {@code phnum} program headers, read whole. */
    private static ByteBuffer programHeaders(DumpBlockSource source, ElfHeader h, long phnum, String name)
            throws IOException {
        byte[] pb = new byte[(int) (phnum * ElfProgramHeader.SIZE)];
        try {
            source.read(h.phoff(), pb, 0, pb.length);
        } catch (EOFException e) {
            throw new DumpFormatException(name + ": the program headers reach past the end of the file", e);
        }
        return ByteBuffer.wrap(pb);
    }

    /**
     * The bytes of the core's first PT_NOTE segment as they are in the file (what makedumpfile copies into
     * a kdump-compressed file), or empty when the core has none.
     *
     * @throws DumpFormatException when the file is no s390x ELF core or the segment lies past its end
     */
    public static Optional<byte[]> noteSegment(DumpBlockSource source, String name) throws IOException {
        long size = source.size();
        if (size < ElfHeader.SIZE) {
            throw new DumpFormatException(name + ": too small for an ELF header (" + size + " bytes)");
        }
        byte[] eb = new byte[ElfHeader.SIZE];
        source.read(0, eb, 0, eb.length);
        if (!ElfHeader.hasMagic(ByteBuffer.wrap(eb))) {
            throw new DumpFormatException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        ElfHeader h = ElfHeader.read(ByteBuffer.wrap(eb));
        long phnum = h.phnum() == ElfHeader.PN_XNUM ? sectionZeroInfo(source, h, name) : h.phnum();
        if (phnum > MAX_PROGRAM_HEADERS) {
            throw new DumpFormatException(name + ": " + phnum + " program headers is more than a core can sensibly have");
        }
        ByteBuffer pbuf = programHeaders(source, h, phnum, name);
        for (int i = 0; i < phnum; i++) {
            ElfProgramHeader p = ElfProgramHeader.read(pbuf);
            if (p.type() != ElfProgramHeader.PT_NOTE) {
                continue;
            }
            if (p.filesz() < 0 || p.filesz() > MAX_NOTES || p.offset() < 0 || p.offset() > size - p.filesz()) {
                throw new DumpFormatException(String.format("%s: the note segment (0x%X bytes at 0x%X) lies past the "
                        + "end of the file (0x%X bytes)", name, p.filesz(), p.offset(), size));
            }
            byte[] nb = new byte[(int) p.filesz()];
            source.read(p.offset(), nb, 0, nb.length);
            return Optional.of(nb);
        }
        return Optional.empty();
    }

    private static void readNotes(DumpBlockSource source, ElfProgramHeader p, String name, List<ElfNote> notes,
            List<String> problems, long size) throws IOException {
        // the fields are unsigned: a value with the top bit set is beyond any file, not negative
        if (p.filesz() < 0 || p.filesz() > MAX_NOTES) {
            throw new DumpFormatException(name + ": the note segment of " + Long.toUnsignedString(p.filesz())
                    + " bytes is too large");
        }
        if (p.offset() < 0 || p.offset() > size - p.filesz()) {
            problems.add(String.format("%s: the note segment needs file bytes up to 0x%X, the file has 0x%X", name,
                    p.offset() + p.filesz(), size));
            return;
        }
        byte[] nb = new byte[(int) p.filesz()];
        source.read(p.offset(), nb, 0, nb.length);
        ByteBuffer b = ByteBuffer.wrap(nb);
        while (b.remaining() >= ElfNote.HEADER_SIZE) {
            if (b.getInt(b.position()) == 0 && b.getInt(b.position() + 4) == 0 && b.getInt(b.position() + 8) == 0) {
                break; // the empty note that ends the kernel's note list
            }
            try {
                notes.add(ElfNote.read(b));
            } catch (IllegalArgumentException e) {
                throw new DumpFormatException(name + ": damaged note at byte 0x" + Long.toHexString(p.offset()
                        + b.position()) + ": " + e.getMessage(), e);
            }
        }
    }

    private static long sectionZeroInfo(DumpBlockSource source, ElfHeader h, String name) throws IOException {
        if (h.shoff() == 0) {
            throw new DumpFormatException(name + ": e_phnum is PN_XNUM but there is no section header 0");
        }
        byte[] sh = new byte[64];
        source.read(h.shoff(), sh, 0, sh.length);
        return ByteBuffer.wrap(sh).getInt(44) & 0xFFFF_FFFFL; // sh_info of Elf64_Shdr
    }

    /**
     * The dump's start: the kernel's crash time, which it writes into the VMCOREINFO as {@code
     * CRASHTIME=<seconds since 1970>} (an ELF core has no clock field of its own).
     */
    static OptionalLong crashTime(Optional<String> vmcoreinfo) {
        Optional<Instant> at = vmcoreinfo.flatMap(VmcoreinfoNote::crashTime);
        try {
            return at.isPresent() ? OptionalLong.of(TodClock.fromInstant(at.get())) : OptionalLong.empty();
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return OptionalLong.empty(); // a time the TOD clock cannot hold
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
