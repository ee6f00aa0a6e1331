package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390EndMarker;
import io.sadump.fixtures.FirstKernelLayout;
import io.sadump.interop.HerculesChecks;
import io.sadump.interop.InteropTools;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop after a stand-alone dump through the HMC load: every DASD and tape image
 * the dumper wrote still passes the Hercules checks the device drivers' own tests use
 * (docs/formats.md §11), also after a failed dump; the classic dump extracted from the tape with
 * Hercules' {@code hetget} opens in libkdumpfile (Debian's python3-libkdumpfile), which reads the
 * memory the production system held, and refuses it once its end marker is damaged. Tools missing
 * fail the tests with {@code -Dsadump.interop=required}.
 */
class DumpDeviceInteropTest {
    static final DeviceNumber V0 = DeviceNumber.parse("0.0.0200");
    static final DeviceNumber V1 = DeviceNumber.parse("0.0.0201");

    @TempDir
    Path tmp;

    private static Path image(TestMachine m, DeviceNumber d) {
        return m.machine.deviceImage(m.machine.config().device(d).orElseThrow());
    }

    private static void breakMeminfoPointer(TestMachine m) throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            s.putU64(Lowcore.MEMINFO_POINTER, 0);
        }
    }

    private static LoadOutcome load(TestMachine m, DeviceNumber d) throws IOException {
        return m.run((l, c) -> l.load(new LoadRequest(d, false, true, ""), c),
                new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE));
    }

    @Test
    void theDasdImagePassesHerculesAfterACompressedDumpAndAfterAFailedOne() throws Exception {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        LoadOutcome o = load(m, TestMachine.DASD);
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        HerculesChecks.assertHerculesAcceptsCkd(image(m, TestMachine.DASD), tmp);

        // a second dump that an injected equipment check stops half way
        breakMeminfoPointer(m);
        m.devices = (inner, lock) -> number -> {
            EckdDasd d = AttachedDevices.openDasd(m.machine, lock, number);
            d.setFaultPlan(IoFaultPlan.failNthWrite(1500));
            return new EckdLoadDevice(number, d, v -> Optional.empty());
        };
        LoadOutcome failed = load(m, TestMachine.DASD);
        assertThat(failed.dumpComplete()).isFalse();
        assertThat(failed.dumpCode()).isEqualTo(DumpFailedException.IO_ERROR);
        HerculesChecks.assertHerculesAcceptsCkd(image(m, TestMachine.DASD), tmp);
    }

    @Test
    void bothVolumesOfAMultiVolumeDumpPassHercules() throws Exception {
        TestMachine m = new TestMachine(tmp.resolve("m"), 128 * Sizes.MIB);
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V0, AttachedDevice.DeviceType.DASD_3390, 60));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V1, AttachedDevice.DeviceType.DASD_3390, 200));
            try (EckdDasd d0 = AttachedDevices.openDasd(m.machine, lock, V0);
                    EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1)) {
                DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V0, d0),
                        new DumpDevicePreparer.Volume(V1, d1)), DumpToolOptions.defaults(), Instant.now());
            }
        }
        breakMeminfoPointer(m);
        LoadOutcome o = load(m, V0);
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        assertThat(o.paths()).containsExactly(V0.toString(), V1.toString());
        HerculesChecks.assertHerculesAcceptsCkd(image(m, V0), tmp);
        HerculesChecks.assertHerculesAcceptsCkd(image(m, V1), tmp);
    }

    @Test
    void theTapePassesHerculesAndTheExtractedDumpOpensInLibkdumpfile() throws Exception {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        List<Long> addresses = List.of(Lowcore.SAVE_AREA + 0x80, FirstKernelLayout.INIT_UTS_NS, 0x12_3450L,
                0x0A40_1230L, TestMachine.STORAGE - 0x1000);
        m.probes.addAll(addresses);
        breakMeminfoPointer(m);
        LoadOutcome o = load(m, TestMachine.TAPE);
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        Path aws = image(m, TestMachine.TAPE);

        List<HerculesChecks.TapeFile> files = HerculesChecks.assertHerculesAcceptsAws(aws, tmp);
        long memoryBlocks = TestMachine.STORAGE / (32 * 1024);
        // file 1: the dump tool; file 2: header, memory blocks, end marker
        assertThat(files).hasSize(2);
        assertThat(files.get(0).blocks()).isEqualTo(1);
        assertThat(files.get(1).blocks()).isEqualTo(1 + memoryBlocks + 1);
        assertThat(files.get(1).maxSize()).isEqualTo(32 * 1024);
        assertThat(files.get(1).minSize()).isEqualTo(S390EndMarker.SIZE);

        Path dump = tmp.resolve("tape.s390");
        var x = InteropTools.run(tmp, InteropTools.requireTool("hetget"), "-n", aws.toString(),
                dump.toString(), "2", "U", "0", "32768");
        assertThat(x.exitCode()).as("hetget: %s", x.output()).isZero();
        assertThat(Files.size(dump)).isEqualTo(S390DumpHeader.SIZE + TestMachine.STORAGE + S390EndMarker.SIZE);

        var good = kdumpfile(dump, addresses);
        assertThat(good.exitCode()).as(good.output()).isZero();
        assertThat(good.output()).contains("format s390dump").contains("arch s390x");
        for (long a : addresses) {
            assertThat(good.output()).as("libkdumpfile at 0x%x", a)
                    .contains(String.format("mem %x %s", a, HexFormat.of().formatHex(m.probeBytes.get(a))));
        }

        Path bad = tmp.resolve("bad-end-marker.s390");
        Files.copy(dump, bad);
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("DUMP_EN?".getBytes(StandardCharsets.US_ASCII)),
                    S390DumpHeader.SIZE + TestMachine.STORAGE);
        }
        var refused = kdumpfile(bad, addresses);
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("End marker not found");
    }

    @Test
    void aTapeFilledToItsEndPassesHerculesAndLibkdumpfileRefusesThePartialDump() throws Exception {
        DeviceNumber shortTape = DeviceNumber.parse("0.0.0182");
        TestMachine m = new TestMachine(tmp.resolve("m"));
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(shortTape, AttachedDevice.DeviceType.TAPE_3490,
                    16 * Sizes.MIB));
            try (TapeDrive tape = AttachedDevices.openTape(m.machine, lock, shortTape)) {
                DumpDevicePreparer.prepareTape(tape, DumpToolOptions.defaults());
            }
        }
        breakMeminfoPointer(m);
        LoadOutcome o = load(m, shortTape);
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.DEVICE_TOO_SMALL);
        Path aws = image(m, shortTape);
        List<HerculesChecks.TapeFile> files = HerculesChecks.assertHerculesAcceptsAws(aws, tmp);
        assertThat(files).isNotEmpty();
        Path dump = tmp.resolve("partial.s390");
        var x = InteropTools.run(tmp, InteropTools.requireTool("hetget"), "-n", aws.toString(),
                dump.toString(), "2", "U", "0", "32768");
        assertThat(x.exitCode()).as("hetget: %s", x.output()).isZero();
        var r = kdumpfile(dump, List.of(0x1000L));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
    }

    /** Opens {@code file} with libkdumpfile: "format F", "arch A", "mem ADDR HEX" for 16 bytes at each address. */
    static InteropTools.Result kdumpfile(Path file, List<Long> addresses) {
        return InteropTools.kdumpfile(file, addresses, "");
    }
}
