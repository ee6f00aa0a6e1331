package io.sadump.cli;

import io.sadump.dump.DumpFormat;
import io.sadump.ipl.AfterDump;
import io.sadump.ipl.LoadOutcome;
import io.sadump.machine.Sizes;
import java.io.PrintWriter;
import java.util.List;

/** How {@code sadump hmc load|restart} shows a {@link LoadOutcome}: a short summary, or JSON for scripts. */
final class HmcOutcomeReport {
    private HmcOutcomeReport() {}

    static void print(PrintWriter out, LoadOutcome o) {
        out.println();
        out.println("Verdict:  " + o.verdict().map(v -> v.summary()).orElse("none (no verdict ran)"));
        out.println("Dump:     " + dumpLine(o));
        if (!o.unreadablePages().isEmpty()) {
            out.println("Storage:  " + unreadableLine(o));
        }
        out.println("After:    " + afterLine(o));
        out.printf("Time:     %.1f s%n", o.duration().toMillis() / 1000.0);
    }

    static String dumpLine(LoadOutcome o) {
        if (o.dumpFormat().isEmpty()) {
            return "none";
        }
        String where = o.wrote(DumpFormat.ELF) ? String.join(", ", o.paths())
                : "device " + String.join(", ", o.paths());
        String state = o.dumpComplete() ? "complete" : String.format("FAILED 0x%04X, incomplete", o.dumpCode());
        return o.dumpWord() + " " + where + " (" + state + String.format(", %.1f MiB)", o.bytes() / (double) Sizes.MIB);
    }

    /** "2 pages could not be read: 0x3000, 0x1F2000 (written as the fill pattern)". */
    static String unreadableLine(LoadOutcome o) {
        List<Long> pages = o.unreadablePages();
        StringBuilder sb = new StringBuilder().append(pages.size()).append(pages.size() == 1 ? " page" : " pages")
                .append(" could not be read: ");
        for (int i = 0; i < Math.min(pages.size(), 16); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("0x%X", pages.get(i)));
        }
        if (pages.size() > 16) {
            sb.append(", ... (").append(pages.size() - 16).append(" more)");
        }
        return sb.append(o.wrote(DumpFormat.ELF) ? " (left out of the vmcore)" : " (written as the fill pattern)")
                .toString();
    }

    static String afterLine(LoadOutcome o) {
        return switch (o.after()) {
            case REIPL -> "re-IPL: the production system runs again";
            case DISABLED_WAIT -> String.format("disabled wait, code 0x%04X", o.waitCode());
            case STOPPED -> "stopped";
        };
    }

    static String json(LoadOutcome o) {
        StringBuilder sb = new StringBuilder("{");
        field(sb, "trigger", str(o.trigger()));
        field(sb, "verdict", str(o.verdictWord()));
        field(sb, "code", str(String.format("0x%04X", o.verdictCode())));
        field(sb, "reason", str(o.verdict().map(v -> v.message()).orElse(o.reason())));
        field(sb, "summary", str(o.reason()));
        StringBuilder dump = new StringBuilder("{");
        field(dump, "kind", str(o.dumpWord()));
        field(dump, "complete", String.valueOf(o.dumpComplete()));
        field(dump, "code", str(String.format("0x%04X", o.dumpCode())));
        field(dump, "paths", array(o.paths()));
        field(dump, "bytes", String.valueOf(o.bytes()));
        field(dump, "unreadable_pages", array(o.unreadablePages().stream().map(p -> String.format("0x%X", p)).toList()));
        field(sb, "dump", dump.append('}').toString());
        field(sb, "after", str(o.after().word()));
        if (o.after() == AfterDump.DISABLED_WAIT) {
            field(sb, "wait_code", str(String.format("0x%04X", o.waitCode())));
        }
        field(sb, "duration_ms", String.valueOf(o.duration().toMillis()));
        field(sb, "messages", array(o.messages()));
        return sb.append('}').toString();
    }

    static String array(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : items) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(str(s));
        }
        return sb.append(']').toString();
    }

    static void field(StringBuilder sb, String name, String jsonValue) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(str(name)).append(':').append(jsonValue);
    }

    static String str(String s) {
        return DumpDeviceReport.str(s);
    }
}
