package io.sadump.dump.kdump;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.ZstdNativeLibrary;
import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpDeviceFullException;
import io.sadump.meminfo.VmcoreinfoNote;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a memory source as makedumpfile 1.7.2 writes a kdump-compressed file, byte for byte (reference
 * kdump-compressed.md §1.7): header, sub-header, the copied ELF notes, the "present" and "dumpable"
 * bitmaps, one page descriptor per dumpable page and the page data, each page compressed on its own.
 * The writes go out in makedumpfile's order, through its two 64 KiB caches for descriptors and data
 * (§2.3), so the same writer gives the flattened stream ({@link FlattenedOutput}) record for record.
 *
 * <p>Memory is streamed: only the bitmaps (one bit per page) and a few batches of pages are held. Pages
 * are compressed on several threads when asked; the output is the same, since each page is compressed
 * alone and the results are used in pfn order.
 *
 * <p>When the output is full (a full disk, or the size limit of {@link KdumpFileOutput}), the writer
 * stops, writes the header again with the incomplete bit as makedumpfile does (§1.8), and reports the dump
 * as incomplete; the descriptors of pages never written stay zero.
 */
public final class KdumpCompressedWriter {
    /** s390x page size: makedumpfile's block size (§1.2). */
    public static final int PAGE_SIZE = 4096;
    /** makedumpfile's write cache: {@code page_size << block_order}, default block_order 4 (§2.3). */
    static final int CACHE_SIZE = PAGE_SIZE << 4;
    /** Bitmaps go out in {@code BUFSIZE_BITMAP} pieces (§2.3). */
    static final int BITMAP_WRITE = 4096;
    /** Pages read and compressed as one unit of work. */
    static final int BATCH_PAGES = 256;

    /**
     * @param compression how pages are stored
     * @param threads threads that read and compress pages (1: the caller's only)
     * @param listener progress: memory up to the page written, memory size, file bytes so far
     * @param parallelReads whether the memory source may be read from several threads at once (live
     *     storage: positional reads of its file); otherwise the page threads read one batch at a time, in
     *     pfn order, as a source that streams (a tape, a compressed dump) needs
     */
    public record Options(PageCompression compression, int threads, DumpProgressListener listener,
            boolean parallelReads) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, not " + threads);
            }
        }

        /** One read at a time. */
        public Options(PageCompression compression, int threads, DumpProgressListener listener) {
            this(compression, threads, listener, false);
        }

        public static Options of(PageCompression compression) {
            return new Options(compression, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                    DumpProgressListener.NONE);
        }

        public Options withThreads(int t) {
            return new Options(compression, t, listener, parallelReads);
        }

        public Options withListener(DumpProgressListener l) {
            return new Options(compression, threads, l, parallelReads);
        }

        public Options withParallelReads(boolean p) {
            return new Options(compression, threads, listener, p);
        }
    }

    /**
     * What was written.
     *
     * @param presentPages pages the source holds (1st bitmap)
     * @param dumpablePages pages the dump level keeps (2nd bitmap), zero pages included
     * @param zeroPages kept pages stored as the shared zero page (dump level bit 1)
     * @param problem why the dump is incomplete; empty when it is whole
     */
    public record Result(long fileSize, long maxMapnr, long presentPages, long dumpablePages, long zeroPages,
            int dumpLevel, int status, Optional<String> problem) {
        public boolean complete() {
            return problem.isEmpty();
        }

        /** Pages present in memory that the dump level left out. */
        public long filteredPages() {
            return presentPages - dumpablePages;
        }
    }

    private final Options options;

    public KdumpCompressedWriter(Options options) {
        this.options = options;
    }

    /** Where each part of the file goes (§1.1). */
    record Layout(int subHeaderBlocks, long bitmapBytes, long bitmapBlocks, long descriptorBase) {
        static Layout of(int noteSize, long maxMapnr) {
            int s = (int) ceilDiv(KdumpSubHeader.SIZE + (long) noteSize, PAGE_SIZE);
            long m = ceilDiv(ceilDiv(maxMapnr, 8), PAGE_SIZE) * PAGE_SIZE;
            long blocks = 2 * m / PAGE_SIZE;
            return new Layout(s, m, blocks, (1L + s + blocks) * PAGE_SIZE);
        }

        long firstBitmap() {
            return (1L + subHeaderBlocks) * PAGE_SIZE;
        }
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Writes the dump.
     *
     * @param notes the vmcore's notes, copied, or those built for the metadata
     * @param selection the pages the dump level keeps; pages it keeps that the source lacks are left out
     */
    public Result write(MemorySource memory, DumpMetadata metadata, KdumpNotes notes, PageSelection selection,
            KdumpOutput out) throws IOException {
        long maxMapnr = selection.maxMapnr();
        int level = selection.dumpLevel();
        PageBitmap present = new PageBitmap(maxMapnr);
        for (var c : memory.chunks()) {
            long from = c.start() / PAGE_SIZE;
            long to = Math.min(maxMapnr, ceilDiv(c.end(), PAGE_SIZE));
            if (from < to) {
                present.setRange(from, to);
            }
        }
        present.index();
        PageBitmap dumpable = new PageBitmap(maxMapnr);
        for (long p = selection.nextKept(0); p >= 0 && p < maxMapnr; p = selection.nextKept(p + 1)) {
            // the filter only clears bits of the 1st bitmap (§1.4)
            long q = present.nextSet(p);
            if (q == p) {
                dumpable.set(p);
            } else if (q < 0) {
                break;
            }
        }
        dumpable.index();
        long numDumpable = dumpable.cardinality();

        byte[] noteBytes = notes.bytes();
        Layout layout = Layout.of(noteBytes.length, maxMapnr);
        Optional<String> vmcoreinfo = notes.vmcoreinfoText().or(metadata::vmcoreinfo);
        long noteOffset = PAGE_SIZE + KdumpSubHeader.SIZE;
        KdumpSubHeader sub = KdumpSubHeader.of(level,
                notes.vmcoreinfo().map(e -> noteOffset + e.descOffset()).orElse(0L),
                notes.vmcoreinfo().map(e -> (long) e.descSize()).orElse(0L), noteOffset, noteBytes.length, maxMapnr);
        DiskDumpHeader header = new DiskDumpHeader(DiskDumpHeader.KDUMP_SIGNATURE, DiskDumpHeader.HEADER_VERSION,
                utsname(memory, vmcoreinfo), crashTime(vmcoreinfo), 0, options.compression().headerStatus(), PAGE_SIZE,
                layout.subHeaderBlocks(), layout.bitmapBlocks(), Math.min(maxMapnr, 0xFFFF_FFFFL), notes.cpuCount());

        out.write(0, header.toBytes(), 0, DiskDumpHeader.SIZE);
        out.write(noteOffset, noteBytes, 0, noteBytes.length);
        out.write(PAGE_SIZE, sub.toBytes(), 0, KdumpSubHeader.SIZE);
        long zeroPages;
        try {
            writeBitmap(present, layout.firstBitmap(), layout.bitmapBytes(), out);
            writeBitmap(dumpable, layout.firstBitmap() + layout.bitmapBytes(), layout.bitmapBytes(), out);
            zeroPages = writePages(memory, dumpable, level, layout.descriptorBase(), numDumpable, out);
        } catch (IOException e) {
            if (!outputFull(e)) {
                throw e;
            }
            int status = header.status() | DiskDumpHeader.DUMP_DH_COMPRESSED_INCOMPLETE;
            if (!out.rewrite(0, header.withStatus(status).toBytes())) {
                throw e;
            }
            return new Result(out.size(), maxMapnr, present.cardinality(), numDumpable, 0, level, status,
                    Optional.of("the output filled up (" + e.getMessage() + "): this is an incomplete dump file"));
        }
        out.finish();
        options.listener().progress(maxMapnr * PAGE_SIZE, maxMapnr * PAGE_SIZE, out.size());
        return new Result(out.size(), maxMapnr, present.cardinality(), numDumpable, zeroPages, level, header.status(),
                Optional.empty());
    }

    /** A full disk (ENOSPC) or a size limit: makedumpfile's cue to end the dump as incomplete (§1.8). */
    static boolean outputFull(IOException e) {
        return e instanceof DumpDeviceFullException
                || (e.getMessage() != null && e.getMessage().contains("No space left on device"));
    }

    private static void writeBitmap(PageBitmap bitmap, long offset, long bytes, KdumpOutput out) throws IOException {
        byte[] buf = new byte[BITMAP_WRITE];
        for (long done = 0; done < bytes; done += BITMAP_WRITE) {
            int n = (int) Math.min(BITMAP_WRITE, bytes - done);
            bitmap.copyBytes(done, buf, n);
            out.write(offset + done, buf, 0, n);
        }
    }

    /** makedumpfile's {@code cache_data}: bytes bound for consecutive file offsets (§2.3). */
    private static final class Cache {
        final byte[] buf = new byte[CACHE_SIZE + PAGE_SIZE];
        long offset;
        int length;
        /** Bytes the last {@link #flush} wrote (still in {@link #buf}); -1 before one. */
        int flushedLength = -1;
        final KdumpOutput out;

        Cache(long offset, KdumpOutput out) {
            this.offset = offset;
            this.out = out;
        }

        /** {@code write_cache}: append; once a whole cache is held, write exactly one cache's worth. */
        void append(byte[] b, int off, int n) throws IOException {
            System.arraycopy(b, off, buf, length, n);
            length += n;
            if (length < CACHE_SIZE) {
                return;
            }
            out.write(offset, buf, 0, CACHE_SIZE);
            length -= CACHE_SIZE;
            System.arraycopy(buf, CACHE_SIZE, buf, 0, length);
            offset += CACHE_SIZE;
        }

        /** {@code write_cache_bufsz}: write what is held. */
        void flush() throws IOException {
            flushedLength = length;
            if (length == 0) {
                return;
            }
            out.write(offset, buf, 0, length);
            offset += length;
            length = 0;
        }
    }

    /**
     * Pages read together and what compression made of them. Batches are planned on the writing thread
     * (which pfns, from the bitmap alone), read and compressed on a page thread, and reused once written.
     */
    private static final class Batch {
        final long[] pfns = new long[BATCH_PAGES];
        /** The runs of consecutive pfns: one read each. */
        final long[] runStart = new long[BATCH_PAGES];
        final int[] runLength = new int[BATCH_PAGES];
        final byte[] data = new byte[BATCH_PAGES * PAGE_SIZE];
        final boolean[] zero = new boolean[BATCH_PAGES];
        /** Compressed length, or -1 for a page stored raw. */
        final int[] sizes = new int[BATCH_PAGES];
        /** Where page i's compressed bytes start in {@link #packed}. */
        final int[] packedAt = new int[BATCH_PAGES];
        /** Compressed pages back to back; each is shorter than a page, so a batch's worth fits. */
        final byte[] packed = new byte[BATCH_PAGES * PAGE_SIZE];
        int count;
        int runs;
        long sequence;

        void clear(long seq) {
            count = 0;
            runs = 0;
            sequence = seq;
            java.util.Arrays.fill(zero, false);
        }
    }

    /** Lets the batches of a source that takes one reader at a time read in order. */
    private static final class ReadTurn {
        private long next;

        synchronized void await(long sequence) throws InterruptedIOException {
            while (next != sequence) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting to read pages");
                }
            }
        }

        synchronized void done() {
            next++;
            notifyAll();
        }
    }

    /**
     * The descriptor and data caches of the pages written so far. The loop over a batch's pages is a
     * method of its own, so the JIT compiles that small loop early instead of the whole of
     * {@link #writePages}, whose one compilation took a core for a third of a second of a 1.5 s dump.
     */
    private static final class PageRecords {
        final Cache descriptors;
        final Cache data;
        final KdumpOutput out;
        final int compressedFlag;
        final byte[] zeroDescriptor = new byte[PageDescriptor.SIZE];
        final ByteBuffer descriptor = ByteBuffer.allocate(PageDescriptor.SIZE);
        long nextData;
        long zeroPages;

        PageRecords(long descriptorBase, long dataOffset, KdumpOutput out, int compressedFlag) {
            this.descriptors = new Cache(descriptorBase, out);
            this.data = new Cache(dataOffset, out);
            this.out = out;
            this.compressedFlag = compressedFlag;
            this.nextData = dataOffset;
        }

        /** The shared zero page, first in the data, written even when no page is zero (§1.6). */
        void addZeroPage() throws IOException {
            new PageDescriptor(nextData, PAGE_SIZE, 0, 0).write(ByteBuffer.wrap(zeroDescriptor));
            data.append(new byte[PAGE_SIZE], 0, PAGE_SIZE);
            nextData += PAGE_SIZE;
        }

        void add(Batch b) throws IOException {
            for (int i = 0; i < b.count; i++) {
                if (b.zero[i]) {
                    descriptors.append(zeroDescriptor, 0, PageDescriptor.SIZE);
                    zeroPages++;
                    continue;
                }
                boolean compressed = b.sizes[i] >= 0;
                int size = compressed ? b.sizes[i] : PAGE_SIZE;
                if (descriptors.length + PageDescriptor.SIZE >= CACHE_SIZE || data.length + size >= CACHE_SIZE) {
                    // descriptors and data go out in pairs, so a cut leaves no descriptor without data
                    flushPair(descriptors, data, out);
                }
                descriptor.clear();
                new PageDescriptor(nextData, size, compressed ? compressedFlag : 0, 0).write(descriptor);
                descriptors.append(descriptor.array(), 0, PageDescriptor.SIZE);
                if (compressed) {
                    data.append(b.packed, b.packedAt[i], size);
                } else {
                    data.append(b.data, i * PAGE_SIZE, PAGE_SIZE);
                }
                nextData += size;
            }
        }

        void finish() throws IOException {
            data.flush();
            descriptors.flush();
        }
    }

    private long writePages(MemorySource memory, PageBitmap dumpable, int level, long descriptorBase,
            long numDumpable, KdumpOutput out) throws IOException {
        boolean zeroLevel = (level & 1) != 0;
        PageRecords records = new PageRecords(descriptorBase, descriptorBase + PageDescriptor.SIZE * numDumpable,
                out, options.compression().pageFlag());
        if (zeroLevel) {
            records.addZeroPage();
        }
        long total = dumpable.pfns() * PAGE_SIZE;
        if (options.compression() == PageCompression.ZSTD) {
            ZstdNativeLibrary.require();
        }
        BlockingQueue<PageCompressor> compressors = new ArrayBlockingQueue<>(options.threads());
        for (int i = 0; i < options.threads(); i++) {
            compressors.add(new PageCompressor(options.compression(), PAGE_SIZE));
        }
        ExecutorService pool = options.threads() > 1 ? Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "kdump-page-compression");
            t.setDaemon(true);
            return t;
        }) : null;
        ReadTurn turn = options.parallelReads() ? null : new ReadTurn();
        // two batches per thread: one being read or compressed, one done and waiting to be written, so
        // the writing thread's writes overlap the page threads' reads
        int maxInFlight = 2 * options.threads();
        ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
        ArrayDeque<Batch> spare = new ArrayDeque<>();
        long sequence = 0;
        try {
            long pfn = dumpable.nextSet(0);
            while (pfn >= 0 || !inFlight.isEmpty()) {
                while (pfn >= 0 && inFlight.size() < maxInFlight) {
                    Batch b = spare.isEmpty() ? new Batch() : spare.poll();
                    b.clear(sequence++);
                    pfn = planBatch(dumpable, pfn, b);
                    if (pool == null) {
                        fill(memory, b, zeroLevel, compressors, turn);
                        inFlight.add(java.util.concurrent.CompletableFuture.completedFuture(b));
                    } else {
                        inFlight.add(pool.submit(() -> fill(memory, b, zeroLevel, compressors, turn)));
                    }
                }
                Batch b = await(inFlight.poll());
                records.add(b);
                if (b.count > 0) {
                    options.listener().progress((b.pfns[b.count - 1] + 1) * PAGE_SIZE, total, out.size());
                }
                spare.add(b);
            }
            records.finish();
            return records.zeroPages;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            for (PageCompressor c : compressors) {
                c.close();
            }
        }
    }

    /**
     * makedumpfile's {@code write_kdump_page} flush: the descriptors, then the data. When the data does
     * not fit, the descriptors of the pages whose data did not get written are overwritten with zeros
     * ({@code get_nr_pages}, reference kdump-compressed.md §1.8), so a reader sees them as never written.
     */
    private static void flushPair(Cache descriptors, Cache data, KdumpOutput out) throws IOException {
        try {
            descriptors.flush();
        } catch (IOException e) {
            if (outputFull(e)) {
                zeroDescriptors(descriptors, 0, out);
            }
            throw e;
        }
        long headerOffset = descriptors.offset - descriptors.flushedLength;
        try {
            data.flush();
        } catch (IOException e) {
            if (outputFull(e)) {
                // the pages whose data lies before the end of what was written keep their descriptors
                long fileEnd = out.size();
                ByteBuffer h = ByteBuffer.wrap(descriptors.buf, 0, descriptors.flushedLength);
                int count = descriptors.flushedLength / PageDescriptor.SIZE;
                int pages = 0;
                long size = count > 0 ? h.getInt(8) : 0;
                while (pages < count && size <= fileEnd - data.offset) {
                    pages++;
                    if (pages < count) {
                        size += h.getInt(pages * PageDescriptor.SIZE + 8);
                    }
                }
                descriptors.offset = headerOffset;
                zeroDescriptors(descriptors, pages * PageDescriptor.SIZE, out);
            }
            throw e;
        }
    }

    /** Writes zeros over descriptor bytes [from, flushed) of the last flush; a failure here changes nothing. */
    private static void zeroDescriptors(Cache descriptors, int from, KdumpOutput out) {
        int n = descriptors.flushedLength - from;
        if (n <= 0) {
            return;
        }
        try {
            out.rewrite(descriptors.offset + from, new byte[n]);
        } catch (IOException ignored) {
            // the disk is full: what could not be zeroed was not written either
        }
    }

    private static Batch await(Future<Batch> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing pages");
        } catch (ExecutionException e) {
            // a read's failure keeps its type and message (an absent or unreadable page, say)
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Plans a batch of up to {@link #BATCH_PAGES} dumpable pages from {@code pfn} on, from the bitmap
     * alone; returns the next dumpable pfn after it, or -1.
     */
    private static long planBatch(PageBitmap dumpable, long pfn, Batch b) {
        long p = pfn;
        while (p >= 0 && b.count < BATCH_PAGES) {
            // a run of consecutive dumpable pages is one read
            long runEnd = Math.min(dumpable.nextClear(p), p + (BATCH_PAGES - b.count));
            int n = (int) (runEnd - p);
            b.runStart[b.runs] = p;
            b.runLength[b.runs] = n;
            b.runs++;
            for (int i = 0; i < n; i++) {
                b.pfns[b.count + i] = p + i;
            }
            b.count += n;
            p = dumpable.nextSet(runEnd);
        }
        return p;
    }

    /** Reads a planned batch (in its turn, when the source takes one reader at a time) and compresses it. */
    private Batch fill(MemorySource memory, Batch b, boolean zeroLevel, BlockingQueue<PageCompressor> compressors,
            ReadTurn turn) throws IOException {
        if (turn != null) {
            turn.await(b.sequence);
        }
        try {
            int at = 0;
            for (int r = 0; r < b.runs; r++) {
                int n = b.runLength[r] * PAGE_SIZE;
                memory.readFilled(b.runStart[r] * PAGE_SIZE, b.data, at, n);
                at += n;
            }
        } finally {
            if (turn != null) {
                turn.done();
            }
        }
        PageCompressor c = compressors.poll();
        try {
            int packed = 0;
            for (int i = 0; i < b.count; i++) {
                int off = i * PAGE_SIZE;
                if (zeroLevel && allZero(b.data, off)) {
                    b.zero[i] = true;
                    continue;
                }
                int n = c.compress(b.data, off);
                b.sizes[i] = n;
                if (n >= 0) {
                    System.arraycopy(c.output(), 0, b.packed, packed, n);
                    b.packedAt[i] = packed;
                    packed += n;
                }
            }
            return b;
        } finally {
            compressors.add(c);
        }
    }

    /** One page of zeros to compare with: {@code Arrays.mismatch} is vectorized, a byte loop is not. */
    private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

    static boolean allZero(byte[] b, int off) {
        return java.util.Arrays.mismatch(b, off, off + PAGE_SIZE, ZERO_PAGE, 0, PAGE_SIZE) < 0;
    }

    /**
     * The header's utsname: the 390 bytes at {@code SYMBOL(init_uts_ns) + OFFSET(uts_namespace.name)}, read
     * at that physical address (on s390x a kernel symbol's address is its physical one). A dump that does
     * not lead there (no VMCOREINFO, say, in a stand-alone dump of a system that never booted Linux) gets
     * what is known, so that readers can still tell the architecture: sysname "Linux", the OSRELEASE when
     * there is one (else "unknown"), version "unknown", machine "s390x".
     */
    static byte[] utsname(MemorySource memory, Optional<String> vmcoreinfo) {
        byte[] uts = new byte[DiskDumpHeader.UTSNAME_SIZE];
        Map<String, String> e = vmcoreinfo.map(v -> VmcoreinfoNote.parse(v).entries()).orElse(Map.of());
        try {
            long sym = Long.parseUnsignedLong(e.getOrDefault("SYMBOL(init_uts_ns)", ""), 16);
            long off = number(e.getOrDefault("OFFSET(uts_namespace.name)", "0"));
            memory.read(sym + off, uts, 0, uts.length);
            return uts;
        } catch (IOException | RuntimeException x) {
            java.util.Arrays.fill(uts, (byte) 0);
        }
        String[] fields = {"Linux", "", e.getOrDefault("OSRELEASE", "unknown"), "unknown", "s390x", ""};
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(f, 0, uts, i * DiskDumpHeader.UTS_FIELD, Math.min(f.length, DiskDumpHeader.UTS_FIELD - 1));
        }
        return uts;
    }

    /** A VMCOREINFO number as makedumpfile reads it: decimal, else hex. */
    static long number(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16);
        }
    }

    /** {@code CRASHTIME=} seconds, or 0 when absent (§1.2). */
    static long crashTime(Optional<String> vmcoreinfo) {
        return vmcoreinfo.flatMap(VmcoreinfoNote::crashTime).map(i -> i.getEpochSecond()).orElse(0L);
    }
}
