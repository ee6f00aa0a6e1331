package io.sadump.cli;

import io.sadump.archive.ArchiveCompression;
import io.sadump.archive.ArchiveSigning;
import io.sadump.archive.DumpArchiveWriter;
import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.archive.SystemSelection;
import io.sadump.dump.DumpFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump archive create SOURCE... -o NAME}. */
@Command(
        name = "create",
        header = "Write a dump archive with info.json, SHA256SUMS and a signature.",
        mixinStandardHelpOptions = true,
        description = {
            "Write a dump archive. SOURCE is what zgetdump reads (CKD images, AWS tape,",
            "s390 or ELF dump). The dump goes in as dump.elf (default), dump.s390, or",
            "as the source files (--format asis). The compression follows the name",
            "(.tar.zst, .tar.xz, .tar.gz, .tar) unless --compress says otherwise.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  sadump archive create sys1/devices/0.0.0190.3390 -o dump.tar.zst",
            "  sadump archive create v0.3390 v1.3390 -o mv.tar.zst --format s390",
            "  sadump archive create dump.elf -o d.tar.zst --sign key.pem --cert cert.pem",
        })
final class ArchiveCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "The dump's files.")
    List<Path> sources;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "NAME", description = "The archive to write.")
    Path output;

    @Option(names = "--compress", paramLabel = "KIND", description = "zstd, xz, gzip or none.")
    String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1..19, default 3; "
            + "xz 0..9, default 6; gzip 1..9, default 6).")
    Integer level;

    @Option(names = "--format", paramLabel = "FORMAT", description = "elf (default), s390 or asis.")
    String format = "elf";

    @Option(names = "--select", paramLabel = "SYSTEM", description = "prod, kdump or all (for a dump with two systems).")
    String select;

    @Option(names = "--sign", paramLabel = "KEY.pem", description = "Sign SHA256SUMS with this private key.")
    Path key;

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "The certificate of the signing key.")
    Path cert;

    @Option(names = "--threads", paramLabel = "N", description = "zstd worker threads (default: the CPUs).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((key == null) != (cert == null)) {
            throw new UsageException("--sign and --cert go together");
        }
        ArchiveCompression compression = compress != null ? ArchiveCompression.parse(compress)
                : ArchiveCompression.forName(output.getFileName().toString());
        int lvl = compression.checkLevel(level != null ? level : compression.defaultLevel());
        Optional<DumpFormat> conversion = DumpArchiveWriter.conversion(format);
        Optional<SystemSelection> selection = select == null ? Optional.empty()
                : Optional.of(SystemSelection.parse(select));
        if (conversion.isEmpty() && selection.isPresent()) {
            throw new UsageException("--select needs a converted dump (--format elf or s390), not asis");
        }
        Optional<ArchiveSigning.Signer> signer = key == null ? Optional.empty()
                : Optional.of(ArchiveSigning.load(key, cert));
        int n = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
        ConsoleProgress progress = ConsoleProgress.onTerminal(err);
        try (OpenedDump opened = DumpOpener.open(sources)) {
            DumpInfo facts = DumpInfo.of(opened);
            opened.dump().requireComplete();
            SystemSelection.Selected chosen = conversion.isEmpty()
                    ? new SystemSelection.Selected(opened.dump().memory(), opened.dump().metadata())
                    : ZgetdumpCommand.selectedSystem(opened, facts, selection);
            DumpArchiveWriter.Options options = new DumpArchiveWriter.Options(compression, lvl, conversion, signer, n,
                    progress, selection);
            DumpArchiveWriter.Created created = DumpArchiveWriter.create(opened, chosen.memory(),
                    chosen.metadata(), facts, output, options);
            progress.done();
            out.printf(Locale.ROOT, "Archive: %s (%s, %d bytes)%n", created.archive(), compression.label(),
                    created.archiveBytes());
            for (DumpArchiveWriter.Member m : created.members()) {
                out.printf(Locale.ROOT, "  %s  %s (%d bytes)%n", m.sha256(), m.name(), m.size());
            }
            created.signer().ifPresent(s -> out.println("Signed by: " + s));
            out.flush();
            return 0;
        }
    }
}
