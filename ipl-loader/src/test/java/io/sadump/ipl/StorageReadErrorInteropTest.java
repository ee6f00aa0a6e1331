package io.sadump.ipl;

import static io.sadump.interop.InteropTools.requireTool;
import static io.sadump.interop.InteropTools.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.DumpFormat;
import io.sadump.interop.InteropTools;
import io.sadump.interop.InteropTools.Result;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineLock;
import io.sadump.machine.UnreadablePages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vmcore with unreadable pages left out, read by tools no one here wrote: eu-readelf lists PT_LOADs
 * that go around the pages, gdb-multiarch cannot access them and reads their neighbours as the
 * production system held them, libkdumpfile reads the neighbours and reports a page of a longer hole
 * as not in the dump.
 */
class StorageReadErrorInteropTest {
    static final int PAGE = UnreadablePages.PAGE_SIZE;

    @TempDir
    static Path tmp;
    static TestMachine m;
    static Path vmcore;
    /** A single page, and a run of two. */
    static long single;
    static long pair;
    static List<Long> neighbours;

    @BeforeAll
    static void dump() throws IOException {
        m = new TestMachine(tmp.resolve("m"));
        CrashkernelRange ck = m.machine.config().crashkernel().orElseThrow();
        single = ck.end() + 0x123_4000L;
        pair = ck.end() + 0x234_5000L;
        try (MachineLock lock = m.machine.lock()) {
            m.machine.saveUnreadablePages(lock, UnreadablePages.of(List.of(single, pair, pair + PAGE)));
        }
        neighbours = List.of(single - 16, single + PAGE, pair - 16, pair + 2 * PAGE);
        m.probes.addAll(neighbours);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                IplLoaderTest.elf());
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        assertThat(o.unreadablePages()).containsExactly(single, pair, pair + PAGE);
        vmcore = Path.of(o.paths().get(0));
    }

    static String expected(long a) {
        return HexFormat.of().formatHex(m.probeBytes.get(a));
    }

    @Test
    void euReadelfListsLoadsThatGoAroundTheUnreadablePages() {
        Result r = run(List.of(requireTool("eu-readelf"), "-l", vmcore.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher load = Pattern.compile("(?m)^\\s+LOAD\\s+0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+"
                + "0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)").matcher(r.output());
        List<long[]> loads = new ArrayList<>();
        while (load.find()) {
            long paddr = Long.parseUnsignedLong(load.group(3), 16);
            loads.add(new long[] {paddr, paddr + Long.parseUnsignedLong(load.group(5), 16)});
        }
        assertThat(loads).as(r.output()).isNotEmpty();
        for (long p : List.of(single, pair, pair + PAGE)) {
            assertThat(loads).as("a LOAD covering 0x%x in%n%s", p, r.output()).noneMatch(l -> p < l[1] && p + PAGE > l[0]);
        }
        for (long a : neighbours) {
            assertThat(loads).as("a LOAD covering 0x%x", a).anyMatch(l -> a >= l[0] && a + 16 <= l[1]);
        }
        assertThat(loads).anyMatch(l -> l[1] == single).anyMatch(l -> l[0] == single + PAGE)
                .anyMatch(l -> l[1] == pair).anyMatch(l -> l[0] == pair + 2 * PAGE);
    }

    @Test
    void gdbCannotAccessTheUnreadablePagesAndReadsTheirNeighbours() {
        List<String> cmd = new ArrayList<>(List.of(requireTool("gdb-multiarch"), "-nx", "-batch", "-ex",
                "set architecture s390:64-bit", "-ex", "core-file " + vmcore));
        for (long p : List.of(single, pair, pair + PAGE)) {
            cmd.addAll(List.of("-ex", String.format("x/4xb 0x%x", p)));
        }
        for (long a : neighbours) {
            cmd.addAll(List.of("-ex", String.format("x/16xb 0x%x", a)));
        }
        Result r = run(cmd);
        String o = r.output();
        for (long p : List.of(single, pair, pair + PAGE)) {
            assertThat(o).as(o).contains(String.format("Cannot access memory at address 0x%x", p));
        }
        for (long a : neighbours) {
            assertThat(KdumpVmcoreInteropTest.gdbSixteenBytes(o, a)).as("memory at 0x%x in gdb's output:%n%s", a, o)
                    .isEqualTo(expected(a));
        }
    }

    /**
     * libkdumpfile reads the neighbours; the first page of the two-page hole is "not found". (It reads a
     * hole's last page, the one right before a PT_LOAD, as zeros: its search for the LOAD closest to a
     * page accepts one starting a page size away; docs/formats.md.)
     */
    @Test
    void libkdumpfileReadsTheNeighboursAndFindsNoDataInTheHole() {
        String script = String.format("for x in (0x%x, 0x%x):%n"
                + "    try:%n"
                + "        print('hole %%x' %% x, k.read(kdumpfile.KDUMP_MACHPHYSADDR, x, 16).hex())%n"
                + "    except kdumpfile.exceptions.NoDataException:%n"
                + "        print('hole %%x nodata' %% x)%n", pair, single);
        Result r = InteropTools.kdumpfile(vmcore, neighbours, script);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        for (long a : neighbours) {
            assertThat(o).as("libkdumpfile at 0x%x", a).contains(String.format("mem %x %s", a, expected(a)));
        }
        assertThat(o).contains(String.format("hole %x nodata", pair));
        assertThat(o).containsPattern(String.format("hole %x (nodata|0{32})", single));
    }
}
