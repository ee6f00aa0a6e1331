package io.sadump.dump.filter;

import io.sadump.meminfo.VmcoreinfoNote;
import java.util.List;
import java.util.Map;

/**
 * A VMCOREINFO text read the way makedumpfile 1.7.2 reads it ({@code read_vmcoreinfo_symbol},
 * {@code read_vmcoreinfo_long}; reference kdump-compressed.md §3.1): the first line of a key wins;
 * {@code SYMBOL} values are hex and 0 is invalid data that aborts the run; {@code SIZE}, {@code
 * OFFSET}, {@code LENGTH} and {@code NUMBER} are decimal with a hex fallback; a missing key is
 * "not found" (-1 for numbers, 0 for symbols), so a real value of -1 cannot be told from a missing one,
 * as in makedumpfile. {@code OSRELEASE} and a valid {@code PAGESIZE} are mandatory.
 */
final class KernelVmcoreinfo {
    /** makedumpfile's {@code NOT_FOUND_LONG_VALUE} / {@code NOT_FOUND_STRUCTURE} / {@code NOT_FOUND_NUMBER}. */
    static final long NOT_FOUND = -1;
    /** makedumpfile's {@code NOT_FOUND_SYMBOL}. */
    static final long NO_SYMBOL = 0;

    /**
     * The symbols makedumpfile 1.7.2's {@code read_vmcoreinfo()} reads at start-up; any of them with an
     * invalid value (0, all ones, not hex) aborts the run before filtering.
     */
    private static final List<String> READ_SYMBOLS = List.of("mem_map", "vmem_map", "mem_section", "pkmap_count",
            "pkmap_count_next", "system_utsname", "init_uts_ns", "_stext", "swapper_pg_dir", "init_level4_pgt",
            "level4_kernel_pgt", "init_top_pgt", "vmlist", "vmap_area_list", "node_online_map", "node_states",
            "node_data", "pgdat_list", "contig_page_data", "prb", "clear_seq", "log_buf", "log_buf_len", "log_end",
            "log_first_idx", "clear_idx", "log_next_idx", "max_pfn", "high_memory", "node_remap_start_vaddr",
            "node_remap_end_vaddr", "node_remap_start_pfn", "vmemmap_list", "mmu_psize_defs", "mmu_vmemmap_psize",
            "cpu_pgd", "demote_segment_4k", "cur_cpu_spec", "free_huge_page");

    private final Map<String, String> lines;
    private final String release;
    private final long pageSize;

    private KernelVmcoreinfo(Map<String, String> lines, String release, long pageSize) {
        this.lines = lines;
        this.release = release;
        this.pageSize = pageSize;
    }

    /** Reads {@code text}; refuses it where makedumpfile's start-up would. */
    static KernelVmcoreinfo parse(String text) throws PageFilterException {
        Map<String, String> lines = VmcoreinfoNote.parse(text).entries();
        String release = lines.get("OSRELEASE");
        if (release == null) {
            throw new PageFilterException("the VMCOREINFO has no OSRELEASE line (makedumpfile: Invalid format)");
        }
        String ps = lines.get("PAGESIZE");
        Long pageSize = ps == null ? null : CNumber.parse(ps, 10, false);
        if (pageSize == null || pageSize <= 0) {
            throw new PageFilterException("the VMCOREINFO has no valid PAGESIZE line (makedumpfile: Invalid format)");
        }
        KernelVmcoreinfo info = new KernelVmcoreinfo(lines, release, pageSize);
        for (String s : READ_SYMBOLS) {
            info.symbol(s);
        }
        return info;
    }

    String release() {
        return release;
    }

    long pageSize() {
        return pageSize;
    }

    /** The value of {@code SYMBOL(name)}, or {@link #NO_SYMBOL} when the line is missing. */
    long symbol(String name) throws PageFilterException {
        String key = "SYMBOL(" + name + ")";
        String v = lines.get(key);
        if (v == null) {
            return NO_SYMBOL;
        }
        Long value = CNumber.parse(v, 16, true);
        if (value == null || value == 0 || value == -1L) {
            throw new PageFilterException("the VMCOREINFO line " + key + "=" + v
                    + " is invalid data (makedumpfile refuses a symbol of 0 or one that is not hex)");
        }
        return value;
    }

    /** {@code SIZE(name)}. */
    long size(String name) throws PageFilterException {
        return number("SIZE(" + name + ")");
    }

    /** {@code OFFSET(struct.field)}. */
    long offset(String field) throws PageFilterException {
        return number("OFFSET(" + field + ")");
    }

    /** {@code LENGTH(name)}. */
    long length(String name) throws PageFilterException {
        return number("LENGTH(" + name + ")");
    }

    /** {@code NUMBER(name)}. */
    long numberOf(String name) throws PageFilterException {
        return number("NUMBER(" + name + ")");
    }

    private long number(String key) throws PageFilterException {
        String v = lines.get(key);
        if (v == null) {
            return NOT_FOUND;
        }
        Long value = CNumber.parse(v, 10, false);
        if (value == null) {
            value = CNumber.parse(v, 16, false);
        }
        if (value == null || value == Long.MAX_VALUE) {
            throw new PageFilterException("the VMCOREINFO line " + key + "=" + v + " is invalid data");
        }
        return value;
    }

    /**
     * The kernel version makedumpfile derives from OSRELEASE ({@code get_kernel_version}): major, minor
     * and release as {@code major << 16 | minor << 8 | release}, 0 when OSRELEASE does not start with one.
     */
    int kernelVersion() {
        String[] parts = release.split("[^0-9]", -1);
        try {
            int maj = Integer.parseInt(parts[0]);
            int min = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
            int rel = parts.length > 2 && !parts[2].isEmpty() ? Integer.parseInt(parts[2]) : 0;
            return version(maj, min, rel);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int version(int major, int minor, int release) {
        return (major << 16) | (minor << 8) | Math.min(release, 255);
    }

    /** C's {@code strtol}/{@code strtoul} with the check makedumpfile adds: nothing may follow the digits. */
    static final class CNumber {
        private CNumber() {}

        /** The value, or null when characters follow the number; out-of-range values clamp as in C. */
        static Long parse(String s, int radix, boolean unsigned) {
            int i = 0;
            int n = s.length();
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            boolean negative = false;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                negative = s.charAt(i) == '-';
                i++;
            }
            if (radix == 16 && i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && i + 2 < n && Character.digit(s.charAt(i + 2), 16) >= 0) {
                i += 2;
            }
            int digitsStart = i;
            long value = 0;
            boolean overflow = false;
            while (i < n && Character.digit(s.charAt(i), radix) >= 0) {
                int d = Character.digit(s.charAt(i), radix);
                if (unsigned) {
                    if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, radix)) > 0) {
                        overflow = true;
                    } else {
                        value = value * radix + d;
                    }
                } else if (value > (Long.MAX_VALUE - d) / radix) {
                    overflow = true;
                } else {
                    value = value * radix + d;
                }
                i++;
            }
            if (i == digitsStart) {
                // No digits: strtol leaves the end pointer at the start, so the whole text "follows".
                return n == 0 ? 0L : null;
            }
            if (i != n) {
                return null;
            }
            if (overflow) {
                return unsigned ? -1L : (negative ? Long.MIN_VALUE : Long.MAX_VALUE);
            }
            return negative ? -value : value;
        }
    }
}
