package io.sadump.cli;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.Sizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump dumpdev prepare}: install a dump tool, the model of {@code zipl -d} and {@code zipl -M}. */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = {
            "Install the stand-alone dump tool on a DASD or tape (zipl -d, -M).",
            "",
            "On a 3390 DASD, as zipl -d does: the IPL record on track 0, the XECKD64",
            "dump tool at block 3 with its parameters (size limit, compression), and",
            "the first 64 KiB of the dump partition (track 1 to the end) zeroed.",
            "On a tape: the tool as file 1, then a tape mark; the rest is erased.",
            "With --multi, as zipl -M does: the XMULT64 tool and the same multi-volume",
            "table (time stamp, up to 32 volumes) on every DASD listed, and the",
            "signature at offset 512 of each dump partition.",
            "IPLing a prepared device in Hercules stops in the disabled wait",
            "000A0000 005AD002 (DASD), 005AD004 (multi-volume) or 005AD006 (tape);",
            "the dump itself is written by sadump's dumper.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  sadump dumpdev prepare sys1 0.0.0190",
            "  sadump dumpdev prepare sys1 190 --size 512M --no-compress",
            "  sadump dumpdev prepare sys1 --multi 0.0.0190,0.0.0191 --force",
            "  sadump dumpdev prepare sys1 181                    (a tape)",
        })
public final class DumpdevPrepareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The machine directory.")
    Path dir;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DEVNO",
            description = "The DASD or tape to prepare (0.0.0190 or 190); not with --multi.")
    String devno;

    @Option(names = "--multi", split = ",", paramLabel = "DEVNO",
            description = "Prepare a multi-volume dump over these DASDs (1..32, comma-separated), as zipl -M does.")
    List<String> multi;

    @Option(names = "--size", paramLabel = "LIMIT",
            description = "Dump at most this much memory (K, M, G, T; rounded up to whole MiB). Default: no limit.")
    String size;

    @Option(names = "--no-compress", description = "Turn off zlib compression (single-volume DASD only).")
    boolean noCompress;

    @Option(names = "--force", description = "Multi-volume: let the dumper skip the partition signature check.")
    boolean force;

    @Override
    public Integer call() throws DeviceException {
        boolean isMulti = multi != null && !multi.isEmpty();
        if (isMulti == (devno != null)) {
            throw new UsageException("give either DEVNO or --multi DEVNO,DEVNO,...");
        }
        if (force && !isMulti) {
            throw new UsageException("--force applies to a multi-volume dump (--multi)");
        }
        OptionalLong limit = size == null ? OptionalLong.empty() : OptionalLong.of(Sizes.parse(size));
        DumpToolOptions options = new DumpToolOptions(limit, noCompress, force);
        MachineDirectory machine = MachineDirectory.open(dir);
        PrintWriter out = spec.commandLine().getOut();
        try (MachineLock lock = machine.lock()) {
            if (isMulti) {
                prepareMulti(machine, lock, options, out);
            } else {
                prepareOne(machine, lock, DeviceNumber.parse(devno), options, out);
            }
        }
        out.flush();
        return 0;
    }

    private void prepareOne(MachineDirectory machine, MachineLock lock, DeviceNumber number, DumpToolOptions options,
            PrintWriter out) throws DeviceException {
        AttachedDevice d = AttachedDevices.device(machine, number);
        DumpDeviceInfo info;
        if (d.type() == AttachedDevice.DeviceType.DASD_3390) {
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, number)) {
                info = DumpDevicePreparer.prepareDasd(dasd, options);
            }
        } else {
            if (noCompress) {
                throw new UsageException("--no-compress applies to a DASD dump; tape dumps are not compressed");
            }
            // the old volume must be there and readable, as before; the new one replaces it when complete
            AttachedDevices.openTape(machine, lock, number).close();
            info = DumpDevicePreparer.prepareTapeVolume(machine.deviceImage(d), d.capacity(), number.toString(),
                    options);
        }
        out.println("Prepared " + number + " (" + AttachedDevices.describe(d.type()) + ") as a dump device.");
        DumpDeviceReport.print(out, machine, d, info);
    }

    private void prepareMulti(MachineDirectory machine, MachineLock lock, DumpToolOptions options, PrintWriter out)
            throws DeviceException {
        if (noCompress) {
            throw new UsageException("--no-compress applies to a single-volume DASD dump; multi-volume dumps are not"
                    + " compressed");
        }
        if (multi.size() > MultiVolumeTable.MAX_VOLUMES) {
            throw new UsageException("a multi-volume dump has at most 32 volumes, got " + multi.size());
        }
        List<DumpDevicePreparer.Volume> volumes = new ArrayList<>();
        try {
            for (String s : multi) {
                DeviceNumber n = DeviceNumber.parse(s);
                if (volumes.stream().anyMatch(v -> v.number().equals(n))) {
                    throw new UsageException("volume " + n + " is listed twice");
                }
                volumes.add(new DumpDevicePreparer.Volume(n, AttachedDevices.openDasd(machine, lock, n)));
            }
            MultiVolumeTable table = DumpDevicePreparer.prepareMultiVolume(volumes, options, Instant.now());
            out.println("Prepared a multi-volume dump over " + volumes.size() + " DASD"
                    + (volumes.size() == 1 ? "" : "s") + " (time stamp " + MultiVolumeTable.instantOf(table.timestamp())
                    + ").");
            DumpDevicePreparer.Volume first = volumes.get(0);
            DumpDeviceReport.print(out, machine, AttachedDevices.device(machine, first.number()),
                    DumpDevicePreparer.inspect(first.dasd()));
        } finally {
            closeAll(volumes);
        }
    }

    /** Closes every volume; the first failure is reported after all are closed. */
    private static void closeAll(List<DumpDevicePreparer.Volume> volumes) throws DeviceException {
        DeviceException first = null;
        for (DumpDevicePreparer.Volume v : volumes) {
            try {
                v.dasd().close();
            } catch (DeviceException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
