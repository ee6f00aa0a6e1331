package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * One format in the {@code io.sadump.archive.DumpFormatRegistry}: how to recognise its bytes (by their magic, as
 * zgetdump's {@code dfi_*} input formats and Commons Compress's formats do), how to read it and, when it
 * is writable, its writer. A reader reads from what the medium offers: a file or DASD partition
 * ({@link #read}), a tape ({@link #readTape}), all volumes of a set ({@link #readVolumes}); a format
 * that is never found on a medium says so.
 *
 * <p>Readers return the dump even when it is incomplete ({@link ReadBackDump#complete()} false), so
 * that {@code -i} can show what is there; bytes that are no such dump fail with a {@link
 * DumpFormatException}.
 */
public interface DumpFormatDescriptor {
    /** Bytes the registry reads from the start of a dump to recognise it. */
    int HEAD = 512;

    DumpFormat format();

    /**
     * Whether the first bytes of a dump on {@code medium} are this format's.
     *
     * @param head up to {@link #HEAD} bytes from the dump's start ({@code length} of them valid)
     */
    boolean matches(byte[] head, int length, DumpMedium medium);

    /** Reads the dump in a file or a DASD partition. */
    default ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        throw new DumpFormatException(name + ": a " + format().zgetdumpName() + " dump is not read from a file");
    }

    /** Reads the dump in a file: {@link #read} on it; the dump owns the file on success, else it is closed. */
    default ReadBackDump readFile(Path file) throws IOException {
        DumpBlockSource s = DumpBlockSource.of(FileChannel.open(file, StandardOpenOption.READ));
        try {
            return read(s, file.toString());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Reads the dump file of a tape. */
    default ReadBackDump readTape(TapeBlockSource tape, String name) throws IOException {
        throw new DumpFormatException(name + ": a " + format().zgetdumpName() + " dump is not read from tape");
    }

    /** Reads a dump spread over volumes, in set order. */
    default ReadBackDump readVolumes(List<DumpBlockSource> volumes, List<String> names) throws IOException {
        throw new DumpFormatException(names.get(0) + ": a " + format().zgetdumpName()
                + " dump is not spread over volumes");
    }

    /** The writer, for a format a conversion can write. */
    default Optional<DumpFormatWriter> writer() {
        return Optional.empty();
    }
}
