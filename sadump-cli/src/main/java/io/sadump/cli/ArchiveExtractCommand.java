package io.sadump.cli;

import io.sadump.archive.ArchiveSigning;
import io.sadump.archive.DumpArchiveReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
            "left in DIR when the archive does not check out.",
            ""
        },
        footer = {"", "Examples:", "  sadump archive extract dump.tar.zst -o restored/"})
final class ArchiveExtractCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The archive.")
    Path archive;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where to extract.")
    Path dir;

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "The certificate the signature must be by.")
    Path cert;

    @Override
    public Integer call() throws IOException {
        DumpArchiveReader.Verified v = DumpArchiveReader.extract(archive, dir,
                cert == null ? null : ArchiveSigning.readCertificate(cert));
        ArchiveVerifyCommand.print(spec.commandLine().getOut(), v);
        spec.commandLine().getOut().println("Extracted to: " + dir);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
