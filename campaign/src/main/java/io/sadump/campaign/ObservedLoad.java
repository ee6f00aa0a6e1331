package io.sadump.campaign;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpMedium;
import io.sadump.device.AttachedDevices;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.Sizes;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.kdump.KdumpCompressedReader;
import java.util.BitSet;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A load that was run by {@link HmcLoad}: the outcome, and the per-MiB reference of storage taken when the
 * dump started (empty when no dump started, e.g. a clear load); with a core collector that filters, also
 * the per-page reference a filtered vmcore is compared with.
 *
 * @param collector the kdump kernel's core collector in this load
 * @param pagesAtDump per-page digests when the dump started; present when the collector filters
 */
public record ObservedLoad(MachineDirectory machine, LoadRequest request, LoadOutcome outcome,
        Optional<MebibyteDigests> atDump, CoreCollector collector, Optional<PageDigests> pagesAtDump) {
    public ObservedLoad {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(atDump, "atDump");
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(pagesAtDump, "pagesAtDump");
    }

    /** Whether kdump ran and its core collector wrote a filtered kdump-compressed vmcore. */
    public boolean wroteFilteredVmcore() {
        return collector.filters() && outcome.wrote(DumpFormat.ELF);
    }

    /**
     * How the dump that was written compares with storage at dump time.
     *
     * @param dumpFormat what was read back
     * @param comparison MiB by MiB
     * @param expectedAbsent the MiBs the format leaves out on purpose (the crashkernel range of a vmcore)
     * @param cpus CPUs (save areas) the dump holds
     */
    public record DumpComparison(DumpFormat dumpFormat, MebibyteDigests.Comparison comparison, List<Long> expectedAbsent,
            int cpus) {
        /** Equal everywhere, and absent exactly where the format says. */
        public boolean matches() {
            return comparison.different().isEmpty() && comparison.absent().equals(expectedAbsent);
        }

        /** One line for a failure message or a campaign table. */
        public String describe() {
            return String.format("%s: %d MiB equal, %d MiB differ%s, %d MiB absent (expected %d)", dumpFormat.loadWord(),
                    comparison.equal(), comparison.different().size(),
                    comparison.different().isEmpty() ? "" : " (first at MiB " + comparison.different().get(0) + ")",
                    comparison.absent().size(), expectedAbsent.size());
        }
    }

    /**
     * How a filtered vmcore compares with storage at dump time and with the dump level's prediction.
     *
     * @param dumpLevel the dump level the file's sub-header records
     * @param presentPages frames of old memory the file's 1st bitmap marks
     * @param keptPages frames the file holds (its 2nd bitmap, as read back)
     * @param predictedPages frames the prediction keeps
     * @param differences what is wrong, the first of each kind with its pfn and page class; empty when it matches
     * @param cpus CPUs (save areas) the dump holds
     */
    public record FilteredComparison(CoreCollector collector, int dumpLevel, long presentPages, long keptPages,
            long predictedPages, List<String> differences, int cpus) {
        public FilteredComparison {
            differences = List.copyOf(differences);
        }

        /** Kept exactly as predicted, every kept page equal to storage, every other page absent. */
        public boolean matches() {
            return differences.isEmpty();
        }

        /** One line for a failure message or a campaign table. */
        public String describe() {
            return String.format("kdump-compressed (%s): %d of %d pages kept (predicted %d)%s", collector.commandLine(),
                    keptPages, presentPages, predictedPages,
                    differences.isEmpty() ? "" : "; " + String.join("; ", differences));
        }
    }

    /** {@link #compareFilteredDump(KeptPagePrediction)} with the prediction for this production system. */
    public FilteredComparison compareFilteredDump() throws IOException {
        return compareFilteredDump(KeptPagePrediction.of(machine, crashkernel(), collector.dumpLevel()));
    }

    /**
     * Reads the filtered vmcore back through the format registry and checks it page by page: the file is
     * kdump-compressed at the collector's dump level; the pages it holds are exactly those {@code
     * predicted} keeps (a page the level leaves out must be absent, not zero data); every page it holds
     * reads equal to storage when the dump started.
     *
     * @throws IllegalStateException when kdump did not write a filtered vmcore in this load
     */
    public FilteredComparison compareFilteredDump(KeptPagePrediction predicted) throws IOException {
        return compareFilteredDump(predicted, new BitSet());
    }

    /**
     * {@link #compareFilteredDump(KeptPagePrediction)}, where the frames of {@code decidedOtherwise} may be in
     * the dump or not (an injection changed their struct pages: {@link
     * KeptPagePrediction#framesDecidedOtherwise}); every page the dump holds must still equal storage.
     */
    public FilteredComparison compareFilteredDump(KeptPagePrediction predicted, BitSet decidedOtherwise)
            throws IOException {
        if (!wroteFilteredVmcore()) {
            throw new IllegalStateException("no filtered vmcore was written (" + outcome.reason() + ", core collector '"
                    + collector.commandLine() + "')");
        }
        PageDigests reference = pagesAtDump.orElseThrow(() -> new IllegalStateException(
                "no per-page reference was taken when the dump started"));
        Path vmcore = Path.of(outcome.paths().get(0));
        String name = vmcore.toString();
        List<String> differences = new ArrayList<>();
        KdumpCompressedReader.Summary summary;
        try (DumpBlockSource s = DumpBlockSource.of(FileChannel.open(vmcore))) {
            summary = KdumpCompressedReader.summary(s, name);
        } catch (DumpFormatException e) {
            differences.add("the vmcore is not a kdump-compressed file: " + e.getMessage());
            return new FilteredComparison(collector, -1, 0, 0, predicted.kept().cardinality(), differences, 0);
        }
        if (summary.dumpLevel() != collector.dumpLevel()) {
            differences.add("the file says dump level " + summary.dumpLevel() + ", the collector has -d "
                    + collector.dumpLevel());
        }
        if (summary.presentPages() != predicted.presentPages()) {
            differences.add("the 1st bitmap marks " + summary.presentPages() + " pages present, old memory has "
                    + predicted.presentPages());
        }
        try (ReadBackDump dump = DumpFormatRegistry.read(DumpBlockSource.of(FileChannel.open(vmcore)), name,
                DumpMedium.FILE)) {
            if (dump.format() != DumpFormat.KDUMP) {
                differences.add("the vmcore reads back as " + dump.format().loadWord() + ", not kdump-compressed");
            }
            dump.problem().ifPresent(p -> differences.add("the dump is not complete: " + p));
            BitSet kept = keptPages(dump.memory(), differences);
            long keptCount = kept.cardinality();
            BitSet wrong = (BitSet) kept.clone();
            wrong.xor(predicted.kept());
            wrong.andNot(decidedOtherwise);
            int pfn = wrong.nextSetBit(0);
            if (pfn >= 0) {
                differences.add(String.format("%d pages differ from the prediction, the first pfn 0x%X (%s): %s", wrong
                        .cardinality(), pfn, predicted.classOf(pfn), kept.get(pfn)
                                ? "in the dump, but dump level " + predicted.dumpLevel() + " leaves it out"
                                : predicted.present(pfn) ? "absent, but dump level " + predicted.dumpLevel() + " keeps it"
                                        : "outside old memory, yet predicted kept"));
            }
            firstChangedPage(dump.memory(), reference, predicted, differences);
            return new FilteredComparison(collector, summary.dumpLevel(), summary.presentPages(), keptCount,
                    predicted.kept().cardinality(), differences, dump.metadata().cpus().size());
        }
    }

    /** The frames a memory source holds; a chunk that does not cover whole pages is a difference. */
    private static BitSet keptPages(MemorySource memory, List<String> differences) {
        BitSet kept = new BitSet();
        for (MemoryChunk c : memory.chunks()) {
            if (c.start() % PageDigests.PAGE != 0 || c.size() % PageDigests.PAGE != 0) {
                differences.add(String.format("the dump holds [0x%X, 0x%X), not whole pages", c.start(), c.end()));
            }
            kept.set(Math.toIntExact(c.start() / PageDigests.PAGE),
                    Math.toIntExact((c.end() + PageDigests.PAGE - 1) / PageDigests.PAGE));
        }
        return kept;
    }

    /** Reads every page the dump holds and notes the first that is not what storage held at dump time. */
    private static void firstChangedPage(MemorySource memory, PageDigests reference, KeptPagePrediction predicted,
            List<String> differences) throws IOException {
        byte[] buf = new byte[(int) Sizes.MIB];
        long changed = 0;
        long first = -1;
        for (MemoryChunk c : memory.chunks()) {
            for (long a = c.start(); a < c.end(); ) {
                int n = (int) Math.min(buf.length, c.end() - a);
                memory.read(a, buf, 0, n);
                for (int off = 0; off + PageDigests.PAGE <= n; off += PageDigests.PAGE) {
                    long pfn = (a + off) / PageDigests.PAGE;
                    if (pfn >= reference.pages()
                            || PageDigests.crc(buf, off, PageDigests.PAGE) != reference.digest(pfn)) {
                        changed++;
                        if (first < 0) {
                            first = pfn;
                        }
                    }
                }
                a += n;
            }
        }
        if (first >= 0) {
            differences.add(String.format("%d kept pages differ from storage at dump time, the first pfn 0x%X (%s)",
                    changed, first, predicted.classOf(first)));
        }
    }

    /**
     * Reads the dump back (the vmcore file, or the s390_ext dump on the DASD the load wrote) and compares it
     * with the digests taken when the dump started.
     *
     * @throws IllegalStateException when no dump was started or written, or it is of a kind this cannot read
     *     back (a classic dump on tape, a multi-volume s390_ext dump)
     */
    public DumpComparison compareDump() throws IOException {
        if (wroteFilteredVmcore()) {
            throw new IllegalStateException("the vmcore was written by '" + collector.commandLine() + "': a filtered "
                    + "dump is compared page by page (compareFilteredDump), not MiB by MiB");
        }
        MebibyteDigests reference = atDump.orElseThrow(() -> new IllegalStateException(
                "no dump started in '" + outcome.trigger() + "' (" + outcome.reason() + ")"));
        DumpFormat format = outcome.dumpFormat().orElseThrow(() -> new IllegalStateException("no dump was written ("
                + outcome.reason() + "); there is nothing to read back"));
        switch (format) {
            case ELF -> {
                Path vmcore = Path.of(outcome.paths().get(0));
                CrashkernelRange ck = crashkernel();
                List<Long> left = new ArrayList<>();
                for (long f = ck.base() / Sizes.MIB; f < ck.end() / Sizes.MIB; f++) {
                    left.add(f);
                }
                try (ReadBackDump core = DumpFormatRegistry.read(DumpBlockSource.of(FileChannel.open(vmcore)),
                        vmcore.toString(), DumpMedium.FILE).requireComplete()) {
                    return new DumpComparison(format, reference.compare(core.memory()), List.copyOf(left),
                            core.metadata().cpus().size());
                }
            }
            case S390_EXT -> {
                if (outcome.paths().size() != 1) {
                    throw new IllegalStateException("the s390_ext dump spans " + outcome.paths().size()
                            + " volumes " + outcome.paths() + "; only single-volume dumps are read back here");
                }
                try (EckdDasd dasd = AttachedDevices.openDasd(machine, request.device());
                        ReadBackDump dump = DumpFormatRegistry.read(dasd.dumpPartition(),
                                request.device().toString(), DumpMedium.CKD_IMAGE).requireComplete()) {
                    return new DumpComparison(format, reference.compare(dump.memory()), List.of(),
                            dump.metadata().cpus().size());
                }
            }
            default -> throw new IllegalStateException("a " + outcome.dumpWord() + " dump ("
                    + outcome.reason() + ") is not read back here; vmcore and single-volume s390_ext are");
        }
    }

    /** The crashkernel range meminfo named when the verdict passed: what a vmcore leaves out. */
    CrashkernelRange crashkernel() {
        return outcome.verdict().flatMap(v -> v.meminfo())
                .map(p -> new CrashkernelRange(p.crashkernelAddr(), p.crashkernelSize()))
                .orElseThrow(() -> new IllegalStateException("a vmcore without a passing verdict"));
    }
}
