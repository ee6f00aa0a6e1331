package io.sadump.cli;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.Sizes;
import io.sadump.meminfo.Cksm;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.KexecSegmentTable;
import io.sadump.meminfo.MeminfoEntry;
import io.sadump.meminfo.MeminfoEntryIndex;
import io.sadump.meminfo.MeminfoFormatException;
import io.sadump.meminfo.MeminfoPage;
import io.sadump.meminfo.SegmentDigests;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump meminfo DIR [--json]}: decodes a machine's meminfo and prints the kdump verdict. */
@Command(
        name = "meminfo",
        header = "Decode a machine's meminfo page and kexec segment table.",
        mixinStandardHelpOptions = true,
        description = {
            "Decodes the meminfo of a machine, read-only: the pointer at absolute lowcore 0x0E18, the page's magic, "
                    + "header checksum (stored and computed), version and crashkernel, every present entry with its "
                    + "checksum status, and the kexec segment table of entry 13 (kinds, addresses, sizes, SHA-256 "
                    + "digests and whether storage still matches them).",
            "The last line is the verdict the IPL-time dumper would reach: 'PASS: kdump can start' or "
                    + "'FAIL 0x45xx: reason'. The checks run in this order and the first failure decides: "
                    + "0x4520 meminfo missing, 0x4521 meminfo checksum, 0x4522 meminfo version, 0x4523 no "
                    + "crashkernel, 0x4530 no kdump kernel loaded, 0x4531 segment table damaged, 0x4532 segment "
                    + "layout invalid, 0x4533 segment corrupted."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the meminfo was decoded and the verdict printed, whether it is PASS or FAIL",
            "1:DIR is not a machine directory, or its storage cannot be read"
        },
        footer = {
            "",
            "Examples:",
            "  sadump meminfo sys1",
            "  sadump meminfo sys1 --json | jq -r .verdict.summary"
        })
final class MeminfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Status of a checksum, a digest or a range, as printed. */
    enum Status {
        OK("ok"), MISMATCH("mismatch"), OUTSIDE_STORAGE("outside-storage"), VALUE("value");

        final String word;

        Status(String word) {
            this.word = word;
        }
    }

    record EntryReport(MeminfoEntryIndex index, MeminfoEntry entry, Status status, int computed) {}

    record SegmentReport(int index, KexecSegment segment, Status status) {}

    @Override
    public Integer call() {
        MachineDirectory machine = MachineDirectory.open(dir);
        try (AbsoluteStorage storage = machine.openStorage()) {
            Report r = decode(storage);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                printJson(out, r);
            } else {
                printText(out, r);
            }
            out.flush();
        }
        return 0;
    }

    /** Everything the command prints, decoded once. */
    static final class Report {
        long storageSize;
        long pointer;
        boolean pageReadable;
        MeminfoPage page;
        int computedCsum;
        final List<EntryReport> entries = new ArrayList<>();
        KexecSegmentTable table;
        String tableProblem;
        final List<SegmentReport> segments = new ArrayList<>();
        VerdictResult verdict;
        /** Wall time of the decoding (the verdict, every checksum and segment digest), in microseconds. */
        long verdictMicros;
    }

    /** Decodes everything the command prints; each segment is hashed once, for the verdict and the table. */
    static Report decode(AbsoluteStorage storage) {
        long start = System.nanoTime();
        Report r = new Report();
        decode(storage, r);
        r.verdictMicros = (System.nanoTime() - start) / 1000;
        return r;
    }

    private static void decode(AbsoluteStorage storage, Report r) {
        r.storageSize = storage.size();
        SegmentDigests digests = new SegmentDigests(storage);
        r.verdict = KdumpVerdict.evaluate(storage, digests);
        if (!storage.contains(Lowcore.MEMINFO_POINTER, 8)) {
            return;
        }
        r.pointer = storage.u64(Lowcore.MEMINFO_POINTER);
        r.pageReadable = r.pointer != 0 && storage.contains(r.pointer, MeminfoPage.SIZE);
        if (!r.pageReadable) {
            return;
        }
        r.page = MeminfoPage.read(ByteBuffer.wrap(storage.bytes(r.pointer, MeminfoPage.SIZE)));
        r.computedCsum = r.page.computeChecksum();
        for (MeminfoEntryIndex index : MeminfoEntryIndex.values()) {
            MeminfoEntry e = r.page.entry(index);
            if (e.isAbsent()) {
                continue;
            }
            if (index.isValueEntry()) {
                r.entries.add(new EntryReport(index, e, Status.VALUE, 0));
            } else if (!storage.contains(e.addr(), e.size())) {
                r.entries.add(new EntryReport(index, e, Status.OUTSIDE_STORAGE, 0));
            } else {
                int computed = Cksm.of(storage, e.addr(), e.size());
                r.entries.add(new EntryReport(index, e, computed == e.csum() ? Status.OK : Status.MISMATCH, computed));
            }
        }
        MeminfoEntry e13 = r.page.entry(MeminfoEntryIndex.KDUMP_SEGMENTS);
        if (!e13.isAbsent()) {
            decodeTable(storage, e13, r, digests);
        }
    }

    private static void decodeTable(AbsoluteStorage storage, MeminfoEntry e13, Report r, SegmentDigests digests) {
        if (!storage.contains(e13.addr(), e13.size())) {
            r.tableProblem = "outside storage";
            return;
        }
        if (e13.size() > KexecSegmentTable.MAX_SIZE) {
            r.tableProblem = "entry 13 gives " + e13.size() + " bytes, more than a table of 16 segments";
            return;
        }
        try {
            r.table = KexecSegmentTable.read(ByteBuffer.wrap(storage.bytes(e13.addr(), (int) e13.size())));
        } catch (MeminfoFormatException ex) {
            r.tableProblem = ex.getMessage();
            return;
        }
        List<KexecSegment> segs = r.table.segments();
        // A loop, not a stream: a stream's first use costs a fresh process milliseconds inside verdictMicros.
        List<KexecSegment> inside = new ArrayList<>();
        for (KexecSegment s : segs) {
            if (s.end() != -1 && storage.contains(s.mem(), s.memsz())) {
                inside.add(s);
            }
        }
        List<byte[]> insideDigests = digests.digests(inside);
        for (int i = 0, k = 0; i < segs.size(); i++) {
            KexecSegment s = segs.get(i);
            Status st;
            if (s.end() == -1 || !storage.contains(s.mem(), s.memsz())) {
                st = Status.OUTSIDE_STORAGE;
            } else {
                st = MessageDigest.isEqual(insideDigests.get(k++), s.sha256()) ? Status.OK : Status.MISMATCH;
            }
            r.segments.add(new SegmentReport(i, s, st));
        }
    }

    // -- text ------------------------------------------------------------------------------------

    private void printText(PrintWriter out, Report r) {
        out.printf("machine:      %s (%s of storage)%n", dir, Sizes.format(r.storageSize));
        out.printf("pointer:      0x%016X at lowcore 0x%04X%s%n", r.pointer, Lowcore.MEMINFO_POINTER, pointerNote(r));
        if (r.page != null) {
            MeminfoPage p = r.page;
            out.printf("magic:        %s (%s)%n", p.magicText(), p.magicValid() ? "ok" : "expected OSINFOSZ");
            out.printf("checksum:     0x%08X stored, 0x%08X computed (%s)%n", p.csum(), r.computedCsum,
                    p.csum() == r.computedCsum ? "ok" : "mismatch");
            out.printf("version:      %d.%d%n", p.versionMajor(), p.versionMinor());
            out.printf("crashkernel:  0x%016X size 0x%X%s%n", p.crashkernelAddr(), p.crashkernelSize(),
                    p.crashkernelAddr() == 0 ? " (none)"
                            : " (" + Sizes.format(p.crashkernelSize()) + "@" + Sizes.format(p.crashkernelAddr()) + ")");
            if (r.entries.isEmpty()) {
                out.println("entries:      none");
            } else {
                out.println("entries:");
                out.printf("  %3s  %-15s %-18s  %10s  %-10s  %s%n", "idx", "name", "addr/value", "size", "csum",
                        "status");
                for (EntryReport e : r.entries) {
                    String status = e.status() == Status.MISMATCH
                            ? String.format("mismatch (computed 0x%08X)", e.computed()) : e.status().word;
                    out.printf("  %3d  %-15s 0x%016X  %10d  0x%08X  %s%n", e.index().index(), e.index().name(),
                            e.entry().addr(), e.entry().size(), e.entry().csum(), status);
                }
            }
            MeminfoEntry e13 = p.entry(MeminfoEntryIndex.KDUMP_SEGMENTS);
            if (r.table != null) {
                out.printf("segments:     table at 0x%X, %d bytes, version %d, %d segments, entry point 0x%X%n",
                        e13.addr(), e13.size(), KexecSegmentTable.VERSION, r.table.segments().size(),
                        r.table.entryPoint());
                out.printf("  %2s  %-9s  %-18s  %-10s  %-10s  %-64s  %s%n", "#", "kind", "mem", "memsz", "bufsz",
                        "sha256", "status");
                for (SegmentReport s : r.segments) {
                    KexecSegment g = s.segment();
                    out.printf("  %2d  %-9s  0x%016X  0x%08X  0x%08X  %s  %s%n", s.index(), g.kind().label(), g.mem(),
                            g.memsz(), g.bufsz(), g.sha256Hex(), s.status().word);
                }
            } else if (r.tableProblem != null) {
                out.printf("segments:     table at 0x%X, %d bytes: %s%n", e13.addr(), e13.size(), r.tableProblem);
            } else {
                out.println("segments:     none (entry 13 is empty)");
            }
        }
        out.println(r.verdict.summary());
    }

    private static String pointerNote(Report r) {
        if (r.pointer == 0) {
            return " (none)";
        }
        if ((r.pointer & (MeminfoPage.ALIGNMENT - 1)) != 0) {
            return " (not 4 KiB-aligned)";
        }
        return r.pageReadable ? "" : " (outside storage)";
    }

    // -- JSON ------------------------------------------------------------------------------------

    private void printJson(PrintWriter out, Report r) {
        JsonWriter j = new JsonWriter(out);
        j.beginObject();
        j.field("machine", dir.toString());
        j.field("storageSize", r.storageSize);
        j.field("pointer", hex64(r.pointer));
        j.name("meminfo");
        if (r.page == null) {
            j.nullValue();
        } else {
            MeminfoPage p = r.page;
            j.beginObject();
            j.field("address", hex64(r.pointer));
            j.field("magic", p.magicText());
            j.field("magicValid", p.magicValid());
            j.field("csumStored", hex32(p.csum()));
            j.field("csumComputed", hex32(r.computedCsum));
            j.field("csumValid", p.csum() == r.computedCsum);
            j.field("versionMajor", p.versionMajor());
            j.field("versionMinor", p.versionMinor());
            j.field("crashkernelAddr", hex64(p.crashkernelAddr()));
            j.field("crashkernelSize", p.crashkernelSize());
            j.name("entries").beginArray();
            for (EntryReport e : r.entries) {
                j.beginObject();
                j.field("index", e.index().index());
                j.field("name", e.index().name());
                j.field(e.status() == Status.VALUE ? "value" : "addr", hex64(e.entry().addr()));
                j.field("size", e.entry().size());
                j.field("csum", hex32(e.entry().csum()));
                j.field("status", e.status().word);
                if (e.status() == Status.MISMATCH) {
                    j.field("csumComputed", hex32(e.computed()));
                }
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        j.name("segmentTable");
        if (r.table == null) {
            j.nullValue();
        } else {
            MeminfoEntry e13 = r.page.entry(MeminfoEntryIndex.KDUMP_SEGMENTS);
            j.beginObject();
            j.field("address", hex64(e13.addr()));
            j.field("size", e13.size());
            j.field("version", KexecSegmentTable.VERSION);
            j.field("entryPoint", hex64(r.table.entryPoint()));
            j.name("segments").beginArray();
            for (SegmentReport s : r.segments) {
                KexecSegment g = s.segment();
                j.beginObject();
                j.field("index", s.index());
                j.field("kind", g.kind().label());
                j.field("mem", hex64(g.mem()));
                j.field("memsz", g.memsz());
                j.field("bufsz", g.bufsz());
                j.field("sha256", g.sha256Hex());
                j.field("status", s.status().word);
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        j.field("segmentTableProblem", r.tableProblem);
        VerdictResult v = r.verdict;
        j.name("verdict").beginObject();
        j.field("pass", v.passed());
        j.field("code", v.passed() ? null : String.format("0x%04X", v.code()));
        j.field("check", v.failedCheck().map(c -> c.shortName()).orElse(null));
        j.field("message", v.message());
        j.name("segmentIndex");
        if (v.segmentIndex().isPresent()) {
            j.value(v.segmentIndex().getAsInt());
        } else {
            j.nullValue();
        }
        j.field("segmentKind", v.segmentKind().map(k -> k.label()).orElse(null));
        j.field("summary", v.summary());
        j.endObject();
        j.field("verdictMicros", r.verdictMicros);
        j.endObject();
        j.finish();
    }

    private static String hex64(long v) {
        return String.format("0x%016X", v);
    }

    private static String hex32(int v) {
        return String.format("0x%08X", v);
    }
}
