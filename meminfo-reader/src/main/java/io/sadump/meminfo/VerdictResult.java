package io.sadump.meminfo;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of {@link KdumpVerdict#evaluate}: pass (kdump can start) or the first failed check.
 *
 * @param failedCheck the check that failed; empty on pass
 * @param message a sentence for the operator, e.g. "segment 1 (initrd) corrupted: SHA-256 mismatch ..."
 * @param segmentIndex the failing segment for {@link VerdictCheck#SEGMENT_CORRUPTED} (and for layout
 *     failures that concern one segment)
 * @param segmentKind the kind of that segment
 * @param meminfoPointer the value read at lowcore 0x0E18 (0 when there was none)
 * @param meminfo the decoded page, present once check 1 passed
 * @param segmentTable the decoded table, present once check 6 passed
 */
public record VerdictResult(
        Optional<VerdictCheck> failedCheck,
        String message,
        OptionalInt segmentIndex,
        Optional<SegmentKind> segmentKind,
        long meminfoPointer,
        Optional<MeminfoPage> meminfo,
        Optional<KexecSegmentTable> segmentTable) {

    public VerdictResult {
        Objects.requireNonNull(failedCheck, "failedCheck");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(segmentIndex, "segmentIndex");
        Objects.requireNonNull(segmentKind, "segmentKind");
        Objects.requireNonNull(meminfo, "meminfo");
        Objects.requireNonNull(segmentTable, "segmentTable");
        if (failedCheck.isEmpty() && (meminfo.isEmpty() || segmentTable.isEmpty())) {
            throw new IllegalArgumentException("a passing verdict carries the meminfo page and the segment table");
        }
    }

    static VerdictResult pass(String message, long pointer, MeminfoPage page, KexecSegmentTable table) {
        return new VerdictResult(Optional.empty(), message, OptionalInt.empty(), Optional.empty(), pointer,
                Optional.of(page), Optional.of(table));
    }

    static VerdictResult fail(VerdictCheck check, String message, long pointer, MeminfoPage page,
            KexecSegmentTable table) {
        return new VerdictResult(Optional.of(check), message, OptionalInt.empty(), Optional.empty(), pointer,
                Optional.ofNullable(page), Optional.ofNullable(table));
    }

    static VerdictResult failSegment(VerdictCheck check, String message, int index, SegmentKind kind, long pointer,
            MeminfoPage page, KexecSegmentTable table) {
        return new VerdictResult(Optional.of(check), message, OptionalInt.of(index), Optional.of(kind), pointer,
                Optional.ofNullable(page), Optional.ofNullable(table));
    }

    public boolean passed() {
        return failedCheck.isEmpty();
    }

    /** The reason code of the failed check; 0 on pass. */
    public int code() {
        return failedCheck.map(VerdictCheck::code).orElse(0);
    }

    /**
     * The kdump kernel's entry point (absolute, after the swap).
     *
     * @throws IllegalStateException when the verdict failed
     */
    public long entryPoint() {
        if (!passed()) {
            throw new IllegalStateException("the verdict failed (" + summary() + "); there is no entry point to use");
        }
        return segmentTable.orElseThrow().entryPoint();
    }

    /** One line: {@code PASS: kdump can start} or {@code FAIL 0x4533: segment 1 (initrd) corrupted: ...}. */
    public String summary() {
        return passed() ? "PASS: kdump can start" : String.format("FAIL 0x%04X: %s", code(), message);
    }
}
