package io.sadump.cli;

import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpVolume;
import io.sadump.archive.UtsInfo;
import io.sadump.archive.ZgetdumpAttributes;
import io.sadump.machine.MemoryChunk;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Prints {@link DumpInfo} line for line as {@code zgetdump -i} does (s390-tools v2.43.0 {@code zdump/dfi.c
 * dfi_info_print}, {@code dfi_mem_chunk.c dfi_mem_map_print}, {@code dfi_s390mv_ext.c vol_print}): a line
 * only for an attribute the input format sets ({@link ZgetdumpAttributes}). Verbose adds what
 * {@code zgetdump -V} adds (the zlib lines, one map line per memory chunk) and then sadump's own facts
 * under "sadump details:".
 */
final class DumpInfoReport {
    private DumpInfoReport() {}

    private static final long MIB = 1L << 20;
    /** {@code TIME_FMT_STR} of dfi.c, {@code "%a, %d %b %Y %H:%M:%S %z"}, in the C locale's names. */
    private static final DateTimeFormatter STRFTIME = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx",
            Locale.US);

    /** A time as zgetdump prints it: strftime of localtime, so in {@code zone} (the process's TZ). */
    static String time(Instant t, ZoneId zone) {
        return STRFTIME.format(t.atZone(zone));
    }

    /** {@code TO_MIB} of zgetdump ({@code zdump/zg.h}): rounded to the nearest MiB. */
    static long toMib(long bytes) {
        return (bytes + MIB / 2) / MIB;
    }

    static void row(PrintWriter out, String key, String value) {
        StringBuilder k = new StringBuilder("  ").append(key);
        while (k.length() < 21) {
            k.append('.');
        }
        out.printf(Locale.ROOT, "%s: %s%n", k, value);
    }

    /** The default text: what zgetdump -i prints. */
    static void print(PrintWriter out, DumpInfo i, ZoneId zone) {
        print(out, i, zone, List.of(), false);
    }

    /**
     * @param chunks the dump's memory chunks, for the verbose memory map (one line per chunk)
     * @param verbose also the lines of zgetdump -V and sadump's details
     */
    static void print(PrintWriter out, DumpInfo i, ZoneId zone, List<MemoryChunk> chunks, boolean verbose) {
        ZgetdumpAttributes a = i.zgetdump();
        out.println("General dump info:");
        row(out, "Dump format", i.format());
        a.version().ifPresent(v -> row(out, "Version", Integer.toString(v)));
        a.created().ifPresent(t -> row(out, "Dump created", time(t, zone)));
        a.ended().ifPresent(t -> row(out, "Dump ended", time(t, zone)));
        a.dumpMethod().ifPresent(m -> row(out, "Dump method", m));
        a.cpuId().ifPresent(c -> row(out, "Dump CPU ID", Long.toHexString(c)));
        if (utsFound(i.uts())) {
            // dfi.c prints the three names together, once init_uts_ns was found
            row(out, "UTS node name", i.uts().nodename().orElse(""));
            row(out, "UTS kernel release", i.uts().release().orElse(""));
            row(out, "UTS kernel version", i.uts().version().orElse(""));
            // not a zgetdump line: facts from a page that fails its checks must not pass as good ones
            i.uts().unverified().ifPresent(why -> row(out, "UTS info", "UNVERIFIED (" + why + ")"));
        }
        row(out, "System arch", DumpInfo.ARCH);
        a.onlineCpuCount().ifPresent(c -> row(out, "CPU count (online)", Integer.toString(c)));
        a.realCpuCount().ifPresent(c -> row(out, "CPU count (real)", Integer.toString(c)));
        a.memoryRange().ifPresent(r -> row(out, "Dump memory range", toMib(r) + " MB"));
        a.realMemorySize().ifPresent(r -> row(out, "Real memory range", toMib(r) + " MB"));
        a.fileSize().ifPresent(s -> row(out, "Dump file size", toMib(s) + " MB"));
        i.filtered().ifPresent(k -> {
            // not zgetdump lines (it reads no kdump-compressed files): what makedumpfile's -d left out
            row(out, "Dump level", k.dumpLevel() + " (makedumpfile -d), pages " + k.compression());
            row(out, "Pages filtered out", String.format(Locale.ROOT, "%d of %d (%d MB); %d pages kept",
                    k.filteredPages(), k.presentPages(), toMib(k.filteredPages() * 4096), k.dumpablePages()));
            if (k.unwrittenPages() > 0) {
                row(out, "Pages never written", k.unwrittenPages() + " (the dump is incomplete)");
            }
        });
        if (verbose && a.zlibVersion().isPresent() && a.zlibEntrySize().isPresent()) {
            row(out, "Zlib version", Integer.toString(a.zlibVersion().getAsInt()));
            row(out, "Zlib compression unit", toMib(a.zlibEntrySize().getAsInt()) + " MB");
        }
        if (a.memoryRange().isPresent()) {
            out.println();
            out.println("Memory map:");
            if (verbose) {
                for (MemoryChunk c : chunks) {
                    mapLine(out, c.start(), c.end(), c.kind() == MemoryChunk.Kind.ZERO ? " zeroes" : "");
                }
            } else {
                for (DumpInfo.MemoryRange r : a.memoryMap()) {
                    mapLine(out, r.start(), r.end(), "");
                }
            }
        }
        if (i.format().equals("s390mv_ext")) {
            // the one input format with an info_dump operation: its volumes, as vol_print prints them
            out.println();
            out.println("Dump device info:");
            for (DumpVolume v : i.volumes()) {
                out.printf(Locale.ROOT, "  Volume %d: %s (online/%s)%n", v.index(), v.device().orElse(""),
                        v.state().equals("active") ? "active" : "valid");
            }
        }
        if (verbose) {
            printDetails(out, i, zone);
        }
    }

    private static void mapLine(PrintWriter out, long start, long end, String zeroes) {
        out.printf(Locale.ROOT, "  %016x - %016x (%d MB%s)%n", start, end - 1, toMib(end - start), zeroes);
    }

    /** Whether the dump's {@code init_uts_ns} was read (not only the VMCOREINFO's OSRELEASE). */
    private static boolean utsFound(UtsInfo u) {
        return u.nodename().isPresent() || u.version().isPresent();
    }

    /** sadump's facts that zgetdump does not print. */
    private static void printDetails(PrintWriter out, DumpInfo i, ZoneId zone) {
        out.println();
        out.println("sadump details:");
        row(out, "Dump medium", i.medium());
        if (i.zgetdump().created().isEmpty()) {
            // an ELF vmcore: zgetdump prints no date, the VMCOREINFO's CRASHTIME has one
            i.created().ifPresent(t -> row(out, "Crash time", time(t, zone)));
        }
        i.volumeNumber().ifPresent(v -> row(out, "Volume number", Integer.toString(v)));
        if (!utsFound(i.uts())) {
            i.uts().release().ifPresent(r -> row(out, "OSRELEASE", r));
        }
        row(out, "CPUs with registers", Integer.toString(i.cpuCountOnline()));
        row(out, "Real memory range", toMib(i.realMemorySize()) + " MB (" + i.realMemorySize() + " bytes)");
        row(out, "Dump file size", toMib(i.dumpFileBytes()) + " MB (" + i.dumpFileBytes() + " bytes of memory data)");
        i.zlibEntrySize().ifPresent(z -> row(out, "Zlib compression unit", toMib(z) + " MB"));
        i.kdump().ifPresent(k -> row(out, "Kdump old memory", k + "; the dump holds two systems, choose one with "
                + "--select prod|kdump|all"));
        for (DumpVolume v : i.volumes()) {
            row(out, "Volume " + v.index(), v.device().map(d -> d + " ").orElse("") + "(" + v.state() + ") " + v.file());
        }
        i.problem().ifPresent(p -> row(out, "Problem", p));
    }
}
