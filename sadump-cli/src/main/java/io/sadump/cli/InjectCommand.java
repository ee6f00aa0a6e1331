package io.sadump.cli;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump inject DIR KIND}: damages a machine the way the corruption catalogue names. */
@Command(
        name = "inject",
        header = "Damage a machine as the corruption catalogue names (--list).",
        mixinStandardHelpOptions = true,
        description = {
            "Damages the storage of DIR in one of the ways the dump path can meet, deterministically for a seed, and "
                    + "prints exactly what changed (address, old bytes, new bytes), the verdict the kind must produce "
                    + "on a passing system, and the verdict now. 'sadump inject --list' lists every kind.",
            "Where a field is protected by a checksum that is not the subject of the kind, the checksum is "
                    + "recomputed, so the verdict fails at exactly the intended check. The controls flip a bit in "
                    + "memory nothing checksums and must leave the verdict as it was.",
            "To undo, reboot the machine or re-create it; to reproduce, inject the same kind with the same seed "
                    + "into a machine built the same way."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:injected (or listed)", "1:the machine lacks what KIND damages (e.g. no kdump kernel), or is "
                + "locked", "2:unknown KIND or a wrong option"},
        footer = {
            "",
            "Examples:",
            "  sadump inject --list",
            "  sadump inject sys1 segment-bitflip-initrd --seed 7",
            "  sadump inject sys1 meminfo-checksum-field --json"
        })
final class InjectCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KIND", description = "the injection kind (see --list)")
    String kind;

    @Option(names = "--list", description = "list every kind with the verdict it produces")
    boolean list;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "chooses the byte and bit (default: ${DEFAULT-VALUE})")
    String seed;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            if (dir != null) {
                throw new UsageException("--list takes no DIR or KIND");
            }
            list(out);
            return 0;
        }
        if (dir == null || kind == null) {
            throw new UsageException("give DIR and KIND, or --list (e.g. sadump inject sys1 segment-bitflip-kernel)");
        }
        Corruption c = Corruption.byName(kind);
        long seedValue = MachineCreateCommand.parseLong(seed, "--seed");
        MachineDirectory m = MachineDirectory.open(dir);
        VerdictResult before;
        InjectionReport report;
        VerdictResult after;
        try (MachineLock lock = m.lock()) {
            try (FileStorage s = m.openStorage(lock)) {
                before = KdumpVerdict.evaluate(s);
            }
            report = CorruptionCatalogue.inject(m, lock, c, seedValue);
            try (FileStorage s = m.openStorage(lock)) {
                after = KdumpVerdict.evaluate(s);
            }
        }
        boolean asExpected = c.isControl() ? after.summary().equals(before.summary())
                : after.failedCheck().equals(c.expected());
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.field("dir", dir.toString()).field("kind", c.kindName()).field("seed", seedValue)
                    .field("description", report.description());
            j.name("expected").beginObject().field("passed", c.isControl())
                    .field("code", c.expected().map(v -> (long) v.code()).orElse(0L))
                    .field("text", c.expectedText()).endObject();
            j.name("changes").beginArray();
            report.changes().forEach(ch -> j.beginObject().field("address", ch.address())
                    .field("before", ch.beforeHex()).field("after", ch.afterHex()).endObject());
            j.endArray();
            j.name("verdict_before").beginObject().field("passed", before.passed()).field("code", before.code())
                    .field("summary", before.summary()).endObject();
            j.name("verdict").beginObject().field("passed", after.passed()).field("code", after.code())
                    .field("summary", after.summary()).endObject();
            j.field("as_expected", asExpected);
            j.endObject().finish();
            return 0;
        }
        out.printf("injected %s into %s (seed %d): %s%n", c.kindName(), dir, seedValue, report.description());
        report.changes().forEach(ch -> out.printf("  %s%n", ch));
        out.printf("expected: %s%n", c.expectedText());
        out.printf("verdict:  %s%n", after.summary());
        if (!asExpected && !before.passed()) {
            out.printf("note: the verdict was already %s before; the expectation holds for a system that passed%n",
                    before.summary());
        }
        out.flush();
        return 0;
    }

    private void list(PrintWriter out) {
        if (json) {
            JsonWriter j = new JsonWriter(out).beginArray();
            for (Corruption c : CorruptionCatalogue.kinds()) {
                j.beginObject().field("kind", c.kindName()).field("control", c.isControl())
                        .field("code", c.expected().map(v -> (long) v.code()).orElse(0L))
                        .field("expected", c.expectedText()).field("damages", c.summary()).endObject();
            }
            j.endArray().finish();
            return;
        }
        int width = CorruptionCatalogue.kinds().stream().mapToInt(c -> c.kindName().length()).max().orElse(10);
        int vwidth = CorruptionCatalogue.kinds().stream().mapToInt(c -> c.expectedText().length()).max().orElse(10);
        String format = "%-" + width + "s  %-" + vwidth + "s  %s%n";
        out.printf(format, "KIND", "VERDICT", "DAMAGES");
        for (Corruption c : CorruptionCatalogue.kinds()) {
            out.printf(format, c.kindName(), c.expectedText(), c.summary());
        }
        out.flush();
    }
}
