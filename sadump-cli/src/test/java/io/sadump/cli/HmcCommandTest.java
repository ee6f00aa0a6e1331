package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sadump hmc}: load (pass and fail), JSON outcome, display, messages, refusals. */
class HmcCommandTest {
    @TempDir
    Path tmp;
    String dir;

    @BeforeEach
    void machine() throws Exception {
        Path d = tmp.resolve("sys1");
        dir = d.toString();
        assertThat(CliRun.of("machine", "create", dir, "--storage", "128M").exit()).isZero();
        MachineDirectory m = MachineDirectory.open(d);
        try (MachineLock lock = m.lock()) {
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0190:300"));
            AttachedDevices.attach(m, lock, AttachedDevices.parseDasd("0.0.0191:5"));
        }
        CliRun p = CliRun.of("dumpdev", "prepare", dir, "0.0.0190");
        assertThat(p.exit()).as(p.err()).isZero();
        CliRun k = CliRun.of("kexec", "load", dir);
        assertThat(k.exit()).as(k.err()).isZero();
    }

    @Test
    void loadPassesTheVerdictAndKdumpWritesAVmcoreThenAnInjectedFlipFallsBackToTheDasd() {
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero(); // the HMC loads stopped CPUs only
        CliRun r = CliRun.of("hmc", dir, "load", "190", "--store-status");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("zIPL v2.31.0 dump tool (64 bit)").contains("kdump check: meminfo at 0x")
                .contains("kdump: saving vmcore to ").contains("Verdict:  PASS: kdump can start")
                .contains("Dump:     vmcore ").contains("After:    re-IPL");

        assertThat(CliRun.of("inject", dir, "segment-bitflip-kernel", "--seed", "3").exit()).isZero();
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero(); // the re-IPLed system runs again
        CliRun j = CliRun.of("hmc", dir, "load", "0.0.0190", "--store-status", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out()));
        assertThat(o.get("verdict")).isEqualTo("fail");
        assertThat(o.get("code")).isEqualTo("0x4533");
        assertThat((String) o.get("reason")).startsWith("segment 0 (kernel) corrupted");
        Map<String, Object> dump = MiniJson.object(o.get("dump"));
        assertThat(dump.get("kind")).isEqualTo("s390_ext");
        assertThat(dump.get("complete")).isEqualTo(true);
        assertThat(MiniJson.array(dump.get("paths"))).containsExactly("0.0.0190");
        assertThat(o.get("after")).isEqualTo("reipl");
        assertThat(MiniJson.array(o.get("messages"))).contains("Dumping 64 bit OS", "Dump successful");

        CliRun log = CliRun.of("hmc", dir, "messages");
        assertThat(log.exit()).isZero();
        String text = log.out();
        // the log keeps the order: first dump, its re-IPL boot, the second dump, its boot
        assertThat(text.indexOf("kdump: saving vmcore")).isLessThan(text.indexOf("Dumping 64 bit OS"));
        assertThat(text.indexOf("Dump successful")).isLessThan(text.lastIndexOf("Linux version"));
    }

    /** The kernel writes the crash time when it is dumped: a vmcore taken now says now. */
    @Test
    void aVmcoreTakenNowIsDatedNow() {
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        java.time.Instant before = java.time.Instant.now();
        CliRun j = CliRun.of("hmc", dir, "load", "190", "--store-status", "--json");
        java.time.Instant after = java.time.Instant.now();
        assertThat(j.exit()).as(j.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(j.out()));
        assertThat(o.get("verdict")).as("the crash time keeps meminfo valid").isEqualTo("pass");
        String vmcore = (String) MiniJson.array(MiniJson.object(o.get("dump")).get("paths")).get(0);

        CliRun info = CliRun.of("zgetdump", "-i", "--json", vmcore);
        assertThat(info.exit()).as(info.err()).isZero();
        Map<String, Object> i = MiniJson.object(MiniJson.parse(info.out()));
        java.time.Instant created = java.time.Instant.parse((String) i.get("created"));
        assertThat(created).isBetween(before.minusSeconds(1), after.plusSeconds(1));
        assertThat(i.get("utsTrusted")).isEqualTo(true);
        CliRun text = CliRun.of("zgetdump", "-i", "-v", vmcore);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Crash time").contains(DumpInfoReport.time(created, java.time.ZoneId.systemDefault()))
                .doesNotContain("UNVERIFIED");
    }

    @Test
    void displayShowsPswLowcoreMeminfoAndStorage() {
        CliRun psw = CliRun.of("hmc", dir, "display", "psw");
        assertThat(psw.exit()).isZero();
        assertThat(psw.out()).containsPattern("CPU 0  PSW 0704C00180000000 [0-9A-F]{16}  prefix 0x");
        CliRun regs = CliRun.of("hmc", dir, "display", "registers");
        assertThat(regs.out()).contains("GR0 ").contains("CR12").contains("AR8 ");
        CliRun lc = CliRun.of("hmc", dir, "display", "lowcore");
        assertThat(lc.out()).contains("0x0E18  meminfo pointer       0x203000").contains("(valid: re-IPL CCW device");
        CliRun mi = CliRun.of("hmc", dir, "display", "meminfo");
        assertThat(mi.out()).contains("magic \"OSINFOSZ\"").contains("segment 0 kernel").contains("verdict: PASS");
        CliRun st = CliRun.of("hmc", dir, "display", "storage", "0x203000", "32");
        assertThat(st.exit()).isZero();
        assertThat(st.outLines()[0]).startsWith("0000000000203000  4F53494E 464F535A").contains("|OSINFOSZ");
        CliRun bad = CliRun.of("hmc", dir, "display", "storage", "0x8000000", "16");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("sadump hmc display: ").contains("0x8000000");
    }

    @Test
    void anOperatorErrorIsOneLineAndChangesNothing() throws Exception {
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        byte[] before = Files.readAllBytes(tmp.resolve("sys1").resolve("cpus.state"));
        CliRun none = CliRun.of("hmc", dir, "load", "0.0.0999");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo(
                "sadump hmc load: no device at load address 0.0.0999; attached: 0.0.0190 (3390 DASD), 0.0.0191 (3390 DASD)");
        CliRun blank = CliRun.of("hmc", dir, "load", "191");
        assertThat(blank.exit()).isEqualTo(1);
        assertThat(blank.err()).contains("0.0.0191 holds no dump tool").contains("sadump dumpdev");
        CliRun both = CliRun.of("hmc", dir, "load", "190", "--clear", "--store-status");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(Files.readAllBytes(tmp.resolve("sys1").resolve("cpus.state"))).isEqualTo(before);

        MachineDirectory m = MachineDirectory.open(tmp.resolve("sys1"));
        try (MachineLock lock = m.lock()) {
            CliRun locked = CliRun.of("hmc", dir, "load", "190");
            assertThat(locked.exit()).isEqualTo(1);
            assertThat(locked.err()).contains("lock");
        }
    }

    @Test
    void restartWithOnRestartStopEndsStopped() {
        assertThat(CliRun.of("inject", dir, "meminfo-pointer-zero").exit()).isZero();
        CliRun r = CliRun.of("hmc", dir, "restart", "--json");
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o.get("verdict")).isEqualTo("fail");
        assertThat(o.get("code")).isEqualTo("0x4520");
        assertThat(MiniJson.object(o.get("dump")).get("kind")).isEqualTo("none");
        List<Object> messages = MiniJson.array(o.get("messages"));
        assertThat(messages).anyMatch(s -> ((String) s).startsWith("kernel: kdump not possible: 0x4520"));
    }
}
