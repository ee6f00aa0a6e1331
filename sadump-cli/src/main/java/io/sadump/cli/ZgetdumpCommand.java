package io.sadump.cli;

import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpInfoJson;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.archive.SystemSelection;
import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.archive.format.ZeroSkippingChannel;
import io.sadump.dump.DumpFormat;
import io.sadump.machine.output.ReplacementFile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump zgetdump}: read a dump back from its device image or file, show it, convert it. */
@Command(
        name = "zgetdump",
        header = "Read a dump back, check it and convert it, as IBM's zgetdump does.",
        mixinStandardHelpOptions = true,
        description = {
            "Read a dump back, check it and convert it, as IBM's zgetdump does.",
            "",
            "SOURCE is a 3390 CKD image (the dump partition holds an s390_ext dump; give",
            "every volume of a multi-volume dump, in any order), an AWSTAPE image (a",
            "classic dump after the dump tool's file), a file with a classic s390 or an",
            "s390_ext dump, or an s390x ELF core (vmcore). The format is found from the",
            "content.",
            "",
            "-i prints what zgetdump -i prints, line for line (times in the local time",
            "zone, TZ); -i -v adds zgetdump -V's lines and sadump's own facts, --json all",
            "facts. An incomplete dump is reported as 'Dump cannot be processed (is not",
            "complete)' with exit status 1. -d DIR DEVNO shows",
            "the dump tool on a device of a machine. Otherwise the dump is converted to",
            "-f elf (default) or s390 and written to -o OUT ('-' for stdout).",
            ""
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done; for -i the dump is complete",
            "1:no dump found, the dump is incomplete, or I/O failed",
            "2:wrong usage"
        },
        footer = {
            "",
            "Examples:",
            "  sadump zgetdump -i sys1/devices/0.0.0190.3390",
            "  sadump zgetdump -i 0.0.0191.3390 0.0.0190.3390     (multi-volume)",
            "  sadump zgetdump -i dump.elf --json",
            "  TZ=UTC sadump zgetdump -i -v dump.s390",
            "  sadump zgetdump -d sys1 0.0.0190",
            "  sadump zgetdump sys1/devices/0.0.0181.aws -f elf -o dump.elf",
            "  sadump zgetdump dump.s390 -f elf -o - | ssh host 'cat > dump.elf'",
            "  sadump zgetdump 0.0.0190.3390 --select prod -o prod.elf",
        })
final class ZgetdumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "The dump's files (or DIR DEVNO with -d).")
    List<String> sources = new ArrayList<>();

    @Option(names = {"-i", "--info"}, description = "Print the dump's facts and check it.")
    boolean info;

    @Option(names = {"-d", "--device"}, description = "Show the dump tool on a device: sadump zgetdump -d DIR DEVNO.")
    boolean device;

    @Option(names = {"-f", "--fmt"}, paramLabel = "FORMAT", description = "Output format: elf (default) or s390.")
    String fmt = "elf";

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output file, or '-' for stdout.")
    String output;

    @Option(names = {"-s", "--select"}, paramLabel = "SYSTEM",
            description = "For a dump taken while a kdump kernel ran: prod, kdump or all.")
    String select;

    @Option(names = "--json", description = "With -i: one JSON object instead of text.")
    boolean json;

    @Option(names = {"-v", "--verbose"},
            description = "With -i: also what zgetdump -V prints (zlib, every memory chunk) and sadump's details.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (device) {
            if (sources.size() != 2) {
                throw new UsageException("-d needs a machine directory and a device number: -d DIR DEVNO");
            }
            DumpdevShowCommand show = new DumpdevShowCommand();
            show.spec = spec;
            show.dir = Path.of(sources.get(0));
            show.devno = sources.get(1);
            show.json = json;
            return show.call();
        }
        if (!info && output == null) {
            throw new UsageException("say what to do: -i to show the dump, -o OUT to convert it, or -d DIR DEVNO");
        }
        if (info && output != null) {
            throw new UsageException("-i and -o exclude each other");
        }
        DumpFormatDescriptor format = DumpFormatRegistry.writable(fmt);
        DumpFormatWriter writer = format.writer().orElseThrow();
        Optional<SystemSelection> selection = select == null ? Optional.empty()
                : Optional.of(SystemSelection.parse(select));
        List<Path> files = sources.stream().map(Path::of).toList();
        try (OpenedDump opened = DumpOpener.open(files)) {
            DumpInfo facts = DumpInfo.of(opened);
            if (opened.dump().format() == DumpFormat.S390_TAPE && !json) {
                // dfi_s390tape.c vol_init says so before it reads the tape
                err.println("Checking tape, this can take a while...");
                err.flush();
            }
            if (info) {
                if (json) {
                    out.print(DumpInfoJson.of(facts));
                } else {
                    DumpInfoReport.print(out, facts, ZoneId.systemDefault(), opened.dump().memory().chunks(), verbose);
                }
                if (!facts.complete()) {
                    if (!json) {
                        out.println(); // zgetdump.c do_dump_info: an empty line after the info, then the verdict
                    }
                    out.flush();
                    err.println("sadump zgetdump: Dump cannot be processed (is not complete): " + facts.problem().get());
                    err.flush();
                    return UserErrorHandler.EXIT_FAILURE;
                }
                out.flush();
                if (facts.kdump().isPresent() && !json) {
                    // zgetdump refuses -i here (zgetdump.c kdump_select_check); sadump shows the dump and says so
                    err.println("sadump zgetdump: the dump contains \"kdump\" and \"production system\" (old memory "
                            + facts.kdump().get() + "): access them with --select prod, kdump or all");
                    err.flush();
                }
                return 0;
            }
            opened.dump().requireComplete();
            SystemSelection.Selected chosen = selectedSystem(opened, facts, selection);
            err.println("Format Info:");
            err.printf("  Source: %s%n  Target: %s%n", facts.format(), format.format().zgetdumpName());
            err.flush();
            ConsoleProgress progress = ConsoleProgress.onTerminal(err);
            if (output.equals("-")) {
                PrintStream stdout = System.out;
                // a pipe the writer can fill with the kernel's copies gets the descriptor itself;
                // anything else (a file, a terminal, a stream a test put there) the stream
                Optional<FileChannel> pipe = writer.writesIntoPipes() ? StreamChannel.pipeBehind(stdout)
                        : Optional.empty();
                WritableByteChannel ch = pipe.isPresent() ? pipe.get() : new StreamChannel(stdout);
                writer.write(chosen.memory(), chosen.metadata(), ch, progress);
                stdout.flush();
            } else {
                // written beside OUT and renamed over it when complete: a failure keeps the old OUT
                try (ReplacementFile file = ReplacementFile.create(Path.of(output))) {
                    if (file.writingTo().equals(file.target())) {
                        // a device or FIFO, written in place: every byte goes to it
                        writer.write(chosen.memory(), chosen.metadata(), file.channel(), progress);
                    } else {
                        // a new file: its zero pages stay holes, the disk gets the rest
                        ZeroSkippingChannel sparse = new ZeroSkippingChannel(file.channel());
                        writer.write(chosen.memory(), chosen.metadata(), sparse, progress);
                        sparse.finish();
                    }
                    file.commit();
                } catch (IOException e) {
                    if (e.getClass() != IOException.class) {
                        throw e; // typed failures (a dump cut short, a device error) say what they are
                    }
                    throw new IOException("writing " + output + ": " + e.getMessage(), e);
                }
            }
            progress.done();
            err.println("Success: Dump has been copied");
            err.flush();
            return 0;
        }
    }

    /**
     * The memory and metadata to write: as dumped, or the system --select chose from a dump that holds
     * two (with the dump's times, CPU id and CPUs).
     */
    static SystemSelection.Selected selectedSystem(OpenedDump opened, DumpInfo facts,
            Optional<SystemSelection> selection) {
        if (facts.kdump().isEmpty()) {
            if (selection.isPresent() && selection.get() != SystemSelection.ALL) {
                throw new UsageException("--select " + selection.get().label() + ": the dump holds only one system (no "
                        + "kdump kernel's old-memory range at 0x10418/0x10420)");
            }
            return new SystemSelection.Selected(opened.dump().memory(), opened.dump().metadata());
        }
        if (selection.isEmpty()) {
            throw new UsageException("the dump was taken while a kdump kernel ran (old memory " + facts.kdump().get()
                    + "): choose --select prod, kdump or all");
        }
        return selection.get().apply(opened.dump().memory(), opened.dump().metadata(), facts.kdump().get());
    }
}
