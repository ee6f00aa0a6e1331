package io.sadump.dump.kdump;

import com.github.luben.zstd.Zstd;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.dump.ZstdNativeLibrary;
import io.sadump.dump.elf.ElfNote;
import io.sadump.dump.elf.S390CoreNotes;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a kdump-compressed file as a memory source (reference kdump-compressed.md §1.9): every run of
 * pages the 2nd bitmap keeps is one chunk, so a dump of a few GiB makes as many chunks as it has runs,
 * not pages. Pages the dump level filtered out are absent, never zero; pages stored as the shared zero
 * page read as zeros. The CPUs come from the NT_PRSTATUS notes, the VMCOREINFO from its note.
 *
 * <p>A dump makedumpfile marked incomplete (header status 0x8, §1.8) is reported as incomplete, with the
 * pages whose descriptors were never written left out; in a dump that claims to be whole, such a
 * descriptor is an error when its page is read.
 */
public final class KdumpCompressedReader {
    private KdumpCompressedReader() {}

    /** libkdumpfile's bounds on a sane block size (§1.9). */
    static final int MIN_BLOCK = 4096;
    static final int MAX_BLOCK = 256 << 10;
    static final long MAX_NOTES = 64L << 20;
    /** Bytes of a bitmap read at a time. */
    static final int BITMAP_READ = 1 << 20;

    /** What {@code zgetdump -i} says of a kdump-compressed file beside its memory. */
    public record Summary(DiskDumpHeader header, KdumpSubHeader subHeader, long maxMapnr, long presentPages,
            long dumpablePages, long unwrittenPages) {
        /** Pages the source memory had that the dump level left out. */
        public long filteredPages() {
            return presentPages - dumpablePages;
        }

        public int dumpLevel() {
            return subHeader.dumpLevel();
        }

        /** The compression the header status names: zlib, lzo, snappy, zstd or none. */
        public String compression() {
            int s = header.status();
            if ((s & DiskDumpHeader.DUMP_DH_COMPRESSED_ZLIB) != 0) {
                return "zlib";
            }
            if ((s & DiskDumpHeader.DUMP_DH_COMPRESSED_LZO) != 0) {
                return "lzo";
            }
            if ((s & DiskDumpHeader.DUMP_DH_COMPRESSED_SNAPPY) != 0) {
                return "snappy";
            }
            if ((s & DiskDumpHeader.DUMP_DH_COMPRESSED_ZSTD) != 0) {
                return "zstd";
            }
            return "none";
        }
    }

    /** The parsed frame of a file: headers, where things are, the bitmaps. */
    private record Frame(DiskDumpHeader header, KdumpSubHeader sub, long maxMapnr, PageBitmap dumpable,
            long presentPages, long descriptorBase) {
    }

    /** Opens a dump that must be complete. */
    public static ReadBackDump open(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name).requireComplete();
    }

    /** The header facts and page counts of a kdump-compressed file. */
    public static Summary summary(DumpBlockSource source, String name) throws IOException {
        Frame f = frame(source, name);
        long unwritten = f.header().incomplete() ? unwrittenPages(source, f, name).cardinality() : 0;
        return new Summary(f.header(), f.sub(), f.maxMapnr(), f.presentPages(), f.dumpable().cardinality(),
                unwritten);
    }

    private static Frame frame(DumpBlockSource source, String name) throws IOException {
        long size = source.size();
        if (size < DiskDumpHeader.SIZE) {
            throw new DumpFormatException(name + ": too small for a kdump-compressed header (" + size + " bytes)");
        }
        byte[] hb = new byte[DiskDumpHeader.SIZE];
        source.read(0, hb, 0, hb.length);
        if (!DiskDumpHeader.hasSignature(hb, hb.length)) {
            throw new DumpFormatException(name + ": not a kdump-compressed file (no 'KDUMP   ' or 'DISKDUMP' signature)");
        }
        DiskDumpHeader h = DiskDumpHeader.read(ByteBuffer.wrap(hb));
        int b = h.blockSize();
        if (b < MIN_BLOCK || b > MAX_BLOCK || Integer.bitCount(b) != 1) {
            throw new DumpFormatException(name + ": block size " + b + " is not a page size (4096..262144); the file "
                    + "is damaged or was written by a little-endian machine, which is no s390x dump");
        }
        if (h.subHeaderBlocks() < 0) {
            throw new DumpFormatException(name + ": negative sub-header size " + h.subHeaderBlocks());
        }
        KdumpSubHeader sub = h.headerVersion() >= 1 ? readSub(source, b, name) : KdumpSubHeader.of(0, 0, 0, 0, 0, 0);
        long maxMapnr = h.headerVersion() >= 6 ? sub.maxMapnr64() : h.maxMapnr();
        long bitmapBytes = h.bitmapBlocks() * b / 2;
        if (maxMapnr < 0 || ceilDiv(maxMapnr, 8) > bitmapBytes) {
            throw new DumpFormatException(String.format("%s: %d pages do not fit the bitmaps of %d blocks", name,
                    maxMapnr, h.bitmapBlocks()));
        }
        long first = (1L + h.subHeaderBlocks()) * b;
        long present = countBits(source, first, maxMapnr, name);
        PageBitmap dumpable = readBitmap(source, first + bitmapBytes, maxMapnr, name);
        long descriptorBase = first + 2 * bitmapBytes;
        return new Frame(h, sub, maxMapnr, dumpable, present, descriptorBase);
    }

    private static KdumpSubHeader readSub(DumpBlockSource source, int blockSize, String name) throws IOException {
        byte[] sb = new byte[KdumpSubHeader.SIZE];
        try {
            source.read(blockSize, sb, 0, sb.length);
        } catch (EOFException e) {
            throw new DumpFormatException(name + ": the sub-header lies past the end of the file", e);
        }
        return KdumpSubHeader.read(ByteBuffer.wrap(sb));
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static PageBitmap readBitmap(DumpBlockSource source, long offset, long pfns, String name)
            throws IOException {
        PageBitmap bitmap = new PageBitmap(pfns);
        long bytes = ceilDiv(pfns, 8);
        byte[] buf = new byte[(int) Math.min(BITMAP_READ, Math.max(1, bytes))];
        for (long done = 0; done < bytes; done += buf.length) {
            int n = (int) Math.min(buf.length, bytes - done);
            readOrFail(source, offset + done, buf, n, name, "the page bitmap");
            bitmap.orBytes(done, buf, n);
        }
        return bitmap.index();
    }

    private static long countBits(DumpBlockSource source, long offset, long pfns, String name) throws IOException {
        long bytes = ceilDiv(pfns, 8);
        byte[] buf = new byte[(int) Math.min(BITMAP_READ, Math.max(1, bytes))];
        long count = 0;
        for (long done = 0; done < bytes; done += buf.length) {
            int n = (int) Math.min(buf.length, bytes - done);
            readOrFail(source, offset + done, buf, n, name, "the page bitmap");
            for (int i = 0; i < n; i++) {
                int v = buf[i] & 0xFF;
                long last = (done + i) * 8;
                if (last + 8 > pfns) {
                    v &= (1 << (int) (pfns - last)) - 1;
                }
                count += Integer.bitCount(v);
            }
        }
        return count;
    }

    private static void readOrFail(DumpBlockSource source, long offset, byte[] buf, int n, String name, String what)
            throws IOException {
        try {
            source.read(offset, buf, 0, n);
        } catch (EOFException e) {
            throw new DumpFormatException(name + ": " + what + " lies past the end of the file", e);
        }
    }

    /** Dumpable pages whose descriptors are zero or lie past the file's end: never written (§1.8). */
    private static PageBitmap unwrittenPages(DumpBlockSource source, Frame f, String name) throws IOException {
        PageBitmap unwritten = new PageBitmap(f.maxMapnr());
        long size = source.size();
        byte[] buf = new byte[PageDescriptor.SIZE * 4096];
        long index = 0;
        long pfn = f.dumpable().nextSet(0);
        while (pfn >= 0) {
            long base = f.descriptorBase() + index * PageDescriptor.SIZE;
            int n = (int) Math.min(4096, f.dumpable().cardinality() - index);
            long avail = Math.max(0, Math.min((long) n * PageDescriptor.SIZE, size - base));
            java.util.Arrays.fill(buf, (byte) 0);
            if (avail > 0) {
                source.read(base, buf, 0, (int) avail);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf);
            for (int i = 0; i < n && pfn >= 0; i++) {
                PageDescriptor d = PageDescriptor.read(bb);
                if (d.unwritten() || d.offset() + d.size() > size) {
                    unwritten.set(pfn);
                }
                pfn = f.dumpable().nextSet(pfn + 1);
            }
            index += n;
        }
        return unwritten.index();
    }

    /** Reads the file; an incomplete one is returned with {@link ReadBackDump#complete()} false. */
    public static ReadBackDump inspect(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name, DumpFormat.KDUMP, Optional.empty());
    }

    /**
     * Reads a flattened file in place (its records indexed, {@link FlattenedDumpSource}); a stream cut
     * short is reported as incomplete.
     */
    public static ReadBackDump inspectFlattened(DumpBlockSource stream, String name) throws IOException {
        FlattenedDumpSource view = FlattenedDumpSource.index(stream, name);
        return inspect(view, name, DumpFormat.KDUMP_FLAT, view.problem());
    }

    /** The summary of a flattened file read in place. */
    public static Summary summaryFlattened(DumpBlockSource stream, String name) throws IOException {
        return summary(FlattenedDumpSource.index(stream, name), name);
    }

    private static ReadBackDump inspect(DumpBlockSource source, String name, DumpFormat format,
            Optional<String> streamProblem) throws IOException {
        Frame f = frame(source, name);
        DiskDumpHeader h = f.header();
        KdumpSubHeader sub = f.sub();
        List<ElfNote> notes = new ArrayList<>();
        if (h.headerVersion() >= 4 && sub.sizeNote() > 0) {
            if (sub.sizeNote() > MAX_NOTES || sub.offsetNote() < 0) {
                throw new DumpFormatException(name + ": the notes (" + sub.sizeNote() + " bytes at " + sub.offsetNote()
                        + ") are not where notes can be");
            }
            byte[] nb = new byte[(int) sub.sizeNote()];
            readOrFail(source, sub.offsetNote(), nb, nb.length, name, "the ELF notes");
            ByteBuffer bb = ByteBuffer.wrap(nb);
            while (bb.remaining() >= ElfNote.HEADER_SIZE) {
                if (bb.getInt(bb.position()) == 0 && bb.getInt(bb.position() + 4) == 0) {
                    break;
                }
                try {
                    notes.add(ElfNote.read(bb));
                } catch (IllegalArgumentException e) {
                    throw new DumpFormatException(name + ": damaged ELF note: " + e.getMessage(), e);
                }
            }
        }
        List<CpuState> cpus;
        try {
            cpus = S390CoreNotes.cpus(notes);
        } catch (IllegalArgumentException e) {
            throw new DumpFormatException(name + ": " + e.getMessage(), e);
        }
        Optional<String> vmcoreinfo = Optional.empty();
        if (h.headerVersion() >= 3 && sub.sizeVmcoreinfo() > 0 && sub.sizeVmcoreinfo() <= MAX_NOTES) {
            byte[] vb = new byte[(int) sub.sizeVmcoreinfo()];
            readOrFail(source, sub.offsetVmcoreinfo(), vb, vb.length, name, "the VMCOREINFO");
            vmcoreinfo = Optional.of(new String(vb, StandardCharsets.ISO_8859_1));
        }

        List<String> problems = new ArrayList<>();
        streamProblem.ifPresent(problems::add);
        PageBitmap readable = f.dumpable();
        if (h.incomplete()) {
            PageBitmap unwritten = unwrittenPages(source, f, name);
            problems.add(String.format("%s: the dump is incomplete (header status 0x%X: makedumpfile stopped, the disk "
                    + "was full or the size limit reached); %d of %d dumped pages were never written", name,
                    h.status(), unwritten.cardinality(), f.dumpable().cardinality()));
            PageBitmap r = new PageBitmap(f.maxMapnr());
            for (long p = f.dumpable().nextSet(0); p >= 0; p = f.dumpable().nextSet(p + 1)) {
                if (!unwritten.get(p)) {
                    r.set(p);
                }
            }
            readable = r.index();
        }

        PageReader reader = new PageReader(source, name, h.blockSize(), f.dumpable(), f.descriptorBase());
        List<MemoryChunk> chunks = new ArrayList<>();
        long b = h.blockSize();
        for (long p = readable.nextSet(0); p >= 0; ) {
            long end = readable.nextClear(p);
            long start = p;
            chunks.add(MemoryChunk.data(start * b, (end - start) * b,
                    (offset, dst, dstOffset, length) -> reader.read(start * b + offset, dst, dstOffset, length)));
            p = readable.nextSet(end);
        }
        MemorySource memory = MemorySource.of(chunks, f.maxMapnr() * b);
        OptionalLong start = h.timestampSeconds() != 0
                ? OptionalLong.of(TodClock.fromInstant(Instant.ofEpochSecond(h.timestampSeconds())))
                : OptionalLong.empty();
        DumpMetadata metadata = DumpMetadata.of(cpus, vmcoreinfo).withDumpTimes(start, OptionalLong.empty(),
                OptionalLong.empty());
        Optional<String> problem = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
        long dataBytes = Math.max(0, source.size() - f.descriptorBase());
        return new ReadBackDump(format, memory, metadata, problem, dataBytes, Optional.empty(),
                Optional.empty(), List.of(source));
    }

    /** Reads pages through their descriptors; safe for several threads (no shared buffers). */
    private static final class PageReader {
        private final DumpBlockSource source;
        private final String name;
        private final int block;
        private final PageBitmap dumpable;
        private final long descriptorBase;
        /** zstd's library is loaded: checked once, not under its lock for every page of every thread. */
        private volatile boolean zstdReady;

        PageReader(DumpBlockSource source, String name, int block, PageBitmap dumpable, long descriptorBase) {
            this.source = source;
            this.name = name;
            this.block = block;
            this.dumpable = dumpable;
            this.descriptorBase = descriptorBase;
        }

        /** Reads [address, address + length), all of it inside one run of dumpable pages. */
        void read(long address, byte[] dst, int dstOffset, int length) throws IOException {
            long firstPfn = address / block;
            long lastPfn = (address + length - 1) / block;
            int pages = (int) (lastPfn - firstPfn + 1);
            long firstIndex = dumpable.rank(firstPfn);
            // consecutive dumpable pages have consecutive descriptors
            int maxPerRead = 4096;
            byte[] page = new byte[block];
            byte[] stored = new byte[block];
            Inflater inflater = null;
            try {
                for (int done = 0; done < pages; ) {
                    int n = Math.min(maxPerRead, pages - done);
                    byte[] db = new byte[n * PageDescriptor.SIZE];
                    try {
                        source.read(descriptorBase + (firstIndex + done) * PageDescriptor.SIZE, db, 0, db.length);
                    } catch (EOFException e) {
                        throw new DumpFormatException(String.format("%s: the page descriptor of pfn 0x%X lies past "
                                + "the end of the file", name, firstPfn + done), e);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(db);
                    for (int i = 0; i < n; i++) {
                        long pfn = firstPfn + done + i;
                        PageDescriptor d = PageDescriptor.read(bb);
                        long pageStart = pfn * block;
                        long from = Math.max(address, pageStart);
                        long to = Math.min(address + length, pageStart + block);
                        boolean whole = from == pageStart && to == pageStart + block;
                        byte[] target = whole ? dst : page;
                        int targetOff = whole ? dstOffset + (int) (pageStart - address) : 0;
                        if ((d.flags() & PageDescriptor.COMPRESSED) != 0) {
                            if (inflater == null && (d.flags() & PageDescriptor.FLAG_ZLIB) != 0) {
                                inflater = new Inflater();
                            }
                            decompress(d, pfn, stored, target, targetOff, inflater);
                        } else {
                            if (d.unwritten()) {
                                throw new DumpFormatException(String.format("%s: the page descriptor of pfn 0x%X is "
                                        + "zeroed (it was never written; the dump is damaged or incomplete)", name,
                                        pfn));
                            }
                            if (d.size() != block) {
                                throw new DumpFormatException(String.format("%s: pfn 0x%X is stored raw with %d bytes, "
                                        + "not a page of %d", name, pfn, d.size(), block));
                            }
                            readData(d, pfn, target, targetOff, block);
                        }
                        if (!whole) {
                            System.arraycopy(page, (int) (from - pageStart), dst, dstOffset + (int) (from - address),
                                    (int) (to - from));
                        }
                    }
                    done += n;
                }
            } finally {
                if (inflater != null) {
                    inflater.end();
                }
            }
        }

        private void readData(PageDescriptor d, long pfn, byte[] dst, int off, int n) throws IOException {
            try {
                source.read(d.offset(), dst, off, n);
            } catch (EOFException e) {
                throw new DumpFormatException(String.format("%s: the data of pfn 0x%X (%d bytes at 0x%X) lies past the "
                        + "end of the file", name, pfn, n, d.offset()), e);
            }
        }

        private void decompress(PageDescriptor d, long pfn, byte[] stored, byte[] dst, int off, Inflater inflater)
                throws IOException {
            if (d.size() <= 0 || d.size() > block) {
                throw new DumpFormatException(String.format("%s: pfn 0x%X claims %d compressed bytes", name, pfn,
                        d.size()));
            }
            readData(d, pfn, stored, 0, d.size());
            if ((d.flags() & PageDescriptor.FLAG_ZLIB) != 0) {
                inflater.reset();
                inflater.setInput(stored, 0, d.size());
                try {
                    int n = 0;
                    while (n < block && !inflater.finished()) {
                        int k = inflater.inflate(dst, off + n, block - n);
                        if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                            break;
                        }
                        n += k;
                    }
                    if (n != block || !inflater.finished()) {
                        throw new DumpFormatException(String.format("%s: pfn 0x%X decompresses to %d bytes, not a page",
                                name, pfn, n));
                    }
                } catch (DataFormatException e) {
                    throw new DumpFormatException(String.format("%s: the zlib data of pfn 0x%X is damaged: %s", name,
                            pfn, e.getMessage()), e);
                }
            } else if ((d.flags() & PageDescriptor.FLAG_ZSTD) != 0) {
                if (!zstdReady) {
                    ZstdNativeLibrary.require();
                    zstdReady = true;
                }
                long n = Zstd.decompressByteArray(dst, off, block, stored, 0, d.size());
                if (Zstd.isError(n) || n != block) {
                    throw new DumpFormatException(String.format("%s: the zstd data of pfn 0x%X is damaged (%s)", name,
                            pfn, Zstd.isError(n) ? Zstd.getErrorName(n) : n + " bytes, not a page"));
                }
            } else {
                throw new DumpFormatException(String.format("%s: pfn 0x%X is compressed with %s, which sadump does not "
                        + "read (zlib and zstd are read)", name, pfn,
                        (d.flags() & PageDescriptor.FLAG_LZO) != 0 ? "lzo" : "snappy"));
            }
        }
    }
}
