package io.sadump.archive;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code -i} facts as one JSON object (RFC 8259), for {@code zgetdump -i --json} and the archive's
 * {@code info.json}. Numbers are plain integers; addresses and ids are also given as hex strings;
 * times are ISO-8601 UTC. Absent facts are {@code null}.
 */
public final class DumpInfoJson {
    private DumpInfoJson() {}

    public static String of(DumpInfo i) {
        return of(i, Map.of());
    }

    /** With extra top-level members (already JSON values) such as the archive metadata. */
    public static String of(DumpInfo i, Map<String, String> extra) {
        StringBuilder sb = new StringBuilder("{\n");
        member(sb, "format", str(i.format()));
        member(sb, "medium", str(i.medium()));
        member(sb, "complete", Boolean.toString(i.complete()));
        member(sb, "problem", i.problem().map(DumpInfoJson::str).orElse("null"));
        member(sb, "version", i.version().isPresent() ? Integer.toString(i.version().getAsInt()) : "null");
        member(sb, "created", time(i.created()));
        member(sb, "ended", time(i.ended()));
        member(sb, "cpuId", i.cpuId().isPresent() ? str(String.format("%016x", i.cpuId().getAsLong())) : "null");
        member(sb, "utsNodename", i.uts().nodename().map(DumpInfoJson::str).orElse("null"));
        member(sb, "utsRelease", i.uts().release().map(DumpInfoJson::str).orElse("null"));
        member(sb, "utsVersion", i.uts().version().map(DumpInfoJson::str).orElse("null"));
        member(sb, "utsTrusted", Boolean.toString(i.uts().trusted()));
        member(sb, "utsUnverified", i.uts().unverified().map(DumpInfoJson::str).orElse("null"));
        member(sb, "volumeNumber", i.volumeNumber().isPresent() ? Integer.toString(i.volumeNumber().getAsInt())
                : "null");
        member(sb, "arch", str(DumpInfo.ARCH));
        member(sb, "cpuCountOnline", Integer.toString(i.cpuCountOnline()));
        member(sb, "cpuCountReal", i.cpuCountReal().isPresent() ? Integer.toString(i.cpuCountReal().getAsInt())
                : "null");
        member(sb, "dumpMemorySize", Long.toString(i.dumpMemorySize()));
        member(sb, "realMemorySize", Long.toString(i.realMemorySize()));
        member(sb, "dumpFileBytes", Long.toString(i.dumpFileBytes()));
        member(sb, "zlibEntrySize", i.zlibEntrySize().isPresent() ? Integer.toString(i.zlibEntrySize().getAsInt())
                : "null");
        member(sb, "zlibVersion", i.zgetdump().zlibVersion().isPresent()
                ? Integer.toString(i.zgetdump().zlibVersion().getAsInt()) : "null");
        member(sb, "dumpMethod", i.zgetdump().dumpMethod().map(DumpInfoJson::str).orElse("null"));
        StringBuilder map = new StringBuilder("[");
        for (DumpInfo.MemoryRange r : i.memoryMap()) {
            if (map.length() > 1) {
                map.append(", ");
            }
            map.append("{\"start\": ").append(r.start()).append(", \"end\": ").append(r.end())
                    .append(", \"startHex\": ").append(str(String.format("%016x", r.start())))
                    .append(", \"lastHex\": ").append(str(String.format("%016x", r.end() - 1))).append('}');
        }
        member(sb, "memoryMap", map.append(']').toString());
        StringBuilder vols = new StringBuilder("[");
        for (DumpVolume v : i.volumes()) {
            if (vols.length() > 1) {
                vols.append(", ");
            }
            vols.append("{\"index\": ").append(v.index()).append(", \"file\": ").append(str(v.file().toString()))
                    .append(", \"device\": ").append(v.device().map(DumpInfoJson::str).orElse("null"))
                    .append(", \"state\": ").append(str(v.state())).append('}');
        }
        member(sb, "volumes", vols.append(']').toString());
        member(sb, "kdump", i.kdump().map(k -> "{\"oldmemBase\": " + k.base() + ", \"oldmemSize\": " + k.size() + "}")
                .orElse("null"));
        member(sb, "kdumpPages", i.filtered().map(k -> "{\"dumpLevel\": " + k.dumpLevel() + ", \"compression\": "
                + str(k.compression()) + ", \"maxMapnr\": " + k.maxMapnr() + ", \"presentPages\": " + k.presentPages()
                + ", \"dumpablePages\": " + k.dumpablePages() + ", \"filteredPages\": " + k.filteredPages()
                + ", \"unwrittenPages\": " + k.unwrittenPages() + "}").orElse("null"));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            member(sb, e.getKey(), e.getValue());
        }
        sb.setLength(sb.length() - 2);
        return sb.append("\n}\n").toString();
    }

    private static String time(Optional<Instant> t) {
        return t.map(x -> str(x.toString())).orElse("null");
    }

    private static void member(StringBuilder sb, String name, String value) {
        sb.append("  ").append(str(name)).append(": ").append(value).append(",\n");
    }

    /** A JSON array of strings. */
    public static String strings(List<String> list) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : list) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(str(s));
        }
        return sb.append(']').toString();
    }

    /** A JSON string literal. */
    public static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
