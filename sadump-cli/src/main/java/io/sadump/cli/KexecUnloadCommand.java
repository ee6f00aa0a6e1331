package io.sadump.cli;

import io.sadump.fixtures.KexecLoad;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump kexec unload DIR}: removes the kdump kernel (meminfo entry 13). */
@Command(
        name = "unload",
        header = "Unload the kdump kernel (remove meminfo entry 13).",
        mixinStandardHelpOptions = true,
        description = {
            "Unloads the kdump kernel of DIR, as 'kexec -p -u': removes meminfo entry 13 (the header checksum is "
                    + "recomputed, version_minor goes back to 1), zeroes the segments and the segment table, and "
                    + "forgets the kept copies, so a reboot does not load it again. The verdict then stops at "
                    + "0x4530 (no kdump kernel loaded)."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:unloaded, or nothing was loaded", "1:DIR is not a machine, is locked, or has no meminfo"},
        footer = {"", "Example:", "  sadump kexec unload sys1"})
final class KexecUnloadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MachineDirectory m = MachineDirectory.open(dir);
        boolean was;
        try (MachineLock lock = m.lock()) {
            was = KexecLoad.unload(m, lock);
        }
        spec.commandLine().getOut().println(was ? "unloaded the kdump kernel from " + dir + " (meminfo entry 13 removed)"
                : dir + " had no kdump kernel loaded; nothing changed");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
