package io.sadump.cli;

import io.sadump.device.AttachedDevices;
import io.sadump.device.DeviceException;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDeviceInfo;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.tape.TapeDrive;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump dumpdev show}: what dump tool a device carries, the model of {@code zgetdump -d}. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Show the dump tool a DASD or tape carries (zgetdump -d).",
            "",
            "Tells the dump tool and its version, the dump size limit, compression,",
            "the multi-volume table with the state of every volume, the IPL PSW and",
            "the disabled wait that IPLing the device shows; or 'Dump tool: none'.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  sadump dumpdev show sys1 0.0.0190",
            "  sadump dumpdev show sys1 181 --json",
        })
public final class DumpdevShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The machine directory.")
    Path dir;

    @Parameters(index = "1", paramLabel = "DEVNO", description = "The device (0.0.0190 or 190).")
    String devno;

    @Option(names = "--json", description = "One JSON object instead of text (tool null when there is none).")
    boolean json;

    @Override
    public Integer call() throws DeviceException {
        MachineDirectory machine = MachineDirectory.open(dir);
        DeviceNumber number = DeviceNumber.parse(devno);
        AttachedDevice d = AttachedDevices.device(machine, number);
        DumpDeviceInfo info;
        if (d.type() == AttachedDevice.DeviceType.DASD_3390) {
            try (EckdDasd dasd = AttachedDevices.openDasd(machine, number)) {
                info = DumpDevicePreparer.inspect(dasd);
            }
        } else {
            try (TapeDrive tape = AttachedDevices.openTape(machine, number)) {
                info = DumpDevicePreparer.inspect(tape);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(DumpDeviceReport.json(machine, d, info));
        } else {
            DumpDeviceReport.print(out, machine, d, info);
        }
        out.flush();
        return 0;
    }
}
