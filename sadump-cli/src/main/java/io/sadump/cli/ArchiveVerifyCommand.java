package io.sadump.cli;

import io.sadump.archive.ArchiveSigning;
import io.sadump.archive.DumpArchiveReader;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import java.io.InputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump archive verify NAME [--cert CERT.pem]}. */
@Command(
        name = "verify",
        header = "Check every byte of an archive and its signature.",
        mixinStandardHelpOptions = true,
        description = {
            "Check an archive: every file against SHA256SUMS, no file unlisted, and the",
            "signature over SHA256SUMS (by CERT when --cert is given; without it only",
            "against the certificate the signature carries). Any changed byte fails.",
            "NAME s3://BUCKET/KEY is read as it streams from the store (no local copy).",
            ""
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the archive checked out", "1:a digest, the signature or the archive itself is bad"},
        footer = {"", "Examples:", "  sadump archive verify dump.tar.zst", "  sadump archive verify d.tar.zst --cert c.pem",
            "  sadump archive verify s3://dumps/sys1/d.tar.zst --region eu-central-1",
            "  sadump archive verify s3://dumps/d.tar.zst --endpoint http://minio:9000 --path-style"})
final class ArchiveVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The archive: a file, or s3://BUCKET/KEY.")
    String archive;

    @Mixin
    ObjectStoreOptions store = new ObjectStoreOptions();

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "The certificate the signature must be by.")
    Path cert;

    @Override
    public Integer call() throws IOException {
        X509Certificate trusted = cert == null ? null : ArchiveSigning.readCertificate(cert);
        DumpArchiveReader.Verified v;
        if (ObjectLocation.isObjectName(archive)) {
            ObjectLocation location = ObjectLocation.parse(archive);
            try (ObjectStore s3 = store.open(); InputStream in = s3.read(location)) {
                v = DumpArchiveReader.verify(in, location.toString(), trusted);
            }
        } else {
            if (store.given()) {
                throw new UsageException("--endpoint, --path-style and --region go with an s3://BUCKET/KEY archive");
            }
            v = DumpArchiveReader.verify(Path.of(archive), trusted);
        }
        print(spec.commandLine().getOut(), v);
        return 0;
    }

    static void print(PrintWriter out, DumpArchiveReader.Verified v) {
        out.printf(Locale.ROOT, "Archive: %s (%s)%n", v.archive(), v.compression().label());
        for (DumpArchiveReader.CheckedFile f : v.files()) {
            out.printf(Locale.ROOT, "  OK  %s (%d bytes)%n", f.name(), f.size());
        }
        if (v.signature().isPresent()) {
            ArchiveSigning.SignatureCheck s = v.signature().get();
            out.println("Signature: valid, signed by " + s.signer()
                    + (s.trusted() ? " (the given certificate)" : " (not checked against a trusted certificate; give "
                    + "--cert)"));
        } else {
            out.println("Signature: none");
        }
        out.flush();
    }
}
