package io.sadump.cli;

import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpInfoJson;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.DumpVolume;
import io.sadump.archive.format.DumpMedium;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.ReadBackDump;
import io.sadump.archive.OpenedDump;
import io.sadump.archive.SystemSelection;
import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.archive.format.ZeroSkippingChannel;
import io.sadump.archive.format.KdumpFlatFormat;
import io.sadump.archive.format.KdumpFormat;
import io.sadump.dump.filter.FilterReport;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.kdump.PageSelector;
import io.sadump.dump.kdump.FlattenedReassembler;
import io.sadump.dump.kdump.KdumpCompressedWriter;
import io.sadump.dump.kdump.KdumpNotes;
import io.sadump.dump.kdump.PageCompression;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import io.sadump.objectstore.RangedObjectChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
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
import picocli.CommandLine.Mixin;
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
            "-f elf (default), s390 or kdump and written to -o OUT ('-' for stdout).",
            "",
            "-f kdump writes makedumpfile's kdump-compressed file, byte for byte what",
            "makedumpfile 1.7.2 writes for the same vmcore: --dump-level N is its -d N",
            "(bits: 1 zero pages, 2 cache, 4 cache with private data, 8 user data, 16",
            "free pages; left-out pages are absent when read back, not zero) and",
            "--compress is -c (zlib), -z (zstd) or no option (none). 'makedumpfile -c",
            "-d 31' is --compress zlib --dump-level 31. -F writes the flattened format",
            "(makedumpfile -F) for a pipe; --reassemble turns such a stream back into",
            "a kdump-compressed file (makedumpfile -R): SOURCE is the stream or '-'",
            "for stdin. -i of a kdump file says how many pages its level left out.",
            "",
            "SOURCE '-' reads a flattened stream from stdin (what -f kdump -F -o - or",
            "makedumpfile -F writes), for -i and for conversions, as makedumpfile -R",
            "reads one; no other format can come from a pipe. The dump inside needs",
            "random access, so the stream is copied as it comes into a temporary file",
            "beside OUT (in TMPDIR for -i and -o -), which is deleted afterwards: it",
            "takes the stream's size on disk, never memory. A stream cut short is",
            "reported as incomplete.",
            "",
            "SOURCE s3://BUCKET/KEY reads a dump file (s390, s390_ext, ELF, kdump) from",
            "S3 or an S3-compatible store (--endpoint, --path-style) with ranged GETs:",
            "only the parts the reader needs travel. CKD and AWSTAPE images are read",
            "from local files only.",
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
            "  sadump zgetdump vmcore -f kdump --dump-level 31 --compress zlib -o dump.kdump",
            "  sadump zgetdump vmcore -f kdump -F --dump-level 1 -o - | ssh host 'sadump zgetdump --reassemble - -o d.kdump'",
            "  sadump zgetdump -i dump.kdump",
            "  ssh host 'sadump zgetdump vmcore -f kdump -F --dump-level 31 -o -' | sadump zgetdump - -i",
            "  cat dump.flat | sadump zgetdump - -f elf -o dump.elf",
            "  sadump zgetdump -i s3://dumps/sys1/dump.elf --endpoint http://minio:9000 --path-style",
            "  sadump zgetdump s3://dumps/vmcore -f kdump --dump-level 31 -o dump.kdump",
        })
final class ZgetdumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "The dump's files, '-' for a flattened stream on stdin (or DIR DEVNO with -d).")
    List<String> sources = new ArrayList<>();

    @Option(names = {"-i", "--info"}, description = "Print the dump's facts and check it.")
    boolean info;

    @Option(names = {"-d", "--device"}, description = "Show the dump tool on a device: sadump zgetdump -d DIR DEVNO.")
    boolean device;

    @Option(names = {"-f", "--fmt"}, paramLabel = "FORMAT",
            description = "Output format: elf (default), s390, kdump (makedumpfile's kdump-compressed).")
    String fmt = "elf";

    @Option(names = "--dump-level", paramLabel = "N",
            description = "With -f kdump: makedumpfile's dump level 0-31 (default 0: every page).")
    Integer dumpLevel;

    @Option(names = "--compress", paramLabel = "METHOD",
            description = "With -f kdump: zlib (default; makedumpfile -c), zstd (-z) or none.")
    String compress;

    @Option(names = {"-F", "--flatten"}, description = "With -f kdump: write the flattened format (makedumpfile -F).")
    boolean flatten;

    @Option(names = "--reassemble",
            description = "Rebuild a kdump-compressed file from a flattened stream (makedumpfile -R): SOURCE or '-'.")
    boolean reassemble;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output file, or '-' for stdout.")
    String output;

    @Option(names = {"-s", "--select"}, paramLabel = "SYSTEM",
            description = "For a dump taken while a kdump kernel ran: prod, kdump or all.")
    String select;

    @Option(names = "--json", description = "With -i: one JSON object instead of text.")
    boolean json;

    @Mixin
    ObjectStoreOptions s3 = new ObjectStoreOptions();

    @Option(names = {"-v", "--verbose"},
            description = "With -i: also what zgetdump -V prints (zlib, every memory chunk) and sadump's details.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        try (DiscardOnShutdown hook = new DiscardOnShutdown("sadump zgetdump", spec.commandLine().getErr())) {
            return copyOrShow();
        }
    }

    private int copyOrShow() throws IOException {
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
        if (reassemble) {
            return reassemble(err);
        }
        if (!info && output == null) {
            throw new UsageException("say what to do: -i to show the dump, -o OUT to convert it, or -d DIR DEVNO");
        }
        if (info && output != null) {
            throw new UsageException("-i and -o exclude each other");
        }
        DumpFormatDescriptor format = DumpFormatRegistry.writable(fmt);
        boolean kdump = format.format() == DumpFormat.KDUMP || format.format() == DumpFormat.KDUMP_FLAT;
        if (!kdump && (dumpLevel != null || compress != null || flatten)) {
            throw new UsageException("--dump-level, --compress and -F go with -f kdump, not -f " + fmt);
        }
        if (dumpLevel != null && (dumpLevel < 0 || dumpLevel > PageSelector.MAX_LEVEL)) {
            throw new UsageException("the dump level is 0 to 31 (makedumpfile -d), not " + dumpLevel);
        }
        PageCompression compression;
        try {
            compression = compress == null ? PageCompression.ZLIB : PageCompression.of(compress);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Optional<SystemSelection> selection = select == null ? Optional.empty()
                : Optional.of(SystemSelection.parse(select));
        boolean piped = sources.contains(STDIN);
        if (piped && sources.size() != 1) {
            throw new UsageException("'-' (a flattened stream on stdin) is the only SOURCE when it is given");
        }
        boolean object = sources.stream().anyMatch(ObjectLocation::isObjectName);
        if (object && sources.size() != 1) {
            throw new UsageException("an s3://BUCKET/KEY dump is the only SOURCE when it is given");
        }
        if (!object && s3.given()) {
            throw new UsageException("--endpoint, --path-style and --region go with an s3://BUCKET/KEY SOURCE");
        }
        List<Path> files = piped || object ? List.of() : sources.stream().map(Path::of).toList();
        try (ObjectStore store = object ? s3.open() : null;
                PipedFlattenedDump stream = piped ? PipedFlattenedDump.copy(Channels.newChannel(System.in),
                        scratchDir(), STDIN_NAME) : null;
                OpenedDump opened = piped ? openPiped(stream, info, err)
                        : object ? openObject(store, ObjectLocation.parse(sources.get(0)))
                        : DumpOpener.open(files)) {
            if (opened == null) {
                return UserErrorHandler.EXIT_FAILURE; // -i of a stream cut short before its dump: said so
            }
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
            if (piped && !opened.dump().complete()) {
                throw new IncompleteDumpException("Dump cannot be processed (is not complete): "
                        + opened.dump().problem().orElse("the stream was cut short"));
            }
            opened.dump().requireComplete();
            SystemSelection.Selected chosen = selectedSystem(opened, facts, selection);
            DumpFormatWriter writer;
            KdumpFormat kdumpFile = null;
            String pages = null;
            Optional<String> report = Optional.empty();
            if (kdump) {
                KdumpFormat.Settings settings = KdumpFormat.Settings.defaults()
                        .withDumpLevel(dumpLevel == null ? 0 : dumpLevel).withCompression(compression)
                        .withNotes(copiedNotes(opened)).withElfSource(opened.dump().format() == DumpFormat.ELF);
                boolean flat = flatten || format.format() == DumpFormat.KDUMP_FLAT;
                kdumpFile = flat ? null : new KdumpFormat(settings);
                writer = flat ? new KdumpFlatFormat(settings) : kdumpFile;
            } else {
                writer = format.writer().orElseThrow();
            }
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
            } else if (kdumpFile != null) {
                // positioned writes; the gaps makedumpfile leaves stay holes
                try (ReplacementFile file = ReplacementFile.create(Path.of(output)).syncWhileWriting()) {
                    KdumpFormat.Written written = kdumpFile.writeTo(chosen.memory(), chosen.metadata(),
                            file.channel(), progress);
                    KdumpCompressedWriter.Result r = written.result();
                    report = written.report().map(FilterReport::text);
                    written.warnings().forEach(w -> err.println("sadump zgetdump: " + w));
                    // a full disk leaves the dump makedumpfile leaves: marked incomplete, readable as far as it got
                    file.commit();
                    pages = String.format("Pages: %d present, %d kept at dump level %d (%d filtered out, %d zero)",
                            r.presentPages(), r.dumpablePages(), r.dumpLevel(), r.filteredPages(), r.zeroPages());
                    if (!r.complete()) {
                        progress.done();
                        err.println(pages);
                        report.ifPresent(err::print);
                        err.println("sadump zgetdump: " + r.problem().get());
                        err.flush();
                        return UserErrorHandler.EXIT_FAILURE;
                    }
                }
            } else {
                // written beside OUT and renamed over it when complete: a failure keeps the old OUT
                try (ReplacementFile file = ReplacementFile.create(Path.of(output)).syncWhileWriting()) {
                    if (file.writingTo().equals(file.target())) {
                        // a device or FIFO, written in place: every byte goes to it
                        writer.write(chosen.memory(), chosen.metadata(), file.channel(), progress);
                    } else {
                        // a new file: its zero pages stay holes, the disk gets the rest, past the page
                        // cache where the file system allows
                        try (ZeroSkippingChannel sparse = new ZeroSkippingChannel(file.channel(),
                                file.unbufferedChannel())) {
                            writer.write(chosen.memory(), chosen.metadata(), sparse, progress);
                            sparse.finish();
                        }
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
            if (pages != null) {
                err.println(pages);
            }
            // makedumpfile's own report of what each class left out
            report.ifPresent(err::print);
            err.println("Success: Dump has been copied");
            err.flush();
            return 0;
        }
    }

    /** The SOURCE that means standard input. */
    static final String STDIN = "-";
    /** What standard input is called in messages. */
    static final String STDIN_NAME = "stdin";

    /** Where the copy of a piped stream goes: beside OUT, or the temporary directory for -i and -o -. */
    private Path scratchDir() {
        if (output != null && !output.equals(STDIN)) {
            Path parent = Path.of(output).toAbsolutePath().getParent();
            if (parent != null) {
                return parent;
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * The dump in the copy of a piped flattened stream, read in place as the registry reads a flattened file.
     * A stream cut short is incomplete: -i shows what is there and says so; when not even the dump's headers
     * and bitmaps came, -i says it cannot process the dump (and this returns null) and a conversion fails
     * with {@link IncompleteDumpException}.
     */
    private static OpenedDump openPiped(PipedFlattenedDump stream, boolean info, PrintWriter err) throws IOException {
        Path file = stream.file();
        ReadBackDump dump;
        try {
            dump = DumpFormatRegistry.read(DumpBlockSource.of(FileChannel.open(file)), STDIN_NAME, DumpMedium.FILE);
        } catch (DumpFormatException e) {
            if (stream.problem().isEmpty()) {
                throw e;
            }
            String why = stream.problem().get() + " (" + e.getMessage() + ")";
            if (info) {
                err.println("sadump zgetdump: Dump cannot be processed (is not complete): " + why);
                err.flush();
                return null;
            }
            throw new IncompleteDumpException("Dump cannot be processed (is not complete): " + why, e);
        }
        // the copy is read; the volume shown is what the user gave
        return new OpenedDump(dump, DumpMedium.FILE.label(), List.of(file),
                List.of(new DumpVolume(0, Path.of(STDIN), Optional.empty(), "active")));
    }

    /**
     * The dump in an object, read like a file through ranged GETs ({@link RangedObjectChannel}): only the
     * parts the reader asks for travel, a few MiB of them cached.
     */
    private static OpenedDump openObject(ObjectStore store, ObjectLocation location) throws IOException {
        RangedObjectChannel channel = store.channel(location);
        return DumpOpener.open(DumpBlockSource.of(channel), location.toString());
    }

    /** An ELF vmcore's PT_NOTE, which makedumpfile copies verbatim into a kdump-compressed file. */
    static Optional<KdumpNotes> copiedNotes(OpenedDump opened) throws IOException {
        if (opened.dump().format() == DumpFormat.ELF && opened.object().isPresent()) {
            return ElfCoreReader.noteSegment(opened.object().get(), DumpOpener.OBJECT_MEDIUM).map(KdumpNotes::copied);
        }
        if (opened.dump().format() != DumpFormat.ELF || opened.files().size() != 1) {
            return Optional.empty();
        }
        Path f = opened.files().get(0);
        try (DumpBlockSource s = DumpBlockSource.of(FileChannel.open(f))) {
            return ElfCoreReader.noteSegment(s, f.toString()).map(KdumpNotes::copied);
        }
    }

    /** --reassemble: a flattened stream (a file or stdin) to a kdump-compressed file, as makedumpfile -R. */
    private int reassemble(PrintWriter err) throws IOException {
        if (info || output == null || sources.size() != 1 || flatten || dumpLevel != null || compress != null) {
            throw new UsageException("--reassemble takes one flattened stream (or '-' for stdin) and -o OUT: "
                    + "sadump zgetdump --reassemble STREAM -o OUT");
        }
        if (output.equals("-")) {
            throw new UsageException("--reassemble writes a file (its records land at their offsets): give -o OUT");
        }
        String source = sources.get(0);
        try (ReadableByteChannel in = source.equals("-") ? Channels.newChannel(System.in)
                : FileChannel.open(Path.of(source));
                ReplacementFile file = ReplacementFile.create(Path.of(output))) {
            FlattenedReassembler.Result r = FlattenedReassembler.reassemble(in, file.channel());
            file.commit();
            err.printf("Reassembled %d records (%d bytes) into %s (%d bytes)%n", r.records(), r.dataBytes(), output,
                    r.fileSize());
            err.flush();
        }
        return 0;
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
