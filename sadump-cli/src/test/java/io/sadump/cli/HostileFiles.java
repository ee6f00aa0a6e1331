package io.sadump.cli;

import io.sadump.device.ckd.CkdDeviceHeader;
import io.sadump.dump.elf.ElfProgramHeader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390SegmentHeader;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.meminfo.Cksm;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntry;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.MeminfoWriter;
import io.sadump.meminfo.SegmentKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hostile inputs of the list, each made in a directory: crafted meminfo, dumps whose
 * headers lie, device images with wrong geometry or broken chains, and archives that try to escape,
 * smuggle links and devices, repeat or hide entries, or carry a signature over another file. Each
 * case names the command that meets it and how that command must refuse it.
 */
final class HostileFiles {
    private HostileFiles() {}

    /**
     * One hostile input: the arguments of the command that reads it, the exit codes it may end with,
     * and the text that must be on its one line (stderr; for {@code meminfo}, whose refusal is the
     * verdict, the last line of stdout).
     */
    record Case(String name, List<String> args, Set<Integer> exits, String expected, boolean verdictLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final long MIB = 1L << 20;
    static final long MEMINFO_AT = 0x20_0000;
    static final long TABLE_AT = 0x20_1000;
    static final long NOTE_AT = 0x20_2000;

    /** Every case, its files made under {@code dir}. */
    static List<Case> all(Path dir) {
        try {
            List<Case> cases = new ArrayList<>();
            cases.addAll(meminfo(dir));
            cases.addAll(dumps(dir));
            cases.addAll(archives(dir));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // -- meminfo: the verdict line is the refusal ----------------------------------------------------

    private interface StorageChange {
        void apply(AbsoluteStorage s, MeminfoWriter w);
    }

    private static Path machine(Path dir, String name, StorageChange change) {
        Path m = dir.resolve(name);
        MachineDirectory md = MachineDirectory.create(m, MachineConfig.of(32 * MIB, 1, Optional.empty()),
                List.of(CpuState.reset(0)));
        try (MachineLock lock = md.lock(); AbsoluteStorage s = md.openStorage(lock)) {
            MeminfoWriter w = MeminfoWriter.create(s, MEMINFO_AT);
            w.setCrashkernel(16 * MIB, 16 * MIB);
            byte[] note = "OSRELEASE=6.1.0\nPAGESIZE=4096\n".getBytes(StandardCharsets.US_ASCII);
            s.write(NOTE_AT, note);
            w.addData(MeminfoEntryIndex.VMCOREINFO, NOTE_AT, note.length);
            change.apply(s, w);
        }
        return m;
    }

    /** Stores {@code page} (checksum recomputed) at the meminfo address. */
    private static void storePage(AbsoluteStorage s, MeminfoPage page) {
        s.write(MEMINFO_AT, page.withComputedChecksum().toBytes());
    }

    private static MeminfoPage page(AbsoluteStorage s) {
        return MeminfoPage.read(s.bytes(MEMINFO_AT, MeminfoPage.SIZE));
    }

    private static List<Case> meminfo(Path dir) {
        List<Case> cases = new ArrayList<>();
        // entry 13 names the meminfo page itself as the segment table (with a matching CKSM)
        Path self = machine(dir, "meminfo-self", (s, w) -> {
            byte[] own = s.bytes(MEMINFO_AT, KexecSegmentTable.sizeFor(1));
            storePage(s, page(s).withEntry(MeminfoEntryIndex.KDUMP_SEGMENTS,
                    MeminfoEntry.data(MEMINFO_AT, own.length, Cksm.of(own))));
        });
        cases.add(meminfoCase("meminfo entry 13 pointing into the meminfo page itself", self, "FAIL 0x4531"));
        // the lowcore pointer names a page far beyond storage
        Path past = machine(dir, "meminfo-past", (s, w) -> s.putU64(Lowcore.MEMINFO_POINTER, 1L << 62));
        cases.add(meminfoCase("meminfo pointer past the end of storage", past, "FAIL 0x4520"));
        // entry 13 (the segment table) claims a size that wraps 64 bits from its address
        Path wrap = machine(dir, "meminfo-wrap", (s, w) -> storePage(s, page(s).withEntry(
                MeminfoEntryIndex.KDUMP_SEGMENTS, MeminfoEntry.data(TABLE_AT, -TABLE_AT + 0x1000, 0))));
        cases.add(meminfoCase("meminfo entry whose size wraps 64 bits", wrap, "FAIL 0x453"));
        // a table of 16 segments of 2^63 bytes each
        Path huge = machine(dir, "meminfo-huge-segments", (s, w) -> {
            List<KexecSegment> segs = new ArrayList<>();
            for (int i = 0; i < KexecSegmentTable.MAX_SEGMENTS; i++) {
                segs.add(new KexecSegment(16 * MIB, 1L << 63, 0x1000, i == 0 ? SegmentKind.PURGATORY
                        : SegmentKind.KERNEL, new byte[32]));
            }
            w.writeSegmentTable(TABLE_AT, new KexecSegmentTable(Lowcore.IMAGE_ENTRY_KDUMP, segs));
        });
        cases.add(meminfoCase("segment table of 16 segments of 2^63 bytes", huge, "FAIL 0x4532"));
        return cases;
    }

    private static Case meminfoCase(String name, Path machine, String verdict) {
        return new Case(name, List.of("meminfo", machine.toString()), Set.of(0), verdict, true);
    }

    // -- dumps and device images: zgetdump -i ----------------------------------------------------------

    private interface FileChange {
        void apply(FileChannel ch) throws IOException;
    }

    private static Path changed(Path file, FileChange change) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            change.apply(ch);
        }
        return file;
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // fill
        }
        return b.flip();
    }

    private static void write(FileChannel ch, long at, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
    }

    private static void putLong(FileChannel ch, long at, long value) throws IOException {
        write(ch, at, ByteBuffer.allocate(8).putLong(0, value));
    }

    private static List<Case> dumps(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        // ELF: the second PT_LOAD maps the same memory as the first
        Path overlap = changed(elfWithGap(dir, "overlapping-loads.elf"), ch -> {
            ByteBuffer h = read(ch, 0, 64);
            long phoff = h.getLong(32);
            int phnum = Short.toUnsignedInt(h.getShort(56));
            List<Long> loads = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                ByteBuffer p = read(ch, phoff + (long) i * ElfProgramHeader.SIZE, ElfProgramHeader.SIZE);
                if (p.getInt(0) == 1) {
                    loads.add(phoff + (long) i * ElfProgramHeader.SIZE);
                }
            }
            long firstPaddr = read(ch, loads.get(0) + 24, 8).getLong();
            putLong(ch, loads.get(1) + 16, firstPaddr); // p_vaddr
            putLong(ch, loads.get(1) + 24, firstPaddr); // p_paddr
        });
        cases.add(zgetdump("ELF core with overlapping PT_LOADs", overlap, "overlap"));
        // ELF: the PT_NOTE claims 2^62 bytes
        Path notes = changed(DumpFiles.elf(dir, "huge-notes.elf"), ch -> {
            ByteBuffer h = read(ch, 0, 64);
            long phoff = h.getLong(32);
            int phnum = Short.toUnsignedInt(h.getShort(56));
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * ElfProgramHeader.SIZE;
                if (read(ch, at, 4).getInt() == 4) {
                    putLong(ch, at + 32, 1L << 62); // p_filesz
                }
            }
        });
        cases.add(zgetdump("ELF core whose notes are larger than the file", notes, "note"));
        // s390_ext: the second segment starts below the end of the first
        Path backwards = changed(DumpFiles.ext(dir, "backwards.s390ext"), ch -> {
            long off = S390DumpHeader.SIZE;
            long[] starts = new long[2];
            long[] offsets = new long[2];
            int found = 0;
            while (found < 2) {
                ByteBuffer sh = read(ch, off, S390SegmentHeader.SIZE);
                S390SegmentHeader s = S390SegmentHeader.read(sh);
                if (s.length() > 0) {
                    starts[found] = s.start();
                    offsets[found] = off;
                    found++;
                }
                off += S390SegmentHeader.SIZE
                        + (s.isCompressed() ? (s.sizeOnDisk() & 0xFFFF_FFFFL) * 4096 : s.length());
            }
            putLong(ch, offsets[1] + S390SegmentHeader.OFF_START, starts[0]);
        });
        cases.add(zgetdump("s390_ext segment that goes backwards over the one before it", backwards, "lies below"));
        // CKD: the device header says 16 heads
        Path geometry = changed(DumpFiles.dasd(dir, "wrong-geometry.3390", true, false), ch -> {
            ByteBuffer h = read(ch, 0, CkdDeviceHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(8, 16); // heads
            write(ch, 0, h.rewind());
        });
        cases.add(zgetdump("CKD image with the wrong geometry", geometry, "heads"));
        // CKD: a cylinder cut off the end
        Path cut = DumpFiles.dasd(dir, "cut.3390", true, false);
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 15L * 56832 + 1000);
        }
        cases.add(zgetdump("CKD image cut short of a whole cylinder", cut, "cylinders"));
        // AWSTAPE: the third chunk's back-pointer disagrees with the second chunk's length
        Path aws = changed(DumpFiles.tape(dir, "backpointer.aws"), ch -> {
            long at = 0;
            for (int i = 0; i < 2; i++) {
                ByteBuffer h = read(ch, at, 6).order(ByteOrder.LITTLE_ENDIAN);
                at += 6 + Short.toUnsignedInt(h.getShort(0));
            }
            ByteBuffer h = read(ch, at, 6).order(ByteOrder.LITTLE_ENDIAN);
            h.putShort(2, (short) (h.getShort(2) + 1));
            write(ch, at, h.rewind());
        });
        cases.add(zgetdump("AWSTAPE chunk whose back-pointer disagrees", aws, "prvblkl"));
        return cases;
    }

    /** An ELF core of {@link DumpFiles#system} with a 1 MiB hole, so that it has two PT_LOADs. */
    private static Path elfWithGap(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            DumpFiles.BootedSystem sys = DumpFiles.system(5);
            new io.sadump.dump.elf.ElfCoreWriter(io.sadump.dump.elf.ElfCoreWriter.Options.defaults()
                    .excluding(4 * MIB, MIB)).write(sys.memory(), sys.metadata(), ch);
        }
        return f;
    }

    private static Case zgetdump(String name, Path file, String expected) {
        return new Case(name, List.of("zgetdump", "-i", file.toString()), Set.of(1), expected, false);
    }

    // -- archives: archive verify and archive extract ---------------------------------------------------

    private static List<Case> archives(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        String[][] list = {
            {"dotdot.tar", "tar entry with '..'", "'..' would escape"},
            {"absolute.tar", "tar entry with an absolute name", "absolute path"},
            {"symlink.tar", "tar symbolic link", "symbolic link"},
            {"hardlink.tar", "tar hard link", "hard link"},
            {"device.tar", "tar device entry", "device file"},
            {"duplicate.tar", "tar entry that appears twice", "appears twice"},
            {"unlisted.tar", "tar entry missing from SHA256SUMS", "not listed in SHA256SUMS"},
            {"signature-of-another-file.tar", "signature over another file than SHA256SUMS", "SHA256SUMS.p7s"},
        };
        for (String[] a : list) {
            Path f = dir.resolve(a[0]);
            try (InputStream in = HostileFiles.class.getResourceAsStream("hostile/" + a[0])) {
                Files.copy(in, f);
            }
            cases.add(new Case(a[1] + " (verify)", List.of("archive", "verify", f.toString()), Set.of(1), a[2], false));
            Path into = dir.resolve("extract-" + a[0]);
            cases.add(new Case(a[1] + " (extract)", List.of("archive", "extract", f.toString(), "-o", into.toString()),
                    Set.of(1), a[2], false));
        }
        return Collections.unmodifiableList(cases);
    }
}
