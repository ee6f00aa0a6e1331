package io.sadump.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sadump kexec}: load or unload the kdump kernel of a production system. */
@Command(
        name = "kexec",
        header = "Load or unload the kdump kernel of a machine (kexec -p).",
        mixinStandardHelpOptions = true,
        description = {
            "Loads a kdump kernel into a production system's crashkernel memory, as 'kexec -p' does on s390, or",
            "unloads it ('kexec -p -u'). The load publishes the kexec segment table as meminfo entry 13."
        },
        subcommands = {KexecLoadCommand.class, KexecUnloadCommand.class},
        footer = {
            "",
            "Examples:",
            "  sadump kexec load sys1",
            "  sadump kexec load sys1 --kernel image --initrd initrd.img --cmdline 'root=/dev/dasda1 nr_cpus=1'",
            "  sadump kexec unload sys1"
        })
final class KexecCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
