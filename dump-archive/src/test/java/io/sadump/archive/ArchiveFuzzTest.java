package io.sadump.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzz targets for what {@code sadump zgetdump -i} and {@code sadump archive verify/extract} read:
 * any file offered as a dump (recognised by its first bytes, opened, its facts gathered as for
 * {@code -i} and {@code info.json}), an archive (compression, tar headers, names, entry types,
 * {@code SHA256SUMS}), and the CMS signature and certificate of a signed archive. A target passes
 * when the command's library returns or throws an {@link IOException} with a message (the CLI's
 * exit 1); any other exception, a hang, or an allocation the input does not justify is a finding,
 * and nothing may be written outside the extraction directory. Inputs under
 * {@code ArchiveFuzzTestInputs/} are replayed by every {@code mvn verify}.
 */
class ArchiveFuzzTest {
    private static final Path DIR = scratchDirectory();

    private static Path scratchDirectory() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "sadump-fuzz")
                    : Files.createTempDirectory("sadump-fuzz");
            removeAtExit(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The input is a file given to {@code zgetdump -i}. */
    @FuzzTest
    void zgetdumpInfo(byte[] data) throws IOException {
        Path file = DIR.resolve("dump");
        Files.write(file, data);
        try (OpenedDump opened = DumpOpener.open(List.of(file))) {
            DumpInfo info = DumpInfo.of(opened);
            DumpInfoJson.of(info);
            MachineFacts.of(opened, info);
        } catch (IOException e) {
            requireMessage(e);
        }
    }

    /** The input is an archive given to {@code archive verify} and {@code archive extract}. */
    @FuzzTest
    void archive(byte[] data) throws IOException {
        Path file = DIR.resolve("archive.tar");
        Files.write(file, data);
        try {
            DumpArchiveReader.verify(file, null);
        } catch (IOException e) {
            requireMessage(e);
        }
        Path sandbox = DIR.resolve("sandbox");
        Path into = sandbox.resolve("into");
        try {
            Files.createDirectories(into);
            DumpArchiveReader.extract(file, into, null);
        } catch (IOException e) {
            requireMessage(e);
        } finally {
            // everything extraction made must be inside the target directory
            try (Stream<Path> made = Files.list(sandbox)) {
                List<Path> outside = made.filter(p -> !p.equals(into)).toList();
                if (!outside.isEmpty()) {
                    throw new AssertionError("extraction wrote outside its directory: " + outside);
                }
            }
            delete(sandbox);
        }
    }

    /** A big-endian u16 length of the signed content, the content, then the CMS signature. */
    @FuzzTest
    void signature(byte[] data) throws IOException {
        if (data.length < 2) {
            return;
        }
        int len = Math.min(data.length - 2, Short.toUnsignedInt(ByteBuffer.wrap(data).getShort()));
        byte[] content = java.util.Arrays.copyOfRange(data, 2, 2 + len);
        byte[] signature = java.util.Arrays.copyOfRange(data, 2 + len, data.length);
        try {
            ArchiveSigning.verify(content, signature, null, "fuzz: SHA256SUMS.p7s");
        } catch (IOException e) {
            requireMessage(e);
        }
    }

    /** The input is a PEM file given as the trusted certificate or the signing key. */
    @FuzzTest
    void pem(byte[] data) throws IOException {
        Path file = DIR.resolve("file.pem");
        Files.write(file, data);
        try {
            ArchiveSigning.readCertificate(file);
        } catch (IOException e) {
            requireMessage(e);
        }
        try {
            ArchiveSigning.readKey(file);
        } catch (IOException e) {
            requireMessage(e);
        }
    }

    private static void requireMessage(IOException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("a refusal without a message: " + e.getClass().getName(), e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Removes a scratch tree when the test JVM ends: a temporary directory is not removed by itself. */
    private static void removeAtExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // best effort at JVM exit: what is left is in a temporary directory
            }
        }));
    }
}
