package io.sadump.cli;

import io.sadump.archive.ArchiveSigning;
import io.sadump.archive.DumpArchiveReader;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump archive extract NAME -o DIR}. */
@Command(
        name = "extract",
        header = "Extract an archive safely, checking it first.",
        mixinStandardHelpOptions = true,
        description = {
            "Extract an archive into DIR, checking it as 'verify' does. Entries with",
            "absolute names or '..', links and device files are refused; nothing is",
            "left in DIR when the archive does not check out. NAME s3://BUCKET/KEY is",
            "read as it streams from the store (no local copy of the archive).",
            ""
        },
        footer = {"", "Examples:", "  sadump archive extract dump.tar.zst -o restored/",
            "  sadump archive extract s3://dumps/sys1/d.tar.zst -o restored/",
            "  sadump archive extract s3://dumps/d.tar.zst -o r/ --endpoint http://minio:9000 --path-style"})
final class ArchiveExtractCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The archive: a file, or s3://BUCKET/KEY.")
    String archive;

    @Mixin
    ObjectStoreOptions store = new ObjectStoreOptions();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where to extract.")
    Path dir;

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "The certificate the signature must be by.")
    Path cert;

    @Override
    public Integer call() throws IOException {
        X509Certificate trusted = cert == null ? null : ArchiveSigning.readCertificate(cert);
        DumpArchiveReader.Verified v;
        if (ObjectLocation.isObjectName(archive)) {
            ObjectLocation location = ObjectLocation.parse(archive);
            try (ObjectStore s3 = store.open(); InputStream in = s3.read(location)) {
                v = DumpArchiveReader.extract(in, location.toString(), dir, trusted);
            }
        } else {
            if (store.given()) {
                throw new UsageException("--endpoint, --path-style and --region go with an s3://BUCKET/KEY archive");
            }
            v = DumpArchiveReader.extract(Path.of(archive), dir, trusted);
        }
        ArchiveVerifyCommand.print(spec.commandLine().getOut(), v);
        spec.commandLine().getOut().println("Extracted to: " + dir);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
