package io.sadump.meminfo;

import static io.sadump.meminfo.KdumpSystem.CK_BASE;
import static io.sadump.meminfo.KdumpSystem.CK_SIZE;
import static io.sadump.meminfo.KdumpSystem.CMDLINE;
import static io.sadump.meminfo.KdumpSystem.INITRD;
import static io.sadump.meminfo.KdumpSystem.KERNEL;
import static io.sadump.meminfo.KdumpSystem.MEMINFO_AT;
import static io.sadump.meminfo.KdumpSystem.PURGATORY;
import static io.sadump.meminfo.KdumpSystem.TABLE_AT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.Lowcore;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each test breaks one thing in an otherwise valid system and asserts that exactly the check meant
 * for it fails (the verdict stops at the first failure, so no earlier check failed).
 */
class KdumpVerdictTest {
    private final KdumpSystem sys = new KdumpSystem(4711);

    private VerdictResult verdict() {
        return KdumpVerdict.evaluate(sys.storage);
    }

    private VerdictResult assertFails(VerdictCheck check, String messagePart) {
        VerdictResult r = verdict();
        assertThat(r.passed()).as(r.summary()).isFalse();
        assertThat(r.failedCheck()).as(r.summary()).contains(check);
        assertThat(r.code()).isEqualTo(check.code());
        assertThat(r.message()).contains(messagePart);
        assertThat(r.summary()).isEqualTo(String.format("FAIL 0x%04X: %s", check.code(), r.message()));
        return r;
    }

    // -- pass ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 4711})
    void validSystemPasses(long seed) {
        KdumpSystem s = new KdumpSystem(seed);
        VerdictResult r = KdumpVerdict.evaluate(s.storage);
        assertThat(r.passed()).as("seed %d: %s", seed, r.summary()).isTrue();
        assertThat(r.code()).isZero();
        assertThat(r.failedCheck()).isEmpty();
        assertThat(r.summary()).isEqualTo("PASS: kdump can start");
        assertThat(r.entryPoint()).isEqualTo(0x10010L);
        assertThat(r.meminfoPointer()).isEqualTo(MEMINFO_AT);
        assertThat(r.meminfo()).contains(s.writer.page());
        assertThat(r.meminfo().orElseThrow().versionMinor()).isEqualTo(2);
        assertThat(r.segmentTable().orElseThrow().segments()).isEqualTo(s.segments);
        assertThat(r.message()).contains("4 segments verified");
    }

    @Test
    void checkCodesAreTheDesignTable() {
        assertThat(VerdictCheck.values()).extracting(VerdictCheck::code)
                .containsExactly(0x4520, 0x4521, 0x4522, 0x4523, 0x4530, 0x4531, 0x4532, 0x4533);
        assertThat(VerdictCheck.values()).extracting(VerdictCheck::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    // -- 1: meminfo missing (0x4520) --------------------------------------------------------------

    @Test
    void check1PointerZero() {
        sys.storage.putU64(Lowcore.MEMINFO_POINTER, 0);
        VerdictResult r = assertFails(VerdictCheck.MEMINFO_MISSING, "pointer at 0x0E18 is 0");
        assertThat(r.meminfo()).isEmpty();
    }

    @Test
    void check1PointerNotAligned() {
        sys.storage.putU64(Lowcore.MEMINFO_POINTER, MEMINFO_AT + 8);
        assertFails(VerdictCheck.MEMINFO_MISSING, "0x200008 at 0x0E18 is not 4 KiB-aligned");
    }

    @Test
    void check1PointerOutsideStorage() {
        sys.storage.putU64(Lowcore.MEMINFO_POINTER, 64L << 20);
        assertFails(VerdictCheck.MEMINFO_MISSING, "0x4000000 at 0x0E18 lies outside storage");
        sys.storage.putU64(Lowcore.MEMINFO_POINTER, 0xFFFF_FFFF_FFFF_F000L);
        assertFails(VerdictCheck.MEMINFO_MISSING, "lies outside storage");
    }

    @Test
    void check1WrongMagic() {
        // The magic is outside the checksummed range, so only check 1 sees it.
        sys.storage.putU8(MEMINFO_AT, 'X');
        assertFails(VerdictCheck.MEMINFO_MISSING, "(\"XSINFOSZ\"), not \"OSINFOSZ\"");
    }

    // -- 2: meminfo checksum (0x4521) -----------------------------------------------------------

    @Test
    void check2HeaderChecksum() {
        sys.flipByte(MEMINFO_AT + 0xF00); // a reserved byte, covered by the csum
        VerdictResult r = assertFails(VerdictCheck.MEMINFO_CHECKSUM, "header checksum is 0x");
        assertThat(r.meminfo()).isPresent();
    }

    @Test
    void check2StoredChecksumChanged() {
        sys.storage.putU32(MEMINFO_AT + MeminfoPage.CSUM_OFFSET, 0);
        assertFails(VerdictCheck.MEMINFO_CHECKSUM, "header checksum is 0x00000000, computed 0x");
    }

    // -- 3: meminfo version (0x4522) ------------------------------------------------------------

    @Test
    void check3MajorVersionTooNew() {
        sys.storePage(sys.page().withVersion(2, 0));
        assertFails(VerdictCheck.MEMINFO_VERSION, "meminfo version 2.0: major version 2 is newer than the supported 1");
    }

    @Test
    void largerMinorVersionIsFine() {
        sys.storePage(sys.page().withVersion(1, 99));
        assertThat(verdict().passed()).isTrue();
    }

    // -- 4: no crashkernel (0x4523) -------------------------------------------------------------

    @Test
    void check4CrashkernelZero() {
        sys.writer.setCrashkernel(0, CK_SIZE);
        assertFails(VerdictCheck.NO_CRASHKERNEL, "meminfo names no crashkernel (address 0)");
    }

    @Test
    void check4CrashkernelSizeZero() {
        sys.writer.setCrashkernel(CK_BASE, 0);
        assertFails(VerdictCheck.NO_CRASHKERNEL, "is empty");
    }

    @Test
    void check4CrashkernelNotAligned() {
        sys.writer.setCrashkernel(CK_BASE + 0x1000, CK_SIZE);
        assertFails(VerdictCheck.NO_CRASHKERNEL, "crashkernel [0x1001000, +0x1000000) is not 1 MiB-aligned");
    }

    @Test
    void check4CrashkernelOutsideStorage() {
        sys.writer.setCrashkernel(56L << 20, 16L << 20);
        assertFails(VerdictCheck.NO_CRASHKERNEL, "crashkernel [0x3800000, +0x1000000) lies outside storage of 64M");
    }

    // -- 5: no kdump kernel loaded (0x4530) -----------------------------------------------------

    @Test
    void check5NoEntry13() {
        sys.writer.removeEntry(MeminfoEntryIndex.KDUMP_SEGMENTS);
        assertThat(sys.writer.page().versionMinor()).isEqualTo(1);
        assertFails(VerdictCheck.NO_KDUMP_KERNEL, "entry 13 (KDUMP_SEGMENTS) is empty");
    }

    // -- 6: segment table damaged (0x4531) ------------------------------------------------------

    @Test
    void check6TableOutsideStorage() {
        sys.storePage(sys.page().withEntry(MeminfoEntryIndex.KDUMP_SEGMENTS,
                MeminfoEntry.data((64L << 20) - 0x40, 0x120, 0)));
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "named by meminfo entry 13 lies outside storage");
    }

    @Test
    void check6TableChecksum() {
        sys.flipByte(TABLE_AT + 0x30); // bufsz of segment 0
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "segment table [0x201000, +288): checksum is 0x");
    }

    @Test
    void check6TableMagic() {
        byte[] t = sys.tableBytes();
        t[0] = 'k';
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "magic");
    }

    @Test
    void check6TableVersion() {
        byte[] t = sys.tableBytes();
        ByteBuffer.wrap(t).putInt(KexecSegmentTable.VERSION_OFFSET, 2);
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "segment table version is 2, expected 1");
    }

    @Test
    void check6TableCountZero() {
        byte[] t = sys.tableBytes();
        ByteBuffer.wrap(t).putInt(KexecSegmentTable.COUNT_OFFSET, 0);
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "count is 0, expected 1..16");
    }

    @Test
    void check6TableCountLargerThanTheEntry() {
        byte[] t = sys.tableBytes();
        ByteBuffer.wrap(t).putInt(KexecSegmentTable.COUNT_OFFSET, 5);
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "5 segments");
    }

    @Test
    void check6EntrySizeLargerThanTheTable() {
        byte[] t = java.util.Arrays.copyOf(sys.tableBytes(), sys.tableBytes().length + 64);
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "entry 13 gives 352 bytes but a table of 4 segments has 288");
    }

    @Test
    void check6EntrySizeImpossible() {
        sys.storeRawTable(new byte[8]);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "a table of 1..16 segments has 96..1056 bytes");
    }

    @Test
    void check6UnknownSegmentKind() {
        byte[] t = sys.tableBytes();
        ByteBuffer.wrap(t).putLong(0x20 + 64 * INITRD + KexecSegment.KIND_OFFSET, 7);
        sys.storeRawTable(t);
        assertFails(VerdictCheck.SEGMENT_TABLE_DAMAGED, "segment 1: unknown segment kind 7");
    }

    // -- 7: segment layout invalid (0x4532) -----------------------------------------------------

    @Test
    void check7SegmentOutsideCrashkernel() {
        sys.replace(INITRD, CK_BASE + CK_SIZE - 0x100000, 0x200000, 0x1000, SegmentKind.INITRD);
        VerdictResult r = assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID,
                "segment 1 (initrd) [0x1F00000, +0x200000) lies outside crashkernel memory [0x1000000, 0x2000000)");
        assertThat(r.segmentIndex()).hasValue(INITRD);
    }

    @Test
    void check7SegmentBelowCrashkernel() {
        sys.replace(CMDLINE, CK_BASE - 0x1000, 0x1000, 0x41, SegmentKind.COMMAND_LINE);
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "segment 2 (cmdline)");
    }

    @Test
    void check7Overlap() {
        sys.replace(CMDLINE, CK_BASE + 0x800000 + 0x1FF000, 0x2000, 0x41, SegmentKind.COMMAND_LINE);
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "segment 1 (initrd) and segment 2 (cmdline) overlap at 0x19FF000");
    }

    @Test
    void check7BufszLargerThanMemsz() {
        sys.replace(CMDLINE, CK_BASE + 0xA00000, 0x1000, 0x1001, SegmentKind.COMMAND_LINE);
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "segment 2 (cmdline): bufsz 0x1001 exceeds memsz 0x1000");
    }

    @Test
    void check7EntryPointOutsideKernel() {
        sys.entryPoint = 0x900000; // inside the initrd before the swap
        sys.publish();
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID,
                "kdump entry point 0x900000 (0x1900000 before the swap) lies outside segment 0 (kernel)");
    }

    @Test
    void check7EntryPointBeyondCrashkernel() {
        sys.entryPoint = -0x10000L; // would wrap around to below the base
        sys.publish();
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "lies outside segment 0 (kernel)");
    }

    @Test
    void check7NoKernelSegment() {
        sys.replace(KERNEL, CK_BASE + 0x10000, 0x7F0000, 0x523456, SegmentKind.OTHER);
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "no kernel segment");
    }

    @Test
    void check7TwoKernelSegments() {
        sys.replace(INITRD, CK_BASE + 0x800000, 0x200000, 0x1F0001, SegmentKind.KERNEL);
        assertFails(VerdictCheck.SEGMENT_LAYOUT_INVALID, "segment 0 (kernel) and segment 1 (kernel) are both kernel");
    }

    // -- 8: segment corrupted (0x4533) ----------------------------------------------------------

    @Test
    void check8InitrdCorrupted() {
        sys.flipByte(sys.segments.get(INITRD).mem() + 0x1234);
        VerdictResult r = assertFails(VerdictCheck.SEGMENT_CORRUPTED,
                "segment 1 (initrd) corrupted: SHA-256 mismatch over [0x1800000, 0x1A00000)");
        assertThat(r.segmentIndex()).hasValue(INITRD);
        assertThat(r.segmentKind()).contains(SegmentKind.INITRD);
        assertThat(r.segmentTable()).isPresent();
    }

    @Test
    void check8ZeroTailOfKernelCorrupted() {
        KexecSegment k = sys.segments.get(KERNEL);
        sys.storage.putU8(k.mem() + k.bufsz() + 5, 0x42); // beyond bufsz: must still be zero
        VerdictResult r = assertFails(VerdictCheck.SEGMENT_CORRUPTED, "segment 0 (kernel) corrupted");
        assertThat(r.segmentKind()).contains(SegmentKind.KERNEL);
    }

    @Test
    void check8FirstCorruptedSegmentInTableOrderDecides() {
        sys.flipByte(sys.segments.get(PURGATORY).mem());
        sys.flipByte(sys.segments.get(CMDLINE).mem());
        VerdictResult r = assertFails(VerdictCheck.SEGMENT_CORRUPTED, "segment 2 (cmdline) corrupted");
        assertThat(r.segmentIndex()).hasValue(CMDLINE);
    }

    @Test
    void changesOutsideTheSegmentsDoNotMatter() {
        sys.storage.putU64(40L << 20, 0xDEADBEEFL);
        sys.storage.putU8(CK_BASE + 0xF00000, 1); // crashkernel memory no segment uses
        assertThat(verdict().passed()).isTrue();
    }

    @Test
    void entryPointOnlyOnPass() {
        sys.flipByte(sys.segments.get(INITRD).mem());
        VerdictResult r = verdict();
        org.assertj.core.api.Assertions.assertThatThrownBy(r::entryPoint).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FAIL 0x4533");
        assertThat(List.of(r.failedCheck().orElseThrow().shortName())).containsExactly("segment corrupted");
    }
}
