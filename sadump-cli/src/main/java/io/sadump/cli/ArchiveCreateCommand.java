package io.sadump.cli;

import io.sadump.archive.ArchiveCompression;
import io.sadump.archive.ArchiveSigning;
import io.sadump.archive.DumpArchiveWriter;
import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.archive.SystemSelection;
import io.sadump.dump.DumpFormat;
import io.sadump.objectstore.MultipartUpload;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "",
            "NAME s3://BUCKET/KEY uploads the archive to S3 or an S3-compatible store",
            "(--endpoint, --path-style) while it is made, in parts of 16 MiB with a",
            "CRC32C each; no local copy is written. The object appears (replacing one",
            "under the key) only when the archive is complete: a failure or Ctrl-C",
            "aborts the upload. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,",
            "or AWS_PROFILE. An upload cut by kill -9 is dropped by 'archive gc'.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  sadump archive create sys1/devices/0.0.0190.3390 -o dump.tar.zst",
            "  sadump archive create v0.3390 v1.3390 -o mv.tar.zst --format s390",
            "  sadump archive create dump.elf -o d.tar.zst --sign key.pem --cert cert.pem",
            "  sadump archive create 0.0.0190.3390 -o s3://dumps/sys1/2026-12-02.tar.zst",
            "  AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s sadump archive create dump.elf \\",
            "      -o s3://dumps/d.tar.zst --endpoint http://minio:9000 --path-style",
        })
final class ArchiveCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "The dump's files.")
    List<Path> sources;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "NAME",
            description = "The archive to write: a file, or s3://BUCKET/KEY.")
    String output;

    @Mixin
    ObjectStoreOptions store = new ObjectStoreOptions();

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
        boolean object = ObjectLocation.isObjectName(output);
        Optional<ObjectLocation> location = object ? Optional.of(ObjectLocation.parse(output)) : Optional.empty();
        if (!object && store.given()) {
            throw new UsageException("--endpoint, --path-style and --region go with -o s3://BUCKET/KEY");
        }
        ArchiveCompression compression = compress != null ? ArchiveCompression.parse(compress)
                : ArchiveCompression.forName(object ? location.get().fileName()
                        : Path.of(output).getFileName().toString());
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
            List<DumpArchiveWriter.Member> members;
            if (object) {
                members = upload(opened, chosen, facts, location.get(), options, compression, progress, out, err);
            } else {
                DumpArchiveWriter.Created created;
                try (DiscardOnShutdown hook = new DiscardOnShutdown("sadump archive create", err)) {
                    created = DumpArchiveWriter.create(opened, chosen.memory(), chosen.metadata(), facts,
                            Path.of(output), options);
                }
                progress.done();
                out.printf(Locale.ROOT, "Archive: %s (%s, %d bytes)%n", created.archive(), compression.label(),
                        created.archiveBytes());
                members = created.members();
            }
            for (DumpArchiveWriter.Member m : members) {
                out.printf(Locale.ROOT, "  %s  %s (%d bytes)%n", m.sha256(), m.name(), m.size());
            }
            signer.ifPresent(s -> out.println("Signed by: " + s.certificate().getSubjectX500Principal().getName()));
            out.flush();
            return 0;
        }
    }

    /** The archive, uploaded as it is made; the object appears only when it is complete. */
    private List<DumpArchiveWriter.Member> upload(OpenedDump opened, SystemSelection.Selected chosen, DumpInfo facts,
            ObjectLocation location, DumpArchiveWriter.Options options, ArchiveCompression compression,
            ConsoleProgress progress, PrintWriter out, PrintWriter err) throws IOException {
        try (ObjectStore s3 = store.open();
                AbortOnShutdown hook = new AbortOnShutdown(location.toString(), err);
                MultipartUpload upload = hook.started(s3.upload(location))) {
            DumpArchiveWriter.Streamed written = DumpArchiveWriter.create(opened, chosen.memory(), chosen.metadata(),
                    facts, upload, location.toString(), options);
            upload.complete();
            progress.done();
            out.printf(Locale.ROOT, "Archive: %s (%s, %d bytes, uploaded to %s)%n", location, compression.label(),
                    written.archiveBytes(), s3.where());
            return written.members();
        }
    }
}
