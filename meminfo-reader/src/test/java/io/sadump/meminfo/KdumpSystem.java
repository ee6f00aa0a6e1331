package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A valid production system for the verdict tests: 64 MiB of storage, crashkernel 16M@16M holding
 * purgatory, kernel, initrd and command line segments laid out as kexec-tools does for s390
 * (docs/abi.md §7), meminfo with VMCOREINFO and the segment table.
 */
final class KdumpSystem {
    static final long STORAGE = 64L << 20;
    static final long CK_BASE = 16L << 20;
    static final long CK_SIZE = 16L << 20;
    static final long MEMINFO_AT = 0x20_0000;
    static final long TABLE_AT = 0x20_1000;
    static final long VMCOREINFO_AT = 0x20_2000;

    static final int KERNEL = 0;
    static final int INITRD = 1;
    static final int CMDLINE = 2;
    static final int PURGATORY = 3;

    final AbsoluteStorage storage = AbsoluteStorage.inMemory(STORAGE);
    final MeminfoWriter writer;
    final List<KexecSegment> segments = new ArrayList<>();
    long entryPoint = Lowcore.IMAGE_ENTRY_KDUMP;

    KdumpSystem(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        writer = MeminfoWriter.create(storage, MEMINFO_AT);
        writer.setCrashkernel(CK_BASE, CK_SIZE);
        byte[] note = "OSRELEASE=6.1.0\nPAGESIZE=4096\n".getBytes(StandardCharsets.US_ASCII);
        storage.write(VMCOREINFO_AT, note);
        writer.addData(MeminfoEntryIndex.VMCOREINFO, VMCOREINFO_AT, note.length);
        load(rnd, CK_BASE + 0x10000, 0x7F0000, 0x523456, SegmentKind.KERNEL);
        load(rnd, CK_BASE + 0x800000, 0x200000, 0x1F0001, SegmentKind.INITRD);
        load(rnd, CK_BASE + 0xA00000, 0x1000, 0x41, SegmentKind.COMMAND_LINE);
        load(rnd, CK_BASE + 0x2000, 0xE000, 0x3000, SegmentKind.PURGATORY);
        publish();
    }

    private void load(SplittableRandom rnd, long mem, long memsz, long bufsz, SegmentKind kind) {
        byte[] buf = new byte[(int) bufsz];
        CksmTest.fill(rnd, buf);
        storage.write(mem, buf);
        storage.zero(mem + bufsz, memsz - bufsz);
        segments.add(writer.measureSegment(mem, memsz, bufsz, kind));
    }

    /** Writes the segment table (as now in {@link #segments}) and entry 13. */
    void publish() {
        writer.writeSegmentTable(TABLE_AT, new KexecSegmentTable(entryPoint, segments));
    }

    /** Moves or resizes segment {@code i}, re-measured so that only the layout is wrong, and publishes. */
    void replace(int i, long mem, long memsz, long bufsz, SegmentKind kind) {
        segments.set(i, storage.contains(mem, memsz) ? writer.measureSegment(mem, memsz, bufsz, kind)
                : new KexecSegment(mem, memsz, bufsz, kind, segments.get(i).sha256()));
        publish();
    }

    /** Stores {@code page} as is (csum recomputed) at the meminfo address. */
    void storePage(MeminfoPage page) {
        storage.write(MEMINFO_AT, page.withComputedChecksum().toBytes());
    }

    MeminfoPage page() {
        return MeminfoPage.read(storage.bytes(MEMINFO_AT, MeminfoPage.SIZE));
    }

    /** Writes raw table bytes at TABLE_AT and points entry 13 at them with a matching CKSM. */
    void storeRawTable(byte[] bytes) {
        storage.write(TABLE_AT, bytes);
        storePage(page().withEntry(MeminfoEntryIndex.KDUMP_SEGMENTS,
                MeminfoEntry.data(TABLE_AT, bytes.length, Cksm.of(bytes))));
    }

    byte[] tableBytes() {
        return new KexecSegmentTable(entryPoint, segments).toBytes();
    }

    void flipByte(long address) {
        storage.putU8(address, storage.u8(address) ^ 0x01);
    }
}
