package io.sadump.cli;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.InjectionReport;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.UnreadablePages;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                    + "into a machine built the same way.",
            "--storage-error ADDR (no KIND) makes the 4 KiB storage page holding ADDR unreadable: an uncorrectable "
                    + "storage error, kept in the machine's storage.errors until --clear-storage-errors. Storage "
                    + "itself is not changed. A stand-alone dump goes on past such a page, writes it as the fill "
                    + "pattern 'PAGEERR!' + the page address (every 16 bytes) and names it on the console; the kdump "
                    + "kernel leaves it out of the vmcore (no PT_LOAD covers it)."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:injected (or listed)", "1:the machine lacks what KIND damages (e.g. no kdump kernel), or is "
                + "locked", "2:unknown KIND or a wrong option"},
        footer = {
            "",
            "Examples:",
            "  sadump inject --list",
            "  sadump inject sys1 segment-bitflip-initrd --seed 7",
            "  sadump inject sys1 meminfo-checksum-field --json",
            "  sadump inject sys1 --storage-error 0x2345000 --storage-error 0x3000000"
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

    @Option(names = "--storage-error", paramLabel = "ADDR",
            description = "make the storage page holding ADDR unreadable (repeatable; instead of KIND)")
    List<String> storageErrors = new ArrayList<>();

    @Option(names = "--clear-storage-errors", description = "make every storage page readable again")
    boolean clearStorageErrors;

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
        if (!storageErrors.isEmpty() || clearStorageErrors) {
            if (dir == null || kind != null) {
                throw new UsageException("--storage-error and --clear-storage-errors take DIR and no KIND "
                        + "(e.g. sadump inject sys1 --storage-error 0x2345000)");
            }
            return storageErrors(out);
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

    /** Adds (or clears) unreadable storage pages in the machine's {@code storage.errors}. */
    private int storageErrors(PrintWriter out) {
        List<Long> addresses = new ArrayList<>();
        for (String a : storageErrors) {
            addresses.add(MachineCreateCommand.parseLong(a, "--storage-error"));
        }
        MachineDirectory m = MachineDirectory.open(dir);
        long size = m.config().storageSize();
        for (long a : addresses) {
            if (a < 0 || a >= size) {
                throw new UsageException(String.format("--storage-error: 0x%X is outside the storage of %s (0x%X bytes)",
                        a, dir, size));
            }
        }
        UnreadablePages before;
        UnreadablePages after;
        try (MachineLock lock = m.lock()) {
            before = m.unreadablePages();
            after = clearStorageErrors ? UnreadablePages.NONE : before;
            for (long a : addresses) {
                try {
                    after = after.with(a);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--storage-error: " + e.getMessage());
                }
            }
            m.saveUnreadablePages(lock, after);
            m.appendConsole(lock, List.of(String.format("inject: %d storage page%s unreadable (%s)", after.count(),
                    after.count() == 1 ? "" : "s", pageList(after))));
        }
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.field("dir", dir.toString()).field("kind", "storage-error");
            j.name("unreadable_pages").beginArray();
            after.pages().forEach(p -> j.value(String.format("0x%X", p)));
            j.endArray();
            j.endObject().finish();
            return 0;
        }
        if (clearStorageErrors) {
            out.printf("cleared %d unreadable storage page%s of %s%n", before.count(), before.count() == 1 ? "" : "s",
                    dir);
        }
        for (long a : addresses) {
            long page = a & -UnreadablePages.PAGE_SIZE;
            out.printf("injected an uncorrectable storage error into %s: page 0x%X-0x%X cannot be read%n", dir, page,
                    page + UnreadablePages.PAGE_SIZE - 1);
        }
        out.printf("unreadable storage pages: %s%n", after.isEmpty() ? "none" : pageList(after));
        out.flush();
        return 0;
    }

    private static String pageList(UnreadablePages pages) {
        return pages.isEmpty() ? "none"
                : String.join(" ", pages.pages().stream().map(p -> String.format("0x%X", p)).toList());
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
