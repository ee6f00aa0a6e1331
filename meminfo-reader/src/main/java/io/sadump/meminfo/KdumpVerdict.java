package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.Sizes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The IPL-time dumper's single decision point: may kdump start? Runs the checks of docs/abi.md §8
 * ("The verdict") in order; the first failure decides. Checks 1-4 are zipl's {@code os_info_check}
 * with its codes (docs/abi.md §8), checks 5-8 are sadump's (entry 13 and the
 * kexec segment table, whose SHA-256 digests stand in for purgatory's, docs/abi.md §1.2).
 *
 * <p>Reads storage only; segment digests are streamed in bounded chunks, on all cores at once ({@link
 * SegmentDigests}).
 */
public final class KdumpVerdict {
    /** Crashkernel base and size must be multiples of 1 MiB (zgetdump {@code kdump_init}, docs/abi.md §9.3). */
    public static final long CRASHKERNEL_ALIGNMENT = Sizes.MIB;

    private KdumpVerdict() {}

    /** Runs checks 1..8 against {@code storage}. Storage I/O failures propagate as exceptions. */
    public static VerdictResult evaluate(AbsoluteStorage storage) {
        return evaluate(storage, new SegmentDigests(storage));
    }

    /**
     * Runs checks 1..8 against {@code storage}, taking segment digests from {@code digests} (which keeps
     * them for a report of the same storage). Storage I/O failures propagate as exceptions.
     */
    public static VerdictResult evaluate(AbsoluteStorage storage, SegmentDigests digests) {
        // 1: pointer non-zero, 4 KiB-aligned, inside storage; magic.
        if (!storage.contains(Lowcore.MEMINFO_POINTER, 8)) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_MISSING, String.format(
                    "storage of %s ends before the meminfo pointer at 0x%04X", Sizes.format(storage.size()),
                    Lowcore.MEMINFO_POINTER), 0, null, null);
        }
        long pointer = storage.u64(Lowcore.MEMINFO_POINTER);
        if (pointer == 0) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_MISSING, String.format(
                    "no meminfo: the pointer at 0x%04X is 0", Lowcore.MEMINFO_POINTER), pointer, null, null);
        }
        if ((pointer & (MeminfoPage.ALIGNMENT - 1)) != 0) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_MISSING, String.format(
                    "meminfo pointer 0x%X at 0x%04X is not 4 KiB-aligned", pointer, Lowcore.MEMINFO_POINTER),
                    pointer, null, null);
        }
        if (!storage.contains(pointer, MeminfoPage.SIZE)) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_MISSING, String.format(
                    "meminfo pointer 0x%X at 0x%04X lies outside storage of %s", pointer, Lowcore.MEMINFO_POINTER,
                    Sizes.format(storage.size())), pointer, null, null);
        }
        MeminfoPage page = MeminfoPage.read(ByteBuffer.wrap(storage.bytes(pointer, MeminfoPage.SIZE)));
        if (!page.magicValid()) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_MISSING, String.format(
                    "no meminfo at 0x%X: magic is 0x%016X (\"%s\"), not \"OSINFOSZ\"", pointer, page.magic(),
                    page.magicText()), pointer, null, null);
        }

        // 2: header CKSM over [0x0C, 0x1000).
        int computed = page.computeChecksum();
        if (computed != page.csum()) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_CHECKSUM, String.format(
                    "meminfo at 0x%X: header checksum is 0x%08X, computed 0x%08X", pointer, page.csum(), computed),
                    pointer, page, null);
        }

        // 3: version_major <= 1 (a larger minor is fine).
        if (page.versionMajor() > MeminfoPage.VERSION_MAJOR) {
            return VerdictResult.fail(VerdictCheck.MEMINFO_VERSION, String.format(
                    "meminfo version %d.%d: major version %d is newer than the supported %d", page.versionMajor(),
                    page.versionMinor(), page.versionMajor(), MeminfoPage.VERSION_MAJOR), pointer, page, null);
        }

        // 4: crashkernel non-zero, 1 MiB-aligned, inside storage.
        long ckBase = page.crashkernelAddr();
        long ckSize = page.crashkernelSize();
        if (ckBase == 0) {
            return VerdictResult.fail(VerdictCheck.NO_CRASHKERNEL, "meminfo names no crashkernel (address 0)", pointer,
                    page, null);
        }
        if (ckSize == 0) {
            return VerdictResult.fail(VerdictCheck.NO_CRASHKERNEL, crashkernel(ckBase, ckSize) + " is empty (size 0)",
                    pointer, page, null);
        }
        if (ckBase % CRASHKERNEL_ALIGNMENT != 0 || ckSize % CRASHKERNEL_ALIGNMENT != 0) {
            return VerdictResult.fail(VerdictCheck.NO_CRASHKERNEL,
                    crashkernel(ckBase, ckSize) + " is not 1 MiB-aligned", pointer, page, null);
        }
        if (!storage.contains(ckBase, ckSize)) {
            return VerdictResult.fail(VerdictCheck.NO_CRASHKERNEL, crashkernel(ckBase, ckSize)
                    + " lies outside storage of " + Sizes.format(storage.size()), pointer, page, null);
        }
        long ckEnd = ckBase + ckSize;

        // 5: entry 13 present.
        MeminfoEntry e13 = page.entry(MeminfoEntryIndex.KDUMP_SEGMENTS);
        if (e13.isAbsent()) {
            return VerdictResult.fail(VerdictCheck.NO_KDUMP_KERNEL,
                    "no kdump kernel loaded: meminfo entry 13 (KDUMP_SEGMENTS) is empty", pointer, page, null);
        }

        // 6: entry 13 inside storage, its CKSM, then the table's magic, version and count.
        if (!storage.contains(e13.addr(), e13.size())) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_TABLE_DAMAGED, segmentTable(e13)
                    + " named by meminfo entry 13 lies outside storage of " + Sizes.format(storage.size()), pointer,
                    page, null);
        }
        int tableCksm = Cksm.of(storage, e13.addr(), e13.size());
        if (tableCksm != e13.csum()) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_TABLE_DAMAGED, String.format(
                    "%s: checksum is 0x%08X, entry 13 says 0x%08X", segmentTable(e13), tableCksm, e13.csum()),
                    pointer, page, null);
        }
        int minSize = KexecSegmentTable.sizeFor(1);
        if (e13.size() < minSize || e13.size() > KexecSegmentTable.MAX_SIZE) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_TABLE_DAMAGED, String.format(
                    "%s: a table of 1..%d segments has %d..%d bytes", segmentTable(e13),
                    KexecSegmentTable.MAX_SEGMENTS, minSize, KexecSegmentTable.MAX_SIZE), pointer, page, null);
        }
        KexecSegmentTable table;
        try {
            table = KexecSegmentTable.read(ByteBuffer.wrap(storage.bytes(e13.addr(), (int) e13.size())));
        } catch (MeminfoFormatException e) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_TABLE_DAMAGED, segmentTable(e13) + ": " + e.getMessage(),
                    pointer, page, null);
        }
        if (table.size() != e13.size()) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_TABLE_DAMAGED, String.format(
                    "%s: entry 13 gives %d bytes but a table of %d segments has %d", segmentTable(e13), e13.size(),
                    table.segments().size(), table.size()), pointer, page, null);
        }

        // 7: layout.
        VerdictResult layout = checkLayout(table, ckBase, ckEnd, pointer, page);
        if (layout != null) {
            return layout;
        }

        // 8: SHA-256 of every segment; the first mismatch in table order is reported, though all are
        // hashed at once.
        List<KexecSegment> segments = table.segments();
        int bad = digests.firstMismatch(segments);
        if (bad >= 0) {
            KexecSegment s = segments.get(bad);
            return VerdictResult.failSegment(VerdictCheck.SEGMENT_CORRUPTED, String.format(
                    "%s corrupted: SHA-256 mismatch over [0x%X, 0x%X)", name(bad, s), s.mem(), s.end()), bad,
                    s.kind(), pointer, page, table);
        }
        // Built without a Formatter: its first use (a regular expression, locale data) costs a fresh
        // process tens of milliseconds, and a passing verdict formats nothing else.
        String passed = "kdump can start: " + segments.size() + " segments verified, entry point 0x"
                + Long.toHexString(table.entryPoint()).toUpperCase(Locale.ROOT);
        return VerdictResult.pass(passed, pointer, page, table);
    }

    private static VerdictResult checkLayout(KexecSegmentTable table, long ckBase, long ckEnd, long pointer,
            MeminfoPage page) {
        List<KexecSegment> segments = table.segments();
        for (int i = 0; i < segments.size(); i++) {
            KexecSegment s = segments.get(i);
            if (s.memsz() == 0) {
                return layoutFail(i, s, name(i, s) + " is empty (memsz 0)", pointer, page, table);
            }
            if (Long.compareUnsigned(s.bufsz(), s.memsz()) > 0) {
                return layoutFail(i, s, String.format("%s: bufsz 0x%X exceeds memsz 0x%X", name(i, s), s.bufsz(),
                        s.memsz()), pointer, page, table);
            }
            if (s.end() == -1 || Long.compareUnsigned(s.mem(), ckBase) < 0
                    || Long.compareUnsigned(s.end(), ckEnd) > 0) {
                return layoutFail(i, s, String.format("%s [0x%X, +0x%X) lies outside crashkernel memory [0x%X, 0x%X)",
                        name(i, s), s.mem(), s.memsz(), ckBase, ckEnd), pointer, page, table);
            }
        }
        // All segments are inside the crashkernel now, so signed comparisons are safe.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            order.add(i);
        }
        // A named comparator, not lambdas: linking those costs a fresh process milliseconds in the verdict.
        order.sort(new Comparator<Integer>() {
            @Override
            public int compare(Integer a, Integer b) {
                int byMem = Long.compare(segments.get(a).mem(), segments.get(b).mem());
                return byMem != 0 ? byMem : Integer.compare(a, b);
            }
        });
        for (int k = 0; k + 1 < order.size(); k++) {
            int a = order.get(k);
            int b = order.get(k + 1);
            if (segments.get(a).end() > segments.get(b).mem()) {
                int first = Math.min(a, b);
                int second = Math.max(a, b);
                return layoutFail(second, segments.get(second), String.format("%s and %s overlap at 0x%X",
                        name(first, segments.get(first)), name(second, segments.get(second)), segments.get(b).mem()),
                        pointer, page, table);
            }
        }
        int kernel = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).kind() == SegmentKind.KERNEL) {
                if (kernel >= 0) {
                    return layoutFail(i, segments.get(i), String.format("%s and %s are both kernel segments",
                            name(kernel, segments.get(kernel)), name(i, segments.get(i))), pointer, page, table);
                }
                kernel = i;
            }
        }
        if (kernel < 0) {
            return VerdictResult.fail(VerdictCheck.SEGMENT_LAYOUT_INVALID,
                    "the segment table has no kernel segment", pointer, page, table);
        }
        KexecSegment k = segments.get(kernel);
        long entry = table.entryPoint();
        // Before the swap the kdump kernel's absolute 0 sits at the crashkernel base.
        long before = ckBase + entry;
        if (Long.compareUnsigned(entry, ckEnd - ckBase) >= 0 || before < k.mem() || before >= k.end()) {
            return layoutFail(kernel, k, String.format(
                    "kdump entry point 0x%X (0x%X before the swap) lies outside %s [0x%X, 0x%X)", entry, before,
                    name(kernel, k), k.mem(), k.end()), pointer, page, table);
        }
        return null;
    }

    private static VerdictResult layoutFail(int index, KexecSegment s, String message, long pointer, MeminfoPage page,
            KexecSegmentTable table) {
        return VerdictResult.failSegment(VerdictCheck.SEGMENT_LAYOUT_INVALID, message, index, s.kind(), pointer, page,
                table);
    }

    /** "crashkernel [0x..., +0x...)": formatted only for a failure, as a passing verdict formats nothing. */
    private static String crashkernel(long base, long size) {
        return String.format("crashkernel [0x%X, +0x%X)", base, size);
    }

    /** "segment table [0x..., +N)", for a failure of check 6. */
    private static String segmentTable(MeminfoEntry e13) {
        return String.format("segment table [0x%X, +%s)", e13.addr(), Long.toUnsignedString(e13.size()));
    }

    /** "segment 1 (initrd)". */
    static String name(int index, KexecSegment s) {
        return "segment " + index + " (" + s.kind().label() + ")";
    }
}
