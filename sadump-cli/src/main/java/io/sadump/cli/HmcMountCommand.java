package io.sadump.cli;

import io.sadump.ipl.VolumeMount;
import io.sadump.machine.DeviceNumber;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc DIR mount DEVNO IMAGE}: put another volume on an attached device. */
@Command(
        name = "mount",
        mixinStandardHelpOptions = true,
        description = {
            "Mount a volume (AWSTAPE file, CKD image) on an attached device.",
            "",
            "An AWSTAPE file goes on a tape, a Hercules CKD 3390 image on a DASD",
            "(Hercules: devinit).",
            "IMAGE is checked first (a tape's whole chunk chain and size, a DASD's",
            "header, size and track 0) and copied into DIR/devices; a bad image",
            "changes nothing. The volume that was mounted is kept in",
            "DIR/devices/unmounted/ (it may hold a dump). A DASD image of another size",
            "changes the device's cylinders. A tape dump that fills its cartridge ends",
            "with 'Device too small' (0x4600): mount a fresh cartridge, then load again.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 mount 181 fresh.aws",
            "  sadump hmc sys1 mount 0.0.0190 spare.3390 --json",
        })
public final class HmcMountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Parameters(index = "0", paramLabel = "DEVNO", description = "The device (0.0.0181 or 181).")
    String devno;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "The volume: an .aws file for a tape, a CKD "
            + "3390 image for a DASD.")
    Path image;

    @Option(names = "--json", description = "Print {device, type, volume, image, previous, message} as one JSON "
            + "object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        HmcMachine machine = hmc.machine();
        DeviceNumber number = DeviceNumber.parse(devno);
        VolumeMount.Result r = machine.mount(number, image, TaskContext.local(TaskObserver.NONE));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            HmcOutcomeReport.field(sb, "device", HmcOutcomeReport.str(r.device().toString()));
            HmcOutcomeReport.field(sb, "type", HmcOutcomeReport.str(r.type().model()));
            HmcOutcomeReport.field(sb, "volume", HmcOutcomeReport.str(r.volume()));
            HmcOutcomeReport.field(sb, "image", HmcOutcomeReport.str(r.image().toString()));
            HmcOutcomeReport.field(sb, "previous", r.previous().map(p -> HmcOutcomeReport.str(p.toString()))
                    .orElse("null"));
            HmcOutcomeReport.field(sb, "message", HmcOutcomeReport.str(r.message()));
            out.println(sb.append('}'));
        } else {
            out.println(r.message());
        }
        out.flush();
        return 0;
    }
}
