package io.sadump.cli;

import io.sadump.fixtures.KdumpCommandLine;
import io.sadump.fixtures.KexecLoad;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.meminfo.KdumpVerdict;
import io.sadump.meminfo.KexecSegment;
import io.sadump.meminfo.VerdictResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump kexec load DIR}: the kdump kernel into crashkernel memory, as kexec-tools does on s390. */
@Command(
        name = "load",
        header = "Load a kdump kernel into crashkernel memory, as kexec -p does.",
        mixinStandardHelpOptions = true,
        description = {
            "Loads a kdump kernel into the crashkernel memory of DIR, placed as kexec-tools places it on s390 "
                    + "(B = crashkernel base): the kernel image from file offset 0x10000 at B+0x10000 (its first "
                    + "64 KiB, the image head, are not loaded), the initrd at B + max(8M, image size) rounded up to "
                    + "1M, a copy of the patched parmarea with the command line in the page after the initrd, and "
                    + "a purgatory stand-in at B+0x2000..B+0x10000. Segments are page-aligned with zero-filled "
                    + "tails. The loaded image's parmarea gets INITRD_START/SIZE, OLDMEM_BASE = B, OLDMEM_SIZE and "
                    + "the command line. The segment table (SHA-256 of each segment, entry point 0x10010) becomes "
                    + "meminfo entry 13, and the header checksum is recomputed.",
            "Without --kernel/--initrd a deterministic synthetic kdump kernel (about 3 MiB) and initrd (a newc cpio "
                    + "archive) are used. Files of any size load if they fit the crashkernel; one that does not fit "
                    + "is refused and the machine is left as it was. A new load replaces the previous one.",
            "The machine keeps copies of what was loaded in DIR/kexec, so a reboot loads it again."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:loaded", "1:a file is missing or does not fit, the machine is locked or has no crashkernel "
                + "(nothing changed)", "2:an option is wrong"},
        footer = {
            "",
            "Examples:",
            "  sadump kexec load sys1",
            "  sadump kexec load sys1 --kernel image --initrd initrd.img",
            "  sadump kexec load sys1 --cmdline 'root=/dev/dasda1 nr_cpus=1 panic=10'"
        })
final class KexecLoadCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the machine directory")
    Path dir;

    @Option(names = "--kernel", paramLabel = "FILE", description = "an s390 kernel image (default: synthetic)")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "the initrd (default: synthetic)")
    Path initrd;

    @Option(names = "--cmdline", paramLabel = "TEXT",
            description = "the kdump kernel's command line (default: '" + KdumpCommandLine.DEFAULT + "')")
    String cmdline;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MachineDirectory m = MachineDirectory.open(dir);
        KexecLoad.Loaded loaded;
        VerdictResult verdict;
        try (MachineLock lock = m.lock()) {
            loaded = KexecLoad.load(m, lock, new KexecLoad.Request(Optional.ofNullable(kernel),
                    Optional.ofNullable(initrd), Optional.ofNullable(cmdline)));
        }
        try (FileStorage s = m.openStorage()) {
            verdict = KdumpVerdict.evaluate(s);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.field("dir", dir.toString()).field("kernel", loaded.kept().kernelSource())
                    .field("initrd", loaded.kept().initrdSource()).field("cmdline", loaded.kept().commandLine())
                    .field("entry_point", loaded.table().entryPoint()).field("table", loaded.tableAddress());
            j.name("segments").beginArray();
            for (KexecSegment s : loaded.table().segments()) {
                j.beginObject().field("kind", s.kind().label()).field("mem", s.mem()).field("memsz", s.memsz())
                        .field("bufsz", s.bufsz()).field("sha256", s.sha256Hex()).endObject();
            }
            j.endArray();
            j.name("verdict").beginObject().field("passed", verdict.passed()).field("code", verdict.code())
                    .field("summary", verdict.summary()).endObject();
            j.endObject().finish();
            return 0;
        }
        out.printf("loaded the kdump kernel into %s (crashkernel %s): %d segments, entry point 0x%X, table at 0x%X%n",
                dir, loaded.placement().crashkernel(), loaded.table().segments().size(), loaded.table().entryPoint(),
                loaded.tableAddress());
        for (int i = 0; i < loaded.table().segments().size(); i++) {
            KexecSegment s = loaded.table().segment(i);
            String from = switch (s.kind()) {
                case KERNEL -> loaded.kept().kernelSource() + " from offset 0x10000";
                case INITRD -> loaded.kept().initrdSource();
                case COMMAND_LINE -> "\"" + loaded.kept().commandLine() + "\"";
                default -> "stand-in";
            };
            out.printf("  %d %-9s [0x%X, 0x%X) %7s loaded, %7s in memory  %s%n", i, s.kind().label(), s.mem(), s.end(),
                    MachineText.size(s.bufsz()), MachineText.size(s.memsz()), from);
        }
        out.printf("verdict: %s%n", verdict.summary());
        out.flush();
        return 0;
    }
}
