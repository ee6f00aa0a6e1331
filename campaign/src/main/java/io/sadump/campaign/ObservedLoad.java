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
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A load that was run by {@link HmcLoad}: the outcome, and the per-MiB reference of storage taken when the
 * dump started (empty when no dump started, e.g. a clear load).
 */
public record ObservedLoad(MachineDirectory machine, LoadRequest request, LoadOutcome outcome,
        Optional<MebibyteDigests> atDump) {
    public ObservedLoad {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(atDump, "atDump");
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
     * Reads the dump back (the vmcore file, or the s390_ext dump on the DASD the load wrote) and compares it
     * with the digests taken when the dump started.
     *
     * @throws IllegalStateException when no dump was started or written, or it is of a kind this cannot read
     *     back (a classic dump on tape, a multi-volume s390_ext dump)
     */
    public DumpComparison compareDump() throws IOException {
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

    private CrashkernelRange crashkernel() {
        return outcome.verdict().flatMap(v -> v.meminfo())
                .map(p -> new CrashkernelRange(p.crashkernelAddr(), p.crashkernelSize()))
                .orElseThrow(() -> new IllegalStateException("a vmcore without a passing verdict"));
    }
}
