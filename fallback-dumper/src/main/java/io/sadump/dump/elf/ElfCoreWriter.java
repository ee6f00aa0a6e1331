package io.sadump.dump.elf;

import io.sadump.dump.DumpProgressListener;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a memory source as an s390x ELF core in the layout the kdump kernel gives /proc/vmcore
 * (docs/abi.md §9, docs/formats.md §7): ELF64 big-endian {@code ET_CORE}
 * {@code EM_S390}; one {@code PT_NOTE} (PRPSINFO; per CPU with a non-zero prefix PRSTATUS, PRFPREG,
 * S390_TIMER, S390_TODCMP, S390_TODPREG, S390_CTRS, S390_PREFIX; VMCOREINFO when known); one
 * {@code PT_LOAD} per run of contiguous chunks (DATA or ZERO), minus excluded ranges such as the
 * crashkernel. File offsets are computed (page aligned, after the notes), never {@code p_offset =
 * p_paddr}; {@code p_vaddr = p_paddr} = the physical address.
 *
 * <p>The file is streamed with a 1 MiB buffer. ZERO chunks are written as zeros to a stream, and
 * skipped with a seek when the target is seekable (a sparse file).
 */
public final class ElfCoreWriter {
    /** A physical range left out of the core. */
    public record Range(long start, long size) {
        public Range {
            if (start < 0 || size <= 0) {
                throw new IllegalArgumentException(String.format("bad range 0x%X+0x%X", start, size));
            }
        }

        public long end() {
            return start + size;
        }
    }

    /**
     * @param exclude ranges left out (the crashkernel memory when the kdump kernel writes the core)
     * @param s390NoteName "LINUX" (recent kernels) or "CORE" (older ones) for the NT_S390_* notes
     * @param listener progress events (memory done, memory total, file bytes)
     */
    public record Options(List<Range> exclude, String s390NoteName, DumpProgressListener listener) {
        public Options {
            exclude = List.copyOf(exclude);
            if (!s390NoteName.equals(S390CoreNotes.LINUX) && !s390NoteName.equals(S390CoreNotes.CORE)) {
                throw new IllegalArgumentException("the s390 note name is LINUX or CORE, not " + s390NoteName);
            }
        }

        public static Options defaults() {
            return new Options(List.of(), S390CoreNotes.LINUX, DumpProgressListener.NONE);
        }

        public Options excluding(long start, long size) {
            List<Range> r = new ArrayList<>(exclude);
            r.add(new Range(start, size));
            return new Options(r, s390NoteName, listener);
        }

        public Options withS390NoteName(String name) {
            return new Options(exclude, name, listener);
        }

        public Options withListener(DumpProgressListener l) {
            return new Options(exclude, s390NoteName, l);
        }
    }

    /** What was written: the program headers, the notes, and the file size. */
    public record Result(List<ElfProgramHeader> programHeaders, List<ElfNote> notes, long fileSize, int cpuCount) {
        public Result {
            programHeaders = List.copyOf(programHeaders);
            notes = List.copyOf(notes);
        }
    }

    static final int PAGE = 4096;
    static final int BUFFER = 1 << 20;
    /** Bytes per kernel copy ({@link MemoryChunk.Data#transferTo}) between progress reports. */
    static final long TRANSFER = 64L << 20;

    private final Options options;

    public ElfCoreWriter(Options options) {
        this.options = options;
    }

    /** A piece of memory in a PT_LOAD: [start, end), DATA (read from the chunk) or known zero. */
    private record Piece(long start, long end, MemoryChunk chunk) {
    }

    /** One PT_LOAD's memory. */
    private record Load(long start, long end, List<Piece> pieces) {
    }

    /** Runs of contiguous chunks, minus the excluded ranges. */
    List<Load> loads(List<MemoryChunk> chunks) {
        List<Load> loads = new ArrayList<>();
        List<Piece> current = new ArrayList<>();
        long runStart = -1;
        long runEnd = -1;
        for (MemoryChunk c : chunks) {
            for (long[] part : minusExcluded(c.start(), c.end())) {
                if (runStart >= 0 && part[0] != runEnd) {
                    loads.add(new Load(runStart, runEnd, current));
                    current = new ArrayList<>();
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = part[0];
                }
                current.add(new Piece(part[0], part[1], c));
                runEnd = part[1];
            }
        }
        if (runStart >= 0) {
            loads.add(new Load(runStart, runEnd, current));
        }
        return loads;
    }

    private List<long[]> minusExcluded(long start, long end) {
        List<long[]> parts = new ArrayList<>();
        parts.add(new long[] {start, end});
        for (Range r : options.exclude()) {
            List<long[]> next = new ArrayList<>();
            for (long[] p : parts) {
                if (r.end() <= p[0] || r.start() >= p[1]) {
                    next.add(p);
                    continue;
                }
                if (r.start() > p[0]) {
                    next.add(new long[] {p[0], r.start()});
                }
                if (r.end() < p[1]) {
                    next.add(new long[] {r.end(), p[1]});
                }
            }
            parts = next;
        }
        return parts;
    }

    /** The notes of a dump: PRPSINFO, each CPU with a non-zero prefix, VMCOREINFO. */
    List<ElfNote> notes(DumpMetadata metadata) {
        List<ElfNote> notes = new ArrayList<>();
        notes.add(S390CoreNotes.prpsinfo());
        int ordinal = 0;
        for (CpuState c : metadata.cpus()) {
            if (c.prefix() == 0) {
                continue;
            }
            notes.addAll(S390CoreNotes.cpuNotes(c, ++ordinal, options.s390NoteName()));
        }
        metadata.vmcoreinfo().ifPresent(v -> notes.add(S390CoreNotes.vmcoreinfo(v)));
        return notes;
    }

    /**
     * The bytes of the PT_NOTE segment this writer gives a core of {@code metadata}: what a tool that
     * copies a vmcore's notes (makedumpfile's kdump-compressed writer) copies.
     */
    public byte[] noteSegment(DumpMetadata metadata) {
        List<ElfNote> notes = notes(metadata);
        ByteBuffer b = ByteBuffer.allocate(notes.stream().mapToInt(ElfNote::size).sum());
        for (ElfNote n : notes) {
            n.write(b);
        }
        return b.array();
    }

    /**
     * Where everything of a core goes: the program headers (the PT_NOTE first), the notes, the memory
     * of each PT_LOAD, and the file size. {@link #write} writes exactly this plan.
     */
    private record Layout(List<Load> loads, List<ElfNote> notes, List<ElfProgramHeader> programHeaders,
            long notesOffset, int notesSize, long memoryTotal, long fileSize) {
    }

    private Layout plan(MemorySource memory, DumpMetadata metadata) {
        List<Load> loads = loads(memory.chunks());
        if (loads.size() + 1 >= ElfHeader.PN_XNUM) {
            throw new IllegalArgumentException("the memory has " + loads.size()
                    + " separate ranges; an ELF core without section headers holds at most 65533");
        }
        List<ElfNote> notes = notes(metadata);
        int notesSize = notes.stream().mapToInt(ElfNote::size).sum();
        int phnum = 1 + loads.size();
        long notesOffset = ElfHeader.SIZE + (long) ElfProgramHeader.SIZE * phnum;
        List<ElfProgramHeader> phdrs = new ArrayList<>();
        phdrs.add(new ElfProgramHeader(ElfProgramHeader.PT_NOTE, 0, notesOffset, 0, 0, notesSize, notesSize, 0));
        long offset = alignUp(notesOffset + notesSize, PAGE);
        long memoryTotal = 0;
        for (Load l : loads) {
            long size = l.end() - l.start();
            phdrs.add(new ElfProgramHeader(ElfProgramHeader.PT_LOAD, ElfProgramHeader.PF_RWX, offset, l.start(),
                    l.start(), size, size, PAGE));
            offset = alignUp(offset + size, PAGE);
            memoryTotal += size;
        }
        long fileSize = loads.isEmpty() ? notesOffset + notesSize
                : phdrs.get(phdrs.size() - 1).offset() + phdrs.get(phdrs.size() - 1).filesz();
        return new Layout(loads, notes, phdrs, notesOffset, notesSize, memoryTotal, fileSize);
    }

    /** The exact size of the file {@link #write} writes for this memory and metadata. */
    public long plannedSize(MemorySource memory, DumpMetadata metadata) {
        return plan(memory, metadata).fileSize();
    }

    static long alignUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** Writes the core of {@code memory} with the CPUs and VMCOREINFO of {@code metadata}. */
    public Result write(MemorySource memory, DumpMetadata metadata, WritableByteChannel out) throws IOException {
        Layout plan = plan(memory, metadata);
        List<Load> loads = plan.loads();
        List<ElfNote> notes = plan.notes();
        List<ElfProgramHeader> phdrs = plan.programHeaders();
        long notesOffset = plan.notesOffset();
        int notesSize = plan.notesSize();
        long memoryTotal = plan.memoryTotal();
        long fileSize = plan.fileSize();
        int phnum = phdrs.size();

        ByteBuffer head = ByteBuffer.allocate((int) (notesOffset + notesSize));
        ElfHeader.s390xCore(phnum).write(head);
        for (ElfProgramHeader p : phdrs) {
            p.write(head);
        }
        for (ElfNote n : notes) {
            n.write(head);
        }
        head.flip();
        Output o = new Output(out);
        o.write(head.array(), 0, head.limit());

        byte[] buf = new byte[BUFFER];
        long memoryDone = 0;
        for (int i = 0; i < loads.size(); i++) {
            Load l = loads.get(i);
            o.zerosTo(phdrs.get(i + 1).offset());
            for (Piece p : l.pieces()) {
                // into a file, bytes that lie in a file (a dump's, storage's) are copied by the kernel
                boolean byKernel = o.file != null && p.chunk().kind() == MemoryChunk.Kind.DATA;
                for (long a = p.start(); a < p.end(); ) {
                    if (byKernel) {
                        long n = Math.min(TRANSFER, p.end() - a);
                        if (o.transfer(p.chunk().data(), a - p.chunk().start(), n)) {
                            a += n;
                            memoryDone += n;
                            options.listener().progress(memoryDone, memoryTotal, o.position);
                            continue;
                        }
                        byKernel = false;
                    }
                    int n = (int) Math.min(BUFFER, p.end() - a);
                    if (p.chunk().kind() == MemoryChunk.Kind.DATA) {
                        p.chunk().data().read(a - p.chunk().start(), buf, 0, n);
                        o.write(buf, 0, n);
                    } else {
                        o.zeros(n);
                    }
                    a += n;
                    memoryDone += n;
                    options.listener().progress(memoryDone, memoryTotal, o.position);
                }
            }
        }
        o.finish(fileSize);
        options.listener().progress(memoryTotal, memoryTotal, fileSize);
        int cpus = (int) metadata.cpus().stream().filter(c -> c.prefix() != 0).count();
        return new Result(phdrs, notes, fileSize, cpus);
    }

    /** The file being written: sequential, skipping zeros with a seek when it can. */
    private static final class Output {
        final WritableByteChannel out;
        final SeekableByteChannel seekable;
        /** The output as a file channel, when it is one (the kernel can copy file regions into it). */
        final FileChannel file;
        final long base;
        long position;
        long physical;
        byte[] zeros;

        Output(WritableByteChannel out) throws IOException {
            this.out = out;
            this.seekable = out instanceof SeekableByteChannel s ? s : null;
            this.file = out instanceof FileChannel f ? f : null;
            this.base = seekable != null ? seekable.position() : 0;
        }

        void write(byte[] b, int off, int len) throws IOException {
            if (seekable != null && physical != position) {
                seekable.position(base + position);
            }
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
            position += len;
            physical = position;
        }

        /** Copies by the kernel when {@code data} lies in a file; false, with nothing written, when not. */
        boolean transfer(MemoryChunk.Data data, long offset, long n) throws IOException {
            if (physical != position) {
                file.position(base + position);
                physical = position;
            }
            if (!data.transferTo(offset, n, file)) {
                return false;
            }
            position += n;
            physical = position;
            return true;
        }

        void zeros(long n) throws IOException {
            if (seekable != null) {
                position += n;
                return;
            }
            if (zeros == null) {
                zeros = new byte[BUFFER];
            }
            while (n > 0) {
                int k = (int) Math.min(n, zeros.length);
                write(zeros, 0, k);
                n -= k;
            }
        }

        void zerosTo(long offset) throws IOException {
            zeros(offset - position);
        }

        /** Makes the file exactly {@code size} bytes long even when it ends in skipped zeros. */
        void finish(long size) throws IOException {
            zerosTo(size);
            if (seekable != null && physical != position && position > 0) {
                position -= 1;
                write(new byte[1], 0, 1);
            }
        }
    }
}
