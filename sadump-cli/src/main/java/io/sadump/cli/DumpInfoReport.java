package io.sadump.cli;

import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpVolume;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Prints {@link DumpInfo} the way {@code zgetdump -i} does (reference s390-tools-dump.md §3). */
final class DumpInfoReport {
    private DumpInfoReport() {}

    private static final long MIB = 1L << 20;
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.RFC_1123_DATE_TIME;

    static String time(Instant t) {
        return RFC_2822.format(t.atZone(ZoneId.systemDefault()));
    }

    static void row(PrintWriter out, String key, String value) {
        StringBuilder k = new StringBuilder("  ").append(key);
        while (k.length() < 21) {
            k.append('.');
        }
        out.printf(Locale.ROOT, "%s: %s%n", k, value);
    }

    static void print(PrintWriter out, DumpInfo i) {
        out.println("General dump info:");
        row(out, "Dump format", i.format());
        row(out, "Dump medium", i.medium());
        i.version().ifPresent(v -> row(out, "Version", Integer.toString(v)));
        i.created().ifPresent(t -> row(out, "Dump created", time(t)));
        i.ended().ifPresent(t -> row(out, "Dump ended", time(t)));
        i.cpuId().ifPresent(c -> row(out, "Dump CPU ID", String.format("%016x", c)));
        i.uts().nodename().ifPresent(n -> row(out, "UTS node name", n));
        i.uts().release().ifPresent(n -> row(out, "UTS kernel release", n));
        i.uts().version().ifPresent(n -> row(out, "UTS kernel version", n));
        i.uts().unverified().ifPresent(why -> row(out, "UTS info", "UNVERIFIED (" + why + ")"));
        i.volumeNumber().ifPresent(v -> row(out, "Volume number", Integer.toString(v)));
        row(out, "System arch", DumpInfo.ARCH);
        row(out, "CPU count (online)", Integer.toString(i.cpuCountOnline()));
        i.cpuCountReal().ifPresent(c -> row(out, "CPU count (real)", Integer.toString(c)));
        row(out, "Dump memory range", i.dumpMemorySize() / MIB + " MB");
        row(out, "Real memory range", i.realMemorySize() / MIB + " MB");
        row(out, "Dump file size", i.dumpFileBytes() / MIB + " MB");
        i.zlibEntrySize().ifPresent(z -> {
            row(out, "Zlib version", "1");
            row(out, "Zlib compression unit", z / MIB + " MB");
        });
        i.kdump().ifPresent(k -> row(out, "Kdump old memory", k + "; the dump holds two systems, choose one with "
                + "--select prod|kdump|all"));
        out.println();
        out.println("Memory map:");
        for (DumpInfo.MemoryRange r : i.memoryMap()) {
            out.printf(Locale.ROOT, "  %016x - %016x (%d MB)%n", r.start(), r.end() - 1, r.size() / MIB);
        }
        if (i.volumes().size() > 1) {
            out.println();
            out.println("Dump device info:");
            for (DumpVolume v : i.volumes()) {
                out.printf(Locale.ROOT, "  Volume %d: %s (%s)%s%n", v.index(), v.device().orElse("-"), v.state(),
                        "  " + v.file());
            }
        }
    }
}
