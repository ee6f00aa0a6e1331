package io.sadump.archive;

import io.sadump.archive.format.DumpFormatDescriptor;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.archive.format.DumpMedium;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dump archive as {@code sadump archive create} writes it (a tar, compressed with zstd, xz, gzip or
 * not at all): a container, not a dump format of its own. Reading it checks every member against
 * {@code SHA256SUMS}, extracts the members into a temporary directory (streamed, never held in
 * memory), and opens the dump they hold through the registry; closing the dump deletes them.
 */
final class ArchiveFormat implements DumpFormatDescriptor {
    /** The members that describe the archive rather than hold the dump. */
    static final Set<String> NOT_THE_DUMP = Set.of(DumpArchiveWriter.INFO, DumpArchiveWriter.SUMS,
            DumpArchiveWriter.SIGNATURE);

    @Override
    public DumpFormat format() {
        return DumpFormat.ARCHIVE;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium == DumpMedium.FILE && ArchiveCompression.recognise(head, length).isPresent();
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        throw new DumpFormatException(name + ": a dump archive is read from its file");
    }

    @Override
    public ReadBackDump readFile(Path file) throws IOException {
        Path dir = Files.createTempDirectory("sadump-archive-");
        try {
            DumpArchiveReader.Verified v = DumpArchiveReader.extract(file, dir, null);
            List<Path> members = new ArrayList<>();
            for (DumpArchiveReader.CheckedFile f : v.files()) {
                if (!NOT_THE_DUMP.contains(f.name())) {
                    members.add(dir.resolve(f.name()));
                }
            }
            if (members.isEmpty()) {
                throw new DumpFormatException(file + ": the archive holds no dump (only " + NOT_THE_DUMP + ")");
            }
            OpenedDump inner = DumpOpener.open(members);
            ReadBackDump d = inner.dump();
            return new ReadBackDump(d.format(), d.memory(), d.metadata(), d.problem(), d.dumpFileBytes(),
                    d.s390Header(), d.s390EndMarker(), List.<AutoCloseable>of(inner, () -> deleteTree(dir)));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
