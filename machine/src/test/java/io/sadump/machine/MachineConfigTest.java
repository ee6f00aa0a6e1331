package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.AttachedDevice.DeviceType;
import io.sadump.machine.MachineConfig.DumpconfAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MachineConfigTest {
    private static final long MIB = Sizes.MIB;

    private static MachineConfig randomConfig(SplittableRandom r) {
        long storage = r.nextLong(1, 1 << 14) * MIB * (r.nextBoolean() ? 1 : 1024);
        Optional<CrashkernelRange> ck = Optional.empty();
        if (storage >= 2 * MIB && r.nextBoolean()) {
            long frames = storage / MIB;
            long base = r.nextLong(1, frames);
            long size = r.nextLong(1, frames - base + 1);
            ck = Optional.of(new CrashkernelRange(base * MIB, size * MIB));
        }
        TreeSet<Integer> numbers = new TreeSet<>();
        int n = r.nextInt(0, 6);
        while (numbers.size() < n) {
            numbers.add(r.nextInt(0, 0x10000));
        }
        List<AttachedDevice> devices = new ArrayList<>();
        for (int devno : numbers) {
            DeviceNumber number = new DeviceNumber(r.nextInt(0, 2), r.nextInt(0, 4), devno);
            devices.add(r.nextBoolean()
                    ? new AttachedDevice(number, DeviceType.DASD_3390, r.nextLong(1, 65521))
                    : new AttachedDevice(number, DeviceType.TAPE_3490, r.nextLong(1, 1 << 20) * 4096));
        }
        DumpconfAction[] actions = DumpconfAction.values();
        Optional<DeviceNumber> dumpDevice = devices.isEmpty() || r.nextBoolean() ? Optional.empty()
                : Optional.of(devices.get(r.nextInt(devices.size())).number());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@#$ ";
        StringBuilder lp = new StringBuilder();
        int lpLength = r.nextInt(0, 9);
        for (int i = 0; i < lpLength; i++) {
            lp.append(alphabet.charAt(r.nextInt(i == 0 ? alphabet.length() - 1 : alphabet.length())));
        }
        String[] collectors = {"cp", "cp /proc/vmcore", "makedumpfile -d 31", "makedumpfile -c -d 31",
            "makedumpfile -z -d " + r.nextInt(32), "makedumpfile --message-level 7 -d 1"};
        CoreCollector collector = r.nextInt(3) == 0 ? CoreCollector.COPY
                : CoreCollector.parse(collectors[r.nextInt(collectors.length)]);
        return new MachineConfig(storage, r.nextInt(1, 65), ck, devices, actions[r.nextInt(4)],
                actions[r.nextInt(4)], dumpDevice, lp.toString(), collector);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void formatParseRoundTrip(long seed) {
        MachineConfig c = randomConfig(new SplittableRandom(seed));
        String text = c.format();
        assertThat(MachineConfig.parse(text)).as("seed %d:\n%s", seed, text).isEqualTo(c);
        assertThat(MachineConfig.parse(text.replace("\n", "\r\n"))).as("seed %d CRLF", seed).isEqualTo(c);
    }

    @Test
    void handWrittenConfigIsUnderstood() {
        String text = String.join("\n",
                "# my test system",
                "storage = 2G",
                "cpus = 4",
                "crashkernel = 256M@256M",
                "  on_panic = Dump   ",
                "on_restart = kdump",
                "dump_device = 190",
                "loadparm = DUMPLP01",
                "device.0.0.0191 = 3490 capacity=400M",
                "device.190 = 3390 cylinders=10017",
                "");
        MachineConfig c = MachineConfig.parse(text);
        assertThat(c.storageSize()).isEqualTo(2L << 30);
        assertThat(c.cpuCount()).isEqualTo(4);
        assertThat(c.crashkernel()).contains(new CrashkernelRange(256 * MIB, 256 * MIB));
        assertThat(c.onPanic()).isEqualTo(DumpconfAction.DUMP);
        assertThat(c.onRestart()).isEqualTo(DumpconfAction.KDUMP);
        assertThat(c.dumpDevice()).contains(new DeviceNumber(0, 0, 0x190));
        assertThat(c.loadparm()).isEqualTo("DUMPLP01");
        assertThat(c.devices()).containsExactly(
                new AttachedDevice(new DeviceNumber(0, 0, 0x190), DeviceType.DASD_3390, 10017),
                new AttachedDevice(new DeviceNumber(0, 0, 0x191), DeviceType.TAPE_3490, 400 * MIB));
    }

    @Test
    void defaultsWhenOptionalKeysAreAbsent() {
        MachineConfig c = MachineConfig.parse("storage = 64M\ncpus = 1\n");
        assertThat(c).isEqualTo(MachineConfig.of(64 * MIB, 1, Optional.empty()));
        assertThat(c.onPanic()).isEqualTo(DumpconfAction.KDUMP);
        assertThat(c.devices()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "storage = 64M~cpus = 1~bogus = 1|line 3|unknown key 'bogus'",
        "storage = 64M~cpus = one|line 2|'one'",
        "storage = 64X~cpus = 1|line 1|64X",
        "storage = 64M~cpus = 1~crashkernel = 16M|line 3|SIZE@BASE",
        "storage = 64M~cpus = 1~crashkernel = 16M@1000K|line 3|not 1 MiB aligned",
        "storage = 64M~cpus = 1~on_panic = explode|line 3|unknown dumpconf action 'explode'",
        "storage = 64M~cpus = 1~dump_device = 0.9.0190|line 3|0.9.0190",
        "storage = 64M~cpus = 1~device.190 = 3380 cylinders=1|line 3|unknown device model '3380'",
        "storage = 64M~cpus = 1~device.190 = 3390 capacity=1G|line 3|unexpected 'capacity=1G'",
        "storage = 64M~cpus = 1~device.190 = 3390 cylinders=many|line 3|'many'",
        "storage = 64M~cpus = 1~device.190 = 3390|line 3|cylinders=N",
        "storage = 64M~cpus = 1~device.zz9x = 3390 cylinders=1|line 3|zz9x",
        "storage = 64M~cpus = 1~# comment~~storage = 128M|line 5|already set on line 1",
        "storage = 64M~cpus = 1~just words|line 3|key = value",
        "storage = 64M~cpus = 1~loadparm = TOOLONGLP|line 0|at most 8",
        "storage = 64M~cpus = 1~core_collector = makedumpfile -l -d 31|line 3|lzo",
        "storage = 64M~cpus = 1~core_collector = makedumpfile -d 32|line 3|dump level must be 0..31, got 32",
        "storage = 64M~cpus = 1~core_collector = gzip|line 3|unknown core collector 'gzip'",
    })
    void parseErrorsNameTheLine(String text, String line, String detail) {
        String config = text.replace('~', '\n');
        var thrown = assertThatThrownBy(() -> MachineConfig.parse(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(detail);
        if (!line.equals("line 0")) {
            thrown.hasMessageStartingWith(line + ":");
        }
    }

    @Test
    void wholeConfigErrors() {
        assertThatThrownBy(() -> MachineConfig.parse("cpus = 1\n")).hasMessageContaining("'storage' and 'cpus'");
        assertThatThrownBy(() -> MachineConfig.parse("storage = 64M\ncpus = 0\n")).hasMessageContaining("1..64");
        assertThatThrownBy(() -> MachineConfig.parse("storage = 64M\ncpus = 65\n")).hasMessageContaining("65");
        assertThatThrownBy(() -> MachineConfig.parse("storage = 1000K\ncpus = 1\n"))
                .hasMessageContaining("multiple of 1M");
        assertThatThrownBy(() -> MachineConfig.parse("storage = 17T\ncpus = 1\n")).hasMessageContaining("16T");
        assertThatThrownBy(() -> MachineConfig.parse("storage = 64M\ncpus = 1\ncrashkernel = 64M@32M\n"))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> MachineConfig.parse(
                "storage = 64M\ncpus = 1\ndevice.190 = 3390 cylinders=1\ndevice.0.0.0190 = 3490 capacity=1M\n"))
                .hasMessageContaining("0.0.0190").hasMessageContaining("twice");
        assertThat(MachineConfig.parse("storage = 16T\ncpus = 64\n").storageSize()).isEqualTo(16 * Sizes.TIB);
    }

    @Test
    void loadparmIsPrintableAndBlankPadded() {
        MachineConfig base = MachineConfig.of(64 * MIB, 1, Optional.empty());
        assertThat(base.withLoadparm("LP  ").loadparm()).isEqualTo("LP");
        assertThat(base.withLoadparm("A B").format()).contains("loadparm = A B\n");
        assertThat(MachineConfig.parse(base.withLoadparm("A B").format()).loadparm()).isEqualTo("A B");
        assertThat(base.withLoadparm(null).loadparm()).isEmpty();
        assertThatThrownBy(() -> base.withLoadparm("A\ncpus=2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printable");
        assertThatThrownBy(() -> base.withLoadparm(" A")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void devicesAreKeptInDeviceNumberOrder() {
        MachineConfig c = MachineConfig.of(64 * MIB, 1, Optional.empty()).withDevices(List.of(
                new AttachedDevice(DeviceNumber.parse("0.1.0001"), DeviceType.DASD_3390, 1),
                new AttachedDevice(DeviceNumber.parse("0.0.ffff"), DeviceType.DASD_3390, 1),
                new AttachedDevice(DeviceNumber.parse("1.0.0000"), DeviceType.TAPE_3490, 1)));
        assertThat(c.devices()).extracting(d -> d.number().toString())
                .containsExactly("0.0.ffff", "0.1.0001", "1.0.0000");
        assertThat(c.device(DeviceNumber.parse("ffff"))).isPresent();
        assertThat(c.device(DeviceNumber.parse("fffe"))).isEmpty();
        assertThatThrownBy(() -> new AttachedDevice(DeviceNumber.parse("190"), DeviceType.DASD_3390, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cylinders");
        assertThat(new AttachedDevice(DeviceNumber.parse("181"), DeviceType.TAPE_3490, 1).imageName())
                .isEqualTo("0.0.0181.aws");
    }
}
