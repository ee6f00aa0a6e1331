package io.sadump.dump.kdump;

import io.sadump.dump.TestMemory;
import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** A seeded system for kdump-compressed tests: storage with init_uts_ns, CPUs, VMCOREINFO, and a hole. */
final class KdumpTestSystem {
    static final long MIB = TestMemory.MIB;
    static final int PAGE = KdumpCompressedWriter.PAGE_SIZE;
    static final long UTS = 0x215000;

    final AbsoluteStorage storage;
    final List<CpuState> cpus;
    final MemorySource memory;
    final DumpMetadata metadata;
    final String vmcoreinfo;

    /** {@code size} bytes of MIXED storage; memory [holeStart, holeEnd) is left out of the source. */
    KdumpTestSystem(long size, long seed, long holeStart, long holeEnd) {
        storage = TestMemory.storage(TestMemory.Workload.MIXED, size, seed);
        cpus = TestMemory.cpus(storage, 2, seed);
        byte[] uts = new byte[DiskDumpHeader.UTSNAME_SIZE];
        String[] f = {"Linux", "sadump-" + seed, "6.1.0-sadump", "#1 SMP Debian 6.1.192-3", "s390x", "(none)"};
        for (int i = 0; i < f.length; i++) {
            byte[] b = f[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, uts, i * DiskDumpHeader.UTS_FIELD, b.length);
        }
        storage.write(UTS, uts);
        vmcoreinfo = "OSRELEASE=6.1.0-sadump\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=" + Long.toHexString(UTS)
                + "\nOFFSET(uts_namespace.name)=0\nCRASHTIME=1700000123\n";
        MemorySource whole = new StorageMemorySource(storage);
        if (holeEnd > holeStart) {
            List<MemoryChunk> chunks = new ArrayList<>();
            for (MemoryChunk c : whole.chunks()) {
                if (c.start() < holeStart) {
                    long end = Math.min(c.end(), holeStart);
                    chunks.add(MemoryChunk.data(c.start(), end - c.start(), c.data()));
                }
                if (c.end() > holeEnd) {
                    long start = Math.max(c.start(), holeEnd);
                    chunks.add(MemoryChunk.data(start, c.end() - start, c.data().from(start - c.start())));
                }
            }
            memory = MemorySource.of(chunks, size);
        } else {
            memory = whole;
        }
        metadata = DumpMetadata.of(cpus, Optional.of(vmcoreinfo));
    }

    /** A selection that keeps each present page with probability {@code keep} (seeded), at {@code level}. */
    static PageSelection randomSelection(MemorySource memory, int level, double keep, long seed) {
        PageBitmap present = PresentPageSelection.presentPages(memory, PAGE);
        PageBitmap kept = new PageBitmap(present.pfns());
        SplittableRandom r = new SplittableRandom(seed);
        for (long p = present.nextSet(0); p >= 0; p = present.nextSet(p + 1)) {
            if (r.nextDouble() < keep) {
                kept.set(p);
            }
        }
        kept.index();
        return new PageSelection() {
            @Override
            public long maxMapnr() {
                return kept.pfns();
            }

            @Override
            public boolean kept(long pfn) {
                return kept.get(pfn);
            }

            @Override
            public long nextKept(long pfn) {
                return kept.nextSet(pfn);
            }

            @Override
            public int dumpLevel() {
                return level;
            }
        };
    }

    KdumpCompressedWriter.Result writeFile(Path file, PageSelection sel, KdumpCompressedWriter.Options o)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            return new KdumpCompressedWriter(o).write(memory, metadata, KdumpNotes.built(metadata), sel,
                    new KdumpFileOutput(ch));
        }
    }

    byte[] writeFlattened(PageSelection sel, KdumpCompressedWriter.Options o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new KdumpCompressedWriter(o).write(memory, metadata, KdumpNotes.built(metadata), sel,
                new FlattenedOutput(Channels.newChannel(bytes)));
        return bytes.toByteArray();
    }
}
