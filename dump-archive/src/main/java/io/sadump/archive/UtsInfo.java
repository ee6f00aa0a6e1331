package io.sadump.archive;

import io.sadump.machine.MemorySource;
import io.sadump.meminfo.VmcoreinfoLocator;
import io.sadump.meminfo.VmcoreinfoNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's {@code struct new_utsname} found through the VMCOREINFO, as zgetdump finds the UTS node
 * name and release (docs/formats.md §7.2, §10): {@code SYMBOL(init_uts_ns)}
 * plus {@code OFFSET(uts_namespace.name)} (0 when absent) is the address of six 65-byte NUL-padded
 * fields: sysname, nodename, release, version, machine, domainname. The release falls back to the
 * VMCOREINFO's {@code OSRELEASE} when the structure is not in the dump.
 *
 * <p>When the dump's meminfo page fails its checks, the VMCOREINFO these facts come from was not
 * verified (it came through the 0x0E0C fallback): {@code unverified} says why, and reports mark the
 * facts.
 *
 * @param unverified why the facts cannot be trusted; empty when they can
 */
public record UtsInfo(Optional<String> nodename, Optional<String> release, Optional<String> version,
        Optional<String> unverified) {
    /** {@code __NEW_UTS_LEN + 1}. */
    static final int FIELD = 65;
    static final int NODENAME = 1;
    static final int RELEASE = 2;
    static final int VERSION = 3;
    static final int SIZE = 6 * FIELD;

    public static final UtsInfo NONE = new UtsInfo(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    /** The VMCOREINFO as key/value pairs ({@code KEY=VALUE} lines). */
    public static Map<String, String> parse(String vmcoreinfo) {
        return VmcoreinfoNote.parse(vmcoreinfo).entries();
    }

    /** True when the facts came through a sound meminfo page, or a dump without one. */
    public boolean trusted() {
        return unverified.isEmpty();
    }

    /** The UTS facts of {@code memory}, found through its {@code vmcoreinfo}. */
    public static UtsInfo of(MemorySource memory, Optional<String> vmcoreinfo) {
        Optional<String> vi = vmcoreinfo;
        if (vi.isEmpty()) {
            return NONE;
        }
        Optional<String> unverified = VmcoreinfoLocator.search(memory).meminfoDamage();
        Map<String, String> keys = parse(vi.get());
        Optional<String> osrelease = Optional.ofNullable(keys.get("OSRELEASE")).filter(s -> !s.isEmpty());
        String sym = keys.get("SYMBOL(init_uts_ns)");
        if (sym == null) {
            return new UtsInfo(Optional.empty(), osrelease, Optional.empty(), unverified);
        }
        try {
            long addr = Long.parseUnsignedLong(sym, 16) + Long.parseLong(keys.getOrDefault("OFFSET(uts_namespace.name)",
                    "0"));
            byte[] b = new byte[SIZE];
            memory.read(addr, b, 0, SIZE);
            Optional<String> node = field(b, NODENAME);
            Optional<String> rel = field(b, RELEASE);
            Optional<String> ver = field(b, VERSION);
            return new UtsInfo(node, rel.isPresent() ? rel : osrelease, ver, unverified);
        } catch (NumberFormatException | IOException e) {
            return new UtsInfo(Optional.empty(), osrelease, Optional.empty(), unverified);
        }
    }

    private static Optional<String> field(byte[] b, int index) {
        int start = index * FIELD;
        int end = start;
        while (end < start + FIELD && b[end] != 0) {
            if (b[end] < 0x20 || b[end] > 0x7E) {
                return Optional.empty();
            }
            end++;
        }
        if (end == start || end == start + FIELD) {
            return Optional.empty();
        }
        return Optional.of(new String(b, start, end - start, StandardCharsets.US_ASCII));
    }
}
