package io.sadump.campaign.assertions;

import io.sadump.dump.DumpFormat;
import io.sadump.campaign.ObservedLoad;
import io.sadump.ipl.AfterDump;
import io.sadump.ipl.LoadOutcome;
import io.sadump.meminfo.SegmentKind;
import io.sadump.meminfo.VerdictResult;
import java.io.IOException;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent AssertJ assertions on a load run by {@link io.sadump.campaign.HmcLoad}. A failure message says
 * what the load did (its verdict and reason) and, for the dump, which MiBs differ.
 *
 * <pre>{@code
 * assertThat(load).fellBack().withCode(0x4533).namingSegment(SegmentKind.KERNEL).dumpMatchesStorage();
 * assertThat(load).startedKdump().dumpMatchesStorage();
 * }</pre>
 */
public final class LoadAssert extends AbstractAssert<LoadAssert, ObservedLoad> {
    LoadAssert(ObservedLoad actual) {
        super(actual, LoadAssert.class);
    }

    private LoadOutcome outcome() {
        isNotNull();
        return actual.outcome();
    }

    private String what() {
        LoadOutcome o = outcome();
        return o.trigger() + ": " + o.verdict().map(VerdictResult::summary).orElse("no verdict") + "; " + o.reason();
    }

    /** The verdict failed and the stand-alone dump was written (s390_ext on DASD, classic on tape). */
    public LoadAssert fellBack() {
        LoadOutcome o = outcome();
        if (o.verdict().isEmpty() || o.verdict().get().passed()) {
            failWithMessage("Expected the dumper to fall back to the stand-alone dump, but %s", what());
        }
        if (!o.wrote(DumpFormat.S390_EXT) && !o.wrote(DumpFormat.S390_MV_EXT) && !o.wrote(DumpFormat.S390_TAPE)) {
            failWithMessage("Expected a stand-alone dump after the failed verdict, but it wrote %s (%s)",
                    o.dumpWord(), what());
        }
        return this;
    }

    /** The verdict failed with {@code code} (e.g. 0x4533). */
    public LoadAssert withCode(int code) {
        LoadOutcome o = outcome();
        if (o.verdictCode() != code) {
            failWithMessage("Expected verdict code 0x%04X, but %s", code, what());
        }
        return this;
    }

    /** The verdict names a segment of {@code kind} (a 0x4533 segment corruption, or a layout failure). */
    public LoadAssert namingSegment(SegmentKind kind) {
        Optional<SegmentKind> named = outcome().verdict().flatMap(VerdictResult::segmentKind);
        if (!named.equals(Optional.of(kind))) {
            failWithMessage("Expected the verdict to name the %s segment, but it names %s (%s)", kind.label(),
                    named.map(SegmentKind::label).orElse("none"), what());
        }
        return this;
    }

    /** The verdict passed and the kdump kernel wrote a vmcore. */
    public LoadAssert startedKdump() {
        LoadOutcome o = outcome();
        if (o.verdict().isEmpty() || !o.verdict().get().passed() || !o.wrote(DumpFormat.ELF)) {
            failWithMessage("Expected kdump to start and write a vmcore, but %s", what());
        }
        return this;
    }

    /** The dump was written completely (no "Device too small", no I/O error). */
    public LoadAssert dumpComplete() {
        LoadOutcome o = outcome();
        if (!o.dumpComplete() || o.dumpCode() != 0) {
            failWithMessage("Expected a complete dump, but the dump code is 0x%04X (%s)", o.dumpCode(), what());
        }
        return this;
    }

    /** The dump failed with the dumper's {@code code} (e.g. 0x4600 "Device too small"). */
    public LoadAssert dumpFailedWith(int code) {
        LoadOutcome o = outcome();
        if (o.dumpCode() != code) {
            failWithMessage("Expected the dump to fail with 0x%04X, but its code is 0x%04X (%s)", code, o.dumpCode(),
                    what());
        }
        return this;
    }

    /** How the machine ended: re-IPLed, disabled wait, stopped. */
    public LoadAssert endedIn(AfterDump after) {
        LoadOutcome o = outcome();
        if (o.after() != after) {
            failWithMessage("Expected the machine to end in %s, but it ended in %s (%s)", after.word(), o.after().word(),
                    what());
        }
        return this;
    }

    /**
     * The dump reads back equal, MiB by MiB, to storage when the dump started; a vmcore leaves out exactly the
     * crashkernel range. A filtered vmcore (the core collector is makedumpfile) is compared page by page: it
     * holds exactly the pages its dump level keeps, each equal to storage ({@link
     * ObservedLoad#compareFilteredDump()}). Implies a complete dump.
     */
    public LoadAssert dumpMatchesStorage() {
        dumpComplete();
        if (actual.wroteFilteredVmcore()) {
            try {
                ObservedLoad.FilteredComparison f = actual.compareFilteredDump();
                if (!f.matches()) {
                    failWithMessage("Expected the filtered dump to hold what its dump level keeps of storage, but %s",
                            f.describe());
                }
            } catch (IOException | RuntimeException e) {
                failWithMessage("Expected the filtered dump to match storage, but it cannot be read back: %s",
                        e.getMessage());
            }
            return this;
        }
        ObservedLoad.DumpComparison c;
        try {
            c = actual.compareDump();
        } catch (IOException e) {
            failWithMessage("Expected the dump to match storage, but it cannot be read back: %s", e.getMessage());
            return this;
        } catch (IllegalStateException e) {
            failWithMessage("Expected the dump to match storage, but %s", e.getMessage());
            return this;
        }
        if (!c.matches()) {
            failWithMessage("Expected the dump to read back as storage was when the dump started, but %s",
                    c.describe());
        }
        return this;
    }
}
