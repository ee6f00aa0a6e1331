package io.sadump.ipl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stand-alone dumper's behaviour through the full HMC load: the
 * multi-volume checks (0x4605, 0x4604, force, 0x4600), tape end of volume, injected I/O errors, the
 * size limit of the parameter tail and the progress lines. Codes from zipl's {@code include/boot/error.h}
 * (docs/formats.md §5).
 */
class FallbackDumpBehaviourTest {
    static final DeviceNumber V0 = DeviceNumber.parse("0.0.0200");
    static final DeviceNumber V1 = DeviceNumber.parse("0.0.0201");
    static final DeviceNumber SHORT_TAPE = DeviceNumber.parse("0.0.0182");
    static final Pattern PROGRESS = Pattern.compile("(\\d{8}) / (\\d{8}) MB \\(Dump file size (\\d{8}) MB\\)");

    @TempDir
    Path tmp;

    // ---- multi-volume ----------------------------------------------------------------------------

    /** A 128 MiB machine with two 3390s prepared as one multi-volume set; meminfo broken so it falls back. */
    private TestMachine multiVolume(int cyl0, int cyl1, DumpToolOptions options) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"), 128 * Sizes.MIB);
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V0, AttachedDevice.DeviceType.DASD_3390, cyl0));
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(V1, AttachedDevice.DeviceType.DASD_3390, cyl1));
            try (EckdDasd d0 = AttachedDevices.openDasd(m.machine, lock, V0);
                    EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1)) {
                DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V0, d0),
                        new DumpDevicePreparer.Volume(V1, d1)), options, Instant.parse("2026-11-25T10:00:00Z"));
            }
            try (FileStorage s = m.machine.openStorage(lock)) {
                s.putU64(Lowcore.MEMINFO_POINTER, 0);
            }
        }
        return m;
    }

    private static LoadOutcome loadV0(TestMachine m) throws IOException {
        return m.run((l, c) -> l.load(new LoadRequest(V0, false, true, ""), c), elf());
    }

    private static ReadBackDump inspectVolumes(TestMachine m) throws IOException {
        List<DumpBlockSource> sources = new ArrayList<>();
        for (DeviceNumber v : List.of(V0, V1)) {
            EckdDasd d = AttachedDevices.openDasd(m.machine, v);
            sources.add(d.dumpPartition().closingDasd());
        }
        return S390ExtDumpReader.inspectMultiVolume(sources, List.of(V0.toString(), V1.toString()));
    }

    @Test
    void aVolumeWhoseTableTimestampDiffersStopsTheDumpWith4605() throws IOException {
        TestMachine m = multiVolume(60, 200, DumpToolOptions.defaults());
        try (MachineLock lock = m.machine.lock(); EckdDasd d1 = AttachedDevices.openDasd(m.machine, lock, V1)) {
            // zipl -M run again for 0201 alone: its table carries another time stamp than 0200's
            DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(V1, d1)),
                    DumpToolOptions.defaults(), Instant.parse("2026-11-25T11:00:00Z"));
        }
        LoadOutcome o = loadV0(m);
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.INCONSISTENT_TIME);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x4605"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
    }

    @Test
    void aVolumeWithoutTheSignatureStopsTheDumpWith4604() throws IOException {
        TestMachine m = multiVolume(60, 200, DumpToolOptions.defaults());
        clearSignature(m, V1);
        LoadOutcome o = loadV0(m);
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.WRONG_SIGNATURE);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x4604"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
    }

    @Test
    void withForceAMissingSignatureDoesNotStopTheDump() throws IOException {
        TestMachine m = multiVolume(60, 200, new DumpToolOptions(OptionalLong.empty(), false, true));
        clearSignature(m, V1);
        LoadOutcome o = loadV0(m);
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        assertThat(o.messages()).contains(IplLoader.DUMP_SUCCESSFUL);
        try (ReadBackDump dump = inspectVolumes(m)) {
            assertThat(dump.complete()).isTrue();
            MebibyteDigests.Comparison c = m.atDump.compare(dump.memory());
            assertThat(c.different()).isEmpty();
            assertThat(c.absent()).isEmpty();
        }
    }

    @Test
    void runningOutOfVolumesIsDeviceTooSmallAndTheDumpReadsIncomplete() throws IOException {
        TestMachine m = multiVolume(10, 10, DumpToolOptions.defaults());
        LoadOutcome o = loadV0(m);
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.DEVICE_TOO_SMALL);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x4600 Device too small"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
        try (ReadBackDump dump = inspectVolumes(m)) {
            assertThat(dump.complete()).isFalse();
            assertThat(dump.s390EndMarker()).isEmpty();
        }
    }

    @Test
    void aFullSingleVolumeIsDeviceTooSmallAndTheDumpReadsIncomplete() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.SMALL_DASD, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.DEVICE_TOO_SMALL);
        assertThat(o.messages()).noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
        try (EckdDasd d = AttachedDevices.openDasd(m.machine, TestMachine.SMALL_DASD);
                ReadBackDump dump = S390ExtDumpReader.inspect(d.dumpPartition().closingDasd(), "0191")) {
            assertThat(dump.complete()).isFalse();
            assertThat(dump.s390EndMarker()).isEmpty();
        }
    }

    private static void clearSignature(TestMachine m, DeviceNumber v) throws DeviceException {
        try (MachineLock lock = m.machine.lock(); EckdDasd d = AttachedDevices.openDasd(m.machine, lock, v)) {
            byte[] block = d.dumpPartition().readBlock(0);
            ByteBuffer.wrap(block).putLong(DumpDevicePreparer.MV_SIGNATURE_OFFSET, 0);
            d.dumpPartition().writeBlocks(0, ByteBuffer.wrap(block));
            d.flush();
            assertThat(DumpDevicePreparer.hasSignature(d)).isFalse();
        }
    }

    // ---- tape ------------------------------------------------------------------------------------

    @Test
    void tapeEndOfVolumeIs4600AndThePartialDumpHasNoEndMarker() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        try (MachineLock lock = m.machine.lock()) {
            AttachedDevices.attach(m.machine, lock, new AttachedDevice(SHORT_TAPE, AttachedDevice.DeviceType.TAPE_3490,
                    16 * Sizes.MIB));
            try (TapeDrive tape = AttachedDevices.openTape(m.machine, lock, SHORT_TAPE)) {
                DumpDevicePreparer.prepareTape(tape, DumpToolOptions.defaults());
            }
        }
        breakMeminfoPointer(m);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(SHORT_TAPE, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.DEVICE_TOO_SMALL);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x4600 Device too small"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
        try (TapeDrive tape = AttachedDevices.openTape(m.machine, SHORT_TAPE);
                ReadBackDump dump = ClassicS390DumpReader.inspectTape(tape.dumpFile(S390DumpHeader::isDumpHeader), "short tape")) {
            assertThat(dump.complete()).isFalse();
            assertThat(dump.s390EndMarker()).isEmpty();
            assertThat(dump.problem()).isPresent();
        }
    }

    // ---- injected I/O errors ---------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 77, 2026})
    void anIoErrorAtARandomPointOfADasdDumpStopsItWithACode(long seed) throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        // 256 MiB mixed, compressed: the dump writes far more than 2000 blocks (8 MiB)
        long n = 1 + new SplittableRandom(seed).nextLong(2000);
        m.devices = (inner, lock) -> number -> {
            if (!number.equals(TestMachine.DASD)) {
                return inner.open(number);
            }
            EckdDasd d = AttachedDevices.openDasd(m.machine, lock, number);
            d.setFaultPlan(IoFaultPlan.failNthWrite(n));
            return new EckdLoadDevice(number, d, v -> java.util.Optional.empty());
        };
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        String why = "seed " + seed + ", failing write #" + n + "\n" + String.join("\n", o.messages());
        assertThat(o.dumpComplete()).as(why).isFalse();
        assertThat(o.dumpCode()).as(why).isEqualTo(DumpFailedException.IO_ERROR);
        assertThat(o.messages()).as(why).anyMatch(s -> s.startsWith("Dump failed: 0x0003"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);
        try (EckdDasd d = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                ReadBackDump dump = S390ExtDumpReader.inspect(d.dumpPartition().closingDasd(), "0190")) {
            assertThat(dump.complete()).as(why).isFalse();
        }
    }

    @Test
    void anIoErrorOnTapeStopsTheDumpWithACode() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        long n = 1 + new SplittableRandom(11).nextLong(4000);
        m.devices = (inner, lock) -> number -> {
            TapeDrive t = AttachedDevices.openTape(m.machine, lock, number);
            t.setFaultPlan(IoFaultPlan.failNthWrite(n));
            return new TapeLoadDevice(number, t);
        };
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.TAPE, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).as("write #" + n).isFalse();
        assertThat(o.dumpCode()).isEqualTo(DumpFailedException.IO_ERROR);
        assertThat(o.messages()).anyMatch(s -> s.startsWith("Dump failed: 0x0003"))
                .noneMatch(s -> s.equals(IplLoader.DUMP_SUCCESSFUL));
        try (TapeDrive tape = AttachedDevices.openTape(m.machine, TestMachine.TAPE);
                ReadBackDump dump = ClassicS390DumpReader.inspectTape(tape.dumpFile(S390DumpHeader::isDumpHeader), "tape")) {
            assertThat(dump.complete()).isFalse();
        }
    }

    // ---- size limit ------------------------------------------------------------------------------

    @Test
    void theParameterTailsSizeLimitCutsTheDumpAndKeepsTheRealSizeInTheHeader() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        long limit = 64 * Sizes.MIB;
        try (MachineLock lock = m.machine.lock(); EckdDasd d = AttachedDevices.openDasd(m.machine, lock,
                TestMachine.DASD)) {
            DumpDevicePreparer.prepareDasd(d, new DumpToolOptions(OptionalLong.of(limit), false, false));
        }
        breakMeminfoPointer(m);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).as(String.join("\n", o.messages())).isTrue();
        assertThat(o.messages()).contains("Using memory limit");
        assertThat(o.messages().indexOf("Using memory limit")).isGreaterThan(o.messages().indexOf(IplLoader.DUMPING));
        try (EckdDasd d = AttachedDevices.openDasd(m.machine, TestMachine.DASD);
                ReadBackDump dump = S390ExtDumpReader.open(d.dumpPartition().closingDasd(), "0190")) {
            S390DumpHeader h = dump.s390Header().orElseThrow();
            assertThat(h.memSize()).isEqualTo(limit);
            assertThat(h.memSizeReal()).isEqualTo(TestMachine.STORAGE);
            // the reader keeps the system's size (as zgetdump's real memory size); above the limit is absent
            assertThat(dump.memory().memorySize()).isEqualTo(TestMachine.STORAGE);
            MebibyteDigests.Comparison c = m.atDump.compare(dump.memory());
            assertThat(c.different()).isEmpty();
            assertThat(c.equal()).isEqualTo(limit / Sizes.MIB);
            assertThat(c.absent()).hasSize((int) ((TestMachine.STORAGE - limit) / Sizes.MIB));
        }
    }

    @Test
    void withoutALimitThereIsNoLimitMessage() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.DASD, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).isTrue();
        assertThat(o.messages()).doesNotContain("Using memory limit");
    }

    // ---- progress --------------------------------------------------------------------------------

    @Test
    void progressLinesComeAtMostEvery5SecondsAndOnceAtTheEnd() throws IOException {
        TestMachine m = new TestMachine(tmp.resolve("m"));
        breakMeminfoPointer(m);
        StepClock clock = new StepClock();
        m.clock = clock;
        long[] events = {0};
        // every progress event of the writer takes 1.3 s of the dumper's clock
        m.onProgress = done -> {
            events[0]++;
            clock.advance(Duration.ofMillis(1300));
        };
        LoadOutcome o = m.run((l, c) -> l.load(new LoadRequest(TestMachine.TAPE, false, true, ""), c), elf());
        assertThat(o.dumpComplete()).isTrue();
        List<Instant> times = new ArrayList<>();
        List<long[]> lines = new ArrayList<>();
        for (int i = 0; i < m.console.size(); i++) {
            Matcher mt = PROGRESS.matcher(m.console.get(i));
            if (mt.matches()) {
                times.add(m.consoleTimes.get(i));
                lines.add(new long[] {Long.parseLong(mt.group(1)), Long.parseLong(mt.group(2))});
            }
        }
        assertThat(events[0]).isGreaterThan(20);
        assertThat(lines).hasSizeGreaterThan(2);
        // every line but the closing one is at least 5 s after the previous line (or the dump's start)
        for (int i = 1; i < times.size() - 1; i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        }
        assertThat(lines.size()).isLessThanOrEqualTo((int) (events[0] * 13 / 50) + 1);
        long[] last = lines.get(lines.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]).isEqualTo(TestMachine.STORAGE >> 20);
        int end = o.messages().indexOf(IplLoader.DUMP_SUCCESSFUL);
        assertThat(PROGRESS.matcher(o.messages().get(end - 1)).matches()).isTrue();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void breakMeminfoPointer(TestMachine m) throws IOException {
        try (MachineLock lock = m.machine.lock(); FileStorage s = m.machine.openStorage(lock)) {
            s.putU64(Lowcore.MEMINFO_POINTER, 0);
        }
    }

    private static ElfVmcoreWriter elf() {
        return new ElfVmcoreWriter(io.sadump.dump.DumpProgressListener.NONE);
    }

    /** A clock the test moves. */
    static final class StepClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
