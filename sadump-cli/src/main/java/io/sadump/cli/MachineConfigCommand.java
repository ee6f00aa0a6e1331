package io.sadump.cli;

import io.sadump.machine.CoreCollector;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump machine config DIR}: the kdump settings of a machine, shown or changed. */
@Command(
        name = "config",
        header = "Show or change how a machine's kdump kernel saves the dump.",
        mixinStandardHelpOptions = true,
        description = {
            "Without options, shows the machine's core collector: the command its kdump kernel saves old memory "
                    + "with, as Debian's kdump-tools (MAKEDUMP_ARGS) and RHEL's kdump.conf (core_collector) set it.",
            "'cp' writes the whole ELF vmcore (the default). 'makedumpfile [-c|-z] [-d N]' writes a kdump-compressed "
                    + "file instead, leaving out the pages of dump level N (1 zero pages, 2 cache, 4 cache with "
                    + "private data, 8 user data, 16 free pages; add them up, 31 = all), each page compressed with zlib "
                    + "(-c) or zstd (-z). The kdump console lists what was left out per class, as makedumpfile does.",
            "The change is written to machine.conf (core_collector) under the machine's lock, beside the old file "
                    + "and renamed into place."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:shown or changed", "1:the machine cannot be read or is busy",
            "2:an option is wrong (nothing is changed)"},
        footer = {
            "",
            "Examples:",
            "  sadump machine config sys1",
            "  sadump machine config sys1 --core-collector 'makedumpfile -c -d 31'   Debian's default",
            "  sadump machine config sys1 --core-collector 'makedumpfile -z -d 31'   zstd per page",
            "  sadump machine config sys1 --core-collector cp                        the whole ELF vmcore"
        })
final class MachineConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Option(names = "--core-collector", paramLabel = "COMMAND",
            description = "'cp' or 'makedumpfile [-c|-z] [-d N]' (0..31)")
    String coreCollector;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // parsed before the machine is touched, so a wrong command changes nothing
        CoreCollector wanted = coreCollector == null ? null : CoreCollector.parse(coreCollector);
        MachineDirectory m = MachineDirectory.open(dir);
        MachineConfig config = m.config();
        boolean changed = false;
        if (wanted != null && !wanted.equals(config.coreCollector())) {
            try (MachineLock lock = m.lock()) {
                config = m.config().withCoreCollector(wanted);
                m.saveConfig(lock, config);
                changed = true;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        CoreCollector c = config.coreCollector();
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.field("dir", dir.toString()).field("changed", changed);
            j.name("core_collector").beginObject().field("command", c.commandLine())
                    .field("format", c.filters() ? "kdump" : "elf").field("dump_level", c.dumpLevel())
                    .field("compression", c.compression().word()).endObject();
            j.endObject().finish();
        } else {
            out.printf("%s: core collector %s%s%n", dir, describe(c), changed ? " (changed)" : "");
            out.flush();
        }
        return 0;
    }

    /** One line for people: the command and what it writes. */
    static String describe(CoreCollector c) {
        if (!c.filters()) {
            return "'" + c.commandLine() + "': the whole ELF vmcore";
        }
        return String.format("'%s': kdump-compressed, dump level %d, %s per page", c.commandLine(), c.dumpLevel(),
                c.compression() == CoreCollector.Compression.NONE ? "no compression" : c.compression().word());
    }
}
