package io.sadump.cli;

import io.sadump.meminfo.Cksm;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump cksm FILE...}: the s390 CKSM of files, streamed. */
@Command(
        name = "cksm",
        header = "Print the s390 CKSM checksum of files, as meminfo uses it.",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the s390 CKSM checksum of each FILE as '0x%%08X  FILE'. It is the value the kernel's cksm() "
                    + "and the CKSM instruction give: a 32-bit end-around-carry sum of big-endian words, the last "
                    + "partial word padded with zero bytes on the right, not folded and not complemented. The meminfo "
                    + "(os_info) page, its entries and the kexec segment table are secured with it.",
            "Files are streamed, so a file of any size works in a small heap."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every FILE was read",
            "1:a FILE could not be read (one line on stderr; the other files are still printed)"
        },
        footer = {
            "",
            "Examples:",
            "  sadump cksm vmcoreinfo.txt ipib.bin",
            "  printf 'OSRELEASE=6.1.0\\nPAGESIZE=4096\\n' | sadump cksm -     # 0x28CCCB95  -"
        })
final class CksmCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "a file to checksum; '-' reads standard input")
    List<String> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = 0;
        for (String name : files) {
            try {
                int sum = "-".equals(name) ? Cksm.of(System.in) : checksum(Path.of(name));
                out.printf("0x%08X  %s%n", sum, name);
                out.flush();
            } catch (IOException | java.io.UncheckedIOException | java.nio.file.InvalidPathException e) {
                out.flush();
                err.println("sadump " + spec.name() + ": " + UserErrorHandler.message(e));
                err.flush();
                exit = UserErrorHandler.EXIT_FAILURE;
            }
        }
        return exit;
    }

    private static int checksum(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Cksm.of(in);
        }
    }
}
