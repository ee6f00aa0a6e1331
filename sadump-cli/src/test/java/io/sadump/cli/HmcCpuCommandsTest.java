package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.MachineTemplate;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.RunState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sadump hmc stop|start|reset|mount} and the HMC's rule that a normal load needs stopped CPUs:
 * happy paths, JSON, bad input, refusals that change nothing.
 */
class HmcCpuCommandsTest {
    @TempDir
    Path tmp;
    Path machineDir;
    String dir;

    /** Holds the template; JUnit removes it after the class (a plain temporary directory stayed behind). */
    @TempDir
    static Path templateRoot;

    /** The machine built once for the class; each test gets its own sparse copy. */
    private static Path template;

    @BeforeEach
    void machine() throws Exception {
        synchronized (HmcCpuCommandsTest.class) {
            if (template == null) {
                Path t = templateRoot.resolve("sys1");
                String td = t.toString();
                CliRun c = CliRun.of("machine", "create", td, "--storage", "128M", "--dasd", "0.0.0190:300", "--tape",
                        "0.0.0181:8M");
                assertThat(c.exit()).as(c.err()).isZero();
                assertThat(CliRun.of("dumpdev", "prepare", td, "0.0.0190").exit()).isZero();
                assertThat(CliRun.of("kexec", "load", td).exit()).isZero();
                template = t;
            }
        }
        machineDir = tmp.resolve("sys1");
        dir = machineDir.toString();
        MachineTemplate.copy(template, machineDir);
    }

    private RunState state() {
        return MachineDirectory.open(machineDir).runState();
    }

    private byte[] file(String name) throws Exception {
        return Files.readAllBytes(machineDir.resolve(name));
    }

    @Test
    void aCreatedProductionSystemOperatesAndALoadIsRefusedWithTheFixAndNothingChanged() throws Exception {
        assertThat(state()).isEqualTo(RunState.operating());
        byte[] cpus = file("cpus.state");
        byte[] log = file("console.log");
        CliRun r = CliRun.of("hmc", dir, "load", "190", "--store-status");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("sadump hmc load: the CPUs of " + dir + " are operating: stop them first "
                + "(sadump hmc " + dir + " stop), or load clear (sadump hmc " + dir + " load 190 --clear");
        assertThat(file("cpus.state")).isEqualTo(cpus);
        assertThat(file("console.log")).isEqualTo(log);
        assertThat(state()).isEqualTo(RunState.operating());
        try (var v = Files.list(machineDir.resolve("vmcore"))) {
            assertThat(v).isEmpty();
        }
    }

    @Test
    void stopThenLoadWorksAndTheReIplLeavesTheSystemOperating() {
        CliRun stop = CliRun.of("hmc", dir, "stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).startsWith("HMC: stop: 2 CPUs stopped (operating before); CPU 0 PSW 0704C00180000000 ")
                .contains("State:    stopped");
        assertThat(state()).isEqualTo(RunState.stopped());
        assertThat(CliRun.of("hmc", dir, "display", "psw").out()).contains("CPUs stopped");
        assertThat(MiniJson.object(MiniJson.parse(CliRun.of("machine", "show", dir, "--json").out())))
                .containsEntry("run_state", "stopped");
        assertThat(CliRun.of("machine", "show", dir).out()).contains("CPUs         2, stopped");
        CliRun load = CliRun.of("hmc", dir, "load", "190", "--store-status", "--json");
        assertThat(load.exit()).as(load.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(load.out()));
        assertThat(o.get("verdict")).isEqualTo("pass");
        assertThat(o.get("after")).isEqualTo("reipl");
        assertThat(state()).isEqualTo(RunState.operating());
        // restart (how kdump is triggered) needs no stop
        CliRun restart = CliRun.of("hmc", dir, "restart", "--json");
        assertThat(restart.exit()).as(restart.err()).isZero();
        assertThat(MiniJson.object(MiniJson.parse(restart.out())).get("verdict")).isEqualTo("pass");
        assertThat(state()).isEqualTo(RunState.operating());
        assertThat(CliRun.of("hmc", dir, "messages").out()).contains("HMC: stop: 2 CPUs stopped");
    }

    @Test
    void aLoadClearOfRunningCpusIsAllowedAndLeavesThemStopped() {
        CliRun r = CliRun.of("hmc", dir, "load", "190", "--clear", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(MiniJson.object(MiniJson.parse(r.out())).get("after")).isEqualTo("stopped");
        assertThat(state()).isEqualTo(RunState.stopped());
    }

    @Test
    void aDumpWithoutIpibEndsInTheDumpersDisabledWaitWhichStartRefusesAndStopEnds() throws Exception {
        assertThat(CliRun.of("inject", dir, "meminfo-pointer-zero").exit()).isZero();
        try (MachineLock lock = MachineDirectory.open(machineDir).lock();
                AbsoluteStorage s = MachineDirectory.open(machineDir).openStorage(lock)) {
            s.putU64(io.sadump.machine.Lowcore.IPIB_POINTER, 0); // no re-IPL: the dumper stops
        }
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        CliRun load = CliRun.of("hmc", dir, "load", "190", "--json");
        assertThat(load.exit()).as(load.err()).isZero();
        assertThat(MiniJson.object(MiniJson.parse(load.out())).get("wait_code")).isEqualTo("0x4520");
        assertThat(state()).isEqualTo(RunState.disabledWait(0x4520));
        assertThat(CliRun.of("hmc", dir, "display", "psw").out()).contains("disabled wait, code 0x4520")
                .contains("CPUs disabled wait, code 0x4520");

        byte[] before = file("run.state");
        CliRun start = CliRun.of("hmc", dir, "start");
        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err().strip()).startsWith("sadump hmc start: the CPUs of " + dir
                + " are in a disabled wait (code 0x4520): start does nothing").contains("load (IPL) a device, or reset");
        assertThat(file("run.state")).isEqualTo(before);

        // stopped out of the wait, a start resumes the wait PSW: the disabled wait again
        CliRun stop = CliRun.of("hmc", dir, "stop", "--json");
        Map<String, Object> o = MiniJson.object(MiniJson.parse(stop.out()));
        assertThat(MiniJson.object(o.get("before"))).containsEntry("state", "disabled-wait")
                .containsEntry("wait_code", "0x4520");
        assertThat(MiniJson.object(o.get("after"))).containsEntry("state", "stopped");
        CliRun again = CliRun.of("hmc", dir, "start", "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(MiniJson.object(MiniJson.object(MiniJson.parse(again.out())).get("after")))
                .containsEntry("state", "disabled-wait").containsEntry("wait_code", "0x4520");
    }

    @Test
    void stopStartRoundTripKeepsThePswAndIsIdempotent() throws Exception {
        byte[] cpus = file("cpus.state");
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        CliRun twice = CliRun.of("hmc", dir, "stop");
        assertThat(twice.exit()).isZero();
        assertThat(twice.out()).startsWith("HMC: stop: the CPUs are already stopped");
        CliRun start = CliRun.of("hmc", dir, "start", "--json");
        assertThat(start.exit()).as(start.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(start.out()));
        assertThat(o.get("task")).isEqualTo("start");
        assertThat(MiniJson.object(o.get("after"))).containsEntry("state", "operating");
        assertThat((String) o.get("message")).startsWith("HMC: start: 2 CPUs started at CPU 0 PSW 0704C00180000000");
        assertThat(file("cpus.state")).isEqualTo(cpus);
        assertThat(CliRun.of("hmc", dir, "start").out()).startsWith("HMC: start: the CPUs are already operating");
    }

    @Test
    void resetNormalKeepsStorageAndResetClearZeroesItAndStartThenHasNothingToRun() throws Exception {
        long meminfo;
        try (AbsoluteStorage s = MachineDirectory.open(machineDir).openStorage()) {
            meminfo = s.u64(io.sadump.machine.Lowcore.MEMINFO_POINTER);
        }
        assertThat(meminfo).isNotZero();
        CliRun normal = CliRun.of("hmc", dir, "reset");
        assertThat(normal.exit()).as(normal.err()).isZero();
        assertThat(normal.out()).startsWith("HMC: reset normal: 2 CPUs reset and stopped (operating before); "
                + "storage and registers kept");
        try (AbsoluteStorage s = MachineDirectory.open(machineDir).openStorage()) {
            assertThat(s.u64(io.sadump.machine.Lowcore.MEMINFO_POINTER)).isEqualTo(meminfo);
        }
        assertThat(state()).isEqualTo(RunState.stopped());

        CliRun clear = CliRun.of("hmc", dir, "reset", "--clear", "--json");
        assertThat(clear.exit()).as(clear.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(clear.out()));
        assertThat(o.get("task")).isEqualTo("reset clear");
        assertThat((String) o.get("message")).contains("storage zeroed (128M)").contains("no dump is possible");
        try (AbsoluteStorage s = MachineDirectory.open(machineDir).openStorage()) {
            for (long frame = 0; frame < s.size(); frame += 1 << 20) {
                assertThat(s.writtenFrames().isWritten(frame >> 20)).as("frame at 0x%X", frame).isFalse();
            }
            assertThat(s.u64(io.sadump.machine.Lowcore.MEMINFO_POINTER)).isZero();
            assertThat(s.bytes(0x203000, 4096)).containsOnly((byte) 0);
        }
        assertThat(MachineDirectory.open(machineDir).cpus()).allSatisfy(c -> {
            assertThat(c.pswMask()).isZero();
            assertThat(c.prefix()).isZero();
        });
        CliRun start = CliRun.of("hmc", dir, "start");
        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.err()).contains("hold no program (all-zero PSW");
        assertThat(CliRun.of("hmc", dir, "messages", "--last", "3").out()).contains("HMC: reset normal")
                .contains("HMC: reset clear: storage zeroed");
    }

    @Test
    void mountPutsAFreshTapeOnTheDriveAndKeepsTheOldVolume() throws Exception {
        Path fresh = tmp.resolve("fresh.aws");
        Files.write(fresh, new byte[0]);
        Path image = machineDir.resolve("devices").resolve("0.0.0181.aws");
        Files.write(image, blockAndTapemark());
        byte[] old = Files.readAllBytes(image);
        CliRun r = CliRun.of("hmc", dir, "mount", "181", fresh.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> o = MiniJson.object(MiniJson.parse(r.out()));
        assertThat(o.get("device")).isEqualTo("0.0.0181");
        assertThat(o.get("type")).isEqualTo("3490");
        assertThat(o.get("volume")).isEqualTo("blank AWSTAPE volume");
        Path previous = Path.of((String) o.get("previous"));
        assertThat(previous.getParent()).isEqualTo(machineDir.resolve("devices").resolve("unmounted"));
        assertThat(Files.readAllBytes(previous)).isEqualTo(old);
        assertThat(Files.size(image)).isZero();
        assertThat(CliRun.of("hmc", dir, "messages", "--last", "1").out()).contains("HMC: mount 0.0.0181: fresh.aws "
                + "(blank AWSTAPE volume); the previous volume is kept as devices/unmounted/0.0.0181-");
        // the fresh cartridge can be prepared and dumped to as the old one
        assertThat(CliRun.of("dumpdev", "prepare", dir, "181").exit()).isZero();
    }

    @Test
    void mountSwapsADasdImageAndTheConfigTakesItsCylinders() throws Exception {
        Path spare = tmp.resolve("spare.3390");
        io.sadump.device.ckd.EckdDasd.create(spare, 20, "SPARE1").close();
        CliRun r = CliRun.of("hmc", dir, "mount", "0.0.0190", spare.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("HMC: mount 0.0.0190: spare.3390 (3390 volume SPARE1, 20 cylinders)");
        assertThat(MachineDirectory.open(machineDir).config().device(io.sadump.machine.DeviceNumber.parse("190"))
                .orElseThrow().capacity()).isEqualTo(20);
        assertThat(Files.size(machineDir.resolve("devices").resolve("0.0.0190.3390"))).isEqualTo(Files.size(spare));
        // the new disk holds no dump tool: a load says so
        assertThat(CliRun.of("hmc", dir, "stop").exit()).isZero();
        CliRun load = CliRun.of("hmc", dir, "load", "190");
        assertThat(load.exit()).isEqualTo(1);
        assertThat(load.err()).contains("holds no dump tool");
    }

    @Test
    void mountRefusesBadInputInOneLineAndChangesNothing() throws Exception {
        Path devices = machineDir.resolve("devices");
        byte[] dasd = Files.readAllBytes(devices.resolve("0.0.0190.3390"));
        byte[] tape = Files.readAllBytes(devices.resolve("0.0.0181.aws"));
        byte[] conf = file("machine.conf");
        Path junk = tmp.resolve("junk.aws");
        byte[] noise = new byte[1000];
        new java.util.SplittableRandom(7).nextBytes(noise);
        Files.write(junk, noise);
        Path empty = tmp.resolve("empty.aws");
        Files.write(empty, new byte[0]);
        Path big = tmp.resolve("big.aws");
        Files.write(big, bigTape(9 << 20));
        List<String[]> cases = List.of(
                new String[] {"999", empty.toString(), "no device at 0.0.0999; attached: 0.0.0181 (3490 tape), 0.0.0190 (3390 DASD)"},
                new String[] {"181", tmp.resolve("missing.aws").toString(), "does not exist"},
                new String[] {"181", tmp.toString(), "not a regular file"},
                new String[] {"181", junk.toString(), "cannot mount " + junk + " on 0.0.0181 (3490 tape): " + junk + ": chunk at offset 0"},
                new String[] {"181", devices.resolve("0.0.0190.3390").toString(), "a Hercules CKD DASD image, not an AWSTAPE tape volume"},
                new String[] {"181", big.toString(), "more than the 8M cartridge capacity of 0.0.0181"},
                new String[] {"190", empty.toString(), "an empty file, not a CKD 3390 image"},
                new String[] {"190", blockFile().toString(), "an AWSTAPE tape volume, not a CKD 3390 image"},
                new String[] {"190", junk.toString(), "is not a Hercules CKD image"},
                new String[] {"190", devices.resolve("0.0.0190.3390").toString(), "is already the volume of 0.0.0190"});
        for (String[] c : cases) {
            CliRun r = CliRun.of("hmc", dir, "mount", c[0], c[1]);
            assertThat(r.exit()).as(Arrays.toString(c)).isEqualTo(1);
            assertThat(r.err()).as(Arrays.toString(c)).startsWith("sadump hmc mount: ").contains(c[2]);
            assertThat(r.err().strip().lines()).hasSize(1);
        }
        assertThat(CliRun.of("hmc", dir, "mount", "zz", empty.toString()).exit()).isEqualTo(2);
        assertThat(Files.readAllBytes(devices.resolve("0.0.0190.3390"))).isEqualTo(dasd);
        assertThat(Files.readAllBytes(devices.resolve("0.0.0181.aws"))).isEqualTo(tape);
        assertThat(file("machine.conf")).isEqualTo(conf);
        try (var l = Files.list(devices)) {
            assertThat(l.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0.0.0190.3390",
                    "0.0.0181.aws");
        }
    }

    @Test
    void aMachineLockedByAnotherCommandIsRefusedByEveryChangingTask() throws Exception {
        Path fresh = tmp.resolve("fresh.aws");
        Files.write(fresh, new byte[0]);
        byte[] state = file("run.state");
        MachineDirectory m = MachineDirectory.open(machineDir);
        try (MachineLock lock = m.lock()) {
            for (String[] args : List.of(new String[] {"stop"}, new String[] {"start"}, new String[] {"reset"},
                    new String[] {"load", "190", "--clear"}, new String[] {"restart"},
                    new String[] {"mount", "181", fresh.toString()})) {
                String[] full = new String[args.length + 2];
                full[0] = "hmc";
                full[1] = dir;
                System.arraycopy(args, 0, full, 2, args.length);
                CliRun r = CliRun.of(full);
                assertThat(r.exit()).as(Arrays.toString(args)).isEqualTo(1);
                assertThat(r.err()).as(Arrays.toString(args)).contains("is already locked by this process");
            }
        }
        assertThat(file("run.state")).isEqualTo(state);
    }

    @Test
    void theSubcommandsRunRepeatedlyOnOneCommandLineAsTheInteractiveConsoleWill() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SadumpCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("hmc", dir, "stop", "--json")).isZero();
        assertThat(cl.execute("hmc", dir, "stop")).isZero(); // --json of the run before does not stick
        assertThat(cl.execute("hmc", dir, "reset", "--clear")).isZero();
        assertThat(cl.execute("hmc", dir, "reset")).isZero(); // nor does --clear
        assertThat(cl.execute("hmc", dir, "start")).isEqualTo(1);
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("{\"task\":\"stop\"");
        assertThat(lines[1]).startsWith("HMC: stop: the CPUs are already stopped");
        assertThat(out.toString()).contains("HMC: reset clear").contains("HMC: reset normal");
        assertThat(err.toString()).contains("hold no program");
    }

    @Test
    void helpTeachesWithExamples() {
        for (String cmd : List.of("stop", "start", "reset", "mount")) {
            CliRun r = CliRun.of("hmc", dir, cmd, "--help");
            assertThat(r.exit()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Examples:").contains("sadump hmc sys1 " + cmd);
            assertThat(r.out().lines()).as(cmd).allMatch(l -> l.length() <= 80);
        }
        assertThat(CliRun.of("hmc", dir, "--help").out()).contains("stop").contains("mount");
    }

    /** One 4-byte block and a tape mark, as AWSTAPE chunks (docs/formats.md §8). */
    private static byte[] blockAndTapemark() {
        return new byte[] {4, 0, 0, 0, (byte) 0xA0, 0, 1, 2, 3, 4, 0, 0, 4, 0, 0x40, 0};
    }

    private Path blockFile() throws Exception {
        Path p = tmp.resolve("block.aws");
        Files.write(p, blockAndTapemark());
        return p;
    }

    /** A valid tape of {@code bytes} or a little more: 64 KiB - 1 blocks. */
    private static byte[] bigTape(int bytes) {
        int block = 0xFFFF;
        int n = bytes / (block + 6) + 1;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n * (block + 6)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int prev = 0;
        for (int i = 0; i < n; i++) {
            b.putShort((short) block).putShort((short) prev).put((byte) 0xA0).put((byte) 0);
            b.position(b.position() + block);
            prev = block;
        }
        return b.array();
    }
}
