package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.TestMemory;
import io.sadump.dump.filter.PageSelection;
import io.sadump.interop.InteropTools;
import io.sadump.interop.InteropTools.Result;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * python3-libkdumpfile (Debian's 0.5.1), which no one here wrote, opens every kdump-compressed file
 * sadump writes: it reads every kept page equal to storage and reports every filtered page and hole as
 * excluded ({@code NoDataException}), never as data (reference kdump-compressed.md §6). Required in CI
 * ({@code -Dsadump.interop=required}).
 */
class KdumpInteropTest {
    static final long MIB = KdumpTestSystem.MIB;
    static final int PAGE = KdumpTestSystem.PAGE;
    static final long SIZE = 16 * MIB;

    @TempDir
    Path dir;

    /** Prints "pfn sha256" for every page libkdumpfile returns and "pfn excluded" for those it says it lacks. */
    static final String SCRIPT = ""
            + "import hashlib\n"
            + "print('description', a['file']['description'])\n"
            + "print('max_pfn', a['max_pfn'])\n"
            + "print('osrelease', a['linux']['vmcoreinfo']['lines']['OSRELEASE'])\n"
            + "print('cpus', a['cpu']['number'])\n"
            + "for pfn in range(a['max_pfn']):\n"
            + "    try:\n"
            + "        print('page %x %s' % (pfn, hashlib.sha256(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * 4096, 4096))"
            + ".hexdigest()))\n"
            + "    except kdumpfile.exceptions.NoDataException:\n"
            + "        print('page %x excluded' % pfn)\n";

    @ParameterizedTest(name = "{0} level {1} flattened {2}")
    @CsvSource({"NONE,0,false", "ZLIB,1,false", "ZLIB,31,false", "NONE,31,false", "ZSTD,1,false", "ZLIB,31,true"})
    void libkdumpfileReadsKeptPagesAndReportsFilteredOnesAsExcluded(PageCompression c, int level, boolean flat)
            throws IOException {
        long seed = 0x1b4d + level + 7L * c.ordinal();
        KdumpTestSystem s = new KdumpTestSystem(SIZE, seed, 6 * MIB, 7 * MIB);
        PageSelection sel = level <= 1 ? PresentPageSelection.of(s.memory, level, PAGE)
                : KdumpTestSystem.randomSelection(s.memory, level, 0.5, seed);
        Path file = dir.resolve("dump.kdump");
        if (flat) {
            // libkdumpfile 0.5.1 cannot open a flattened stream (§2.2): it reads what -R rebuilds
            byte[] stream = s.writeFlattened(sel, KdumpCompressedWriter.Options.of(c));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                FlattenedReassembler.reassemble(java.nio.channels.Channels.newChannel(
                        new java.io.ByteArrayInputStream(stream)), ch);
            }
        } else {
            s.writeFile(file, sel, KdumpCompressedWriter.Options.of(c));
        }
        Result r = InteropTools.kdumpfile(file, List.of(), SCRIPT);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(o).contains("format diskdump").contains("arch s390x").contains("byte_order 0")
                .contains("page_size 4096").contains("description Compressed KDUMP").contains("max_pfn 4096")
                .contains("osrelease 6.1.0-sadump").contains("cpus 2");
        Map<Long, String> seen = new HashMap<>();
        for (String line : r.lines("^page ")) {
            String[] f = line.trim().split(" ");
            seen.put(Long.parseLong(f[1], 16), f[2]);
        }
        assertThat(seen).hasSize((int) (SIZE / PAGE));
        byte[] page = new byte[PAGE];
        for (long pfn = 0; pfn < SIZE / PAGE; pfn++) {
            boolean inHole = pfn >= 6 * MIB / PAGE && pfn < 7 * MIB / PAGE;
            if (!inHole && sel.kept(pfn)) {
                s.storage.read(pfn * PAGE, page, 0, PAGE);
                assertThat(seen.get(pfn)).as("seed %d: pfn 0x%x", seed, pfn).isEqualTo(TestMemory.sha(page));
            } else {
                assertThat(seen.get(pfn)).as("seed %d: pfn 0x%x", seed, pfn).isEqualTo("excluded");
            }
        }
        assertThat(Files.size(file)).isPositive();
    }
}
