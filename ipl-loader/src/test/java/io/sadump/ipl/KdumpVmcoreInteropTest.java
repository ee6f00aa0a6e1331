package io.sadump.ipl;

import static io.sadump.interop.InteropTools.requireTool;
import static io.sadump.interop.InteropTools.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.DumpFormat;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.interop.InteropTools;
import io.sadump.interop.InteropTools.Result;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.Lowcore;
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
 * The vmcore the kdump kernel writes through the whole load path, checked with tools no one here
 * wrote: every note decodes in eu-readelf, gdb-multiarch shows one thread per CPU with the PSW and
 * GPRs of the fixture's CPUs and reads old memory (also below the crashkernel size, where the swap
 * moved it) as the production system held it, and libkdumpfile reads the same bytes and the
 * VMCOREINFO. (The generic ELF writer has its own interop tests in fallback-dumper.)
 */
class KdumpVmcoreInteropTest {

    @TempDir
    static Path tmp;
    static TestMachine m;
    static Path vmcore;
    static List<CpuState> cpus;
    static List<Long> addresses;

    @BeforeAll
    static void dump() throws IOException {
        m = new TestMachine(tmp.resolve("m"));
        CrashkernelRange ck = m.machine.config().crashkernel().orElseThrow();
        addresses = List.of(Lowcore.SAVE_AREA + 0x80, FirstKernelLayout.INIT_UTS_NS, FirstKernelLayout.MEMINFO_PAGE,
                0x12_3450L, ck.end() + 0x4_5670L, TestMachine.STORAGE - 0x1000);
        m.probes.addAll(addresses);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c),
                new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE));
        assertThat(o.dumpFormat()).contains(DumpFormat.ELF);
        vmcore = Path.of(o.paths().get(0));
        cpus = m.cpusBefore;
    }

    static String expected(long a) {
        return HexFormat.of().formatHex(m.probeBytes.get(a));
    }

    @Test
    void euReadelfDecodesEveryNoteWithTheFixtureRegisters() throws Exception {
        Result r = run(List.of(requireTool("eu-readelf"), "-n", vmcore.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(o).doesNotContain("<corrupt");
        assertThat(count(o, "\\s+VMCOREINFO\\s+\\d+\\s")).isEqualTo(1);
        assertThat(count(o, "\\s+PRPSINFO\\s")).isEqualTo(1);
        assertThat(count(o, "\\s+336\\s+PRSTATUS")).isEqualTo(2);
        assertThat(count(o, "\\s+FPREGSET")).isEqualTo(2);
        for (String t : List.of("S390_TIMER", "S390_TODCMP", "S390_TODPREG", "S390_CTRS", "S390_PREFIX")) {
            assertThat(count(o, "\\s+" + t)).as(t).isEqualTo(2);
        }
        assertThat(o).contains("OSRELEASE=" + FirstKernel.RELEASE);
        for (int i = 0; i < cpus.size(); i++) {
            CpuState c = cpus.get(i);
            assertThat(o).containsPattern(String.format("pswa:\\s+0x%016x", c.pswAddress()));
            assertThat(o).containsPattern(String.format("pid: %d,", i + 1));
        }
    }

    @Test
    void gdbShowsOneThreadPerCpuAndReadsOldMemory() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(requireTool("gdb-multiarch"), "-nx", "-batch", "-ex",
                "set architecture s390:64-bit", "-ex", "core-file " + vmcore, "-ex", "info threads"));
        for (int t = 1; t <= cpus.size(); t++) {
            cmd.addAll(List.of("-ex", "thread " + t, "-ex", "p/x $pswa", "-ex", "p/x $r15", "-ex", "p/x $r2"));
        }
        for (long a : addresses) {
            cmd.addAll(List.of("-ex", String.format("x/16xb 0x%x", a)));
        }
        Result r = run(cmd);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(count(o, "(?m)^\\*?\\s+\\d+\\s+LWP \\d+")).as("threads in:%n%s", o).isEqualTo(cpus.size());
        List<String> values = new ArrayList<>();
        Matcher v = Pattern.compile("^\\$\\d+ = (0x\\p{XDigit}+|0)$", Pattern.MULTILINE).matcher(o);
        while (v.find()) {
            values.add(v.group(1));
        }
        // gdb numbers threads in its own order; the set of (pswa, r15, r2) triples must match the CPUs
        List<String> triples = new ArrayList<>();
        for (int i = 0; i + 2 < values.size(); i += 3) {
            triples.add(values.get(i) + "/" + values.get(i + 1) + "/" + values.get(i + 2));
        }
        List<String> wanted = cpus.stream().map(c -> hex(c.pswAddress()) + "/" + hex(c.gprs()[15]) + "/"
                + hex(c.gprs()[2])).toList();
        assertThat(triples).as(o).containsExactlyInAnyOrderElementsOf(wanted);
        for (long a : addresses) {
            assertThat(gdbSixteenBytes(o, a)).as("memory at 0x%x in gdb's output:%n%s", a, o).isEqualTo(expected(a));
        }
    }

    /**
     * The 16 bytes at {@code address} as hex, from gdb's {@code x/16xb} output (two lines of 8), or
     * null when gdb printed no such lines.
     */
    static String gdbSixteenBytes(String gdbOutput, long address) {
        Matcher mm = Pattern.compile(String.format(
                "^0x%x:((?:\\s+0x\\p{XDigit}{2}){8})\\s*\\n0x%x:((?:\\s+0x\\p{XDigit}{2}){8})", address, address + 8),
                Pattern.MULTILINE).matcher(gdbOutput);
        return mm.find() ? (mm.group(1) + mm.group(2)).replaceAll("\\s+0x", "") : null;
    }

    @Test
    void libkdumpfileReadsTheSameBytesAndTheVmcoreinfo() throws Exception {
        Result r = InteropTools.kdumpfile(vmcore, addresses,
                "print('osrelease', a['linux']['vmcoreinfo']['lines']['OSRELEASE'])\n"
                        + "print('cpus', a['cpu']['number'])\n");
        assertThat(r.exitCode()).as(r.output()).isZero();
        String o = r.output();
        assertThat(o).contains("format elf").contains("osrelease " + FirstKernel.RELEASE)
                .contains("cpus " + cpus.size());
        for (long x : addresses) {
            assertThat(o).as("libkdumpfile at 0x%x", x).contains(String.format("mem %x %s", x, expected(x)));
        }
    }

    static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    static int count(String s, String regex) {
        Matcher mm = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (mm.find()) {
            n++;
        }
        return n;
    }
}
