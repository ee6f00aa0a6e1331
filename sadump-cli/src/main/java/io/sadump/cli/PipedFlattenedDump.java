package io.sadump.cli;

import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.kdump.FlatHeader;
import io.sadump.dump.kdump.FlatRecordHeader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A flattened kdump stream ({@code makedumpfile -F}) that comes from a pipe, for {@code zgetdump -}: the
 * kdump-compressed file inside it needs random access (its bitmaps, then descriptors, then pages), which a
 * pipe does not give, so the stream is copied as it comes, record by record, into a temporary file that the
 * format registry then reads in place (as {@code kdump_flat}), and that is deleted on {@link #close}. Only
 * what the stream holds lands on disk (its records, never the gaps between them), in pieces of 1 MiB:
 * nothing is buffered in memory. The copy follows {@code makedumpfile -R}'s rules
 * ({@link io.sadump.dump.kdump.FlattenedReassembler}): the first record always, then records while their
 * offset is not negative and their size positive, then the end marker; bytes after it are not read.
 */
final class PipedFlattenedDump implements AutoCloseable {
    /** What a pipe can carry, for the error about any other input. */
    static final String PIPE_FORMATS = "only makedumpfile's flattened format (kdump_flat: 'makedumpfile -F', "
            + "'sadump zgetdump -f kdump -F -o -') can come from a pipe; give any other dump as a file";
    private static final int COPY = 1 << 20;

    private final Path file;
    private final long records;
    private final Optional<String> problem;

    private PipedFlattenedDump(Path file, long records, Optional<String> problem) {
        this.file = file;
        this.records = records;
        this.problem = problem;
    }

    /** The copy, where the registry reads it. */
    Path file() {
        return file;
    }

    /** Records that held data. */
    long records() {
        return records;
    }

    /** Why the stream is not whole (it ended before its end marker), when it is not. */
    Optional<String> problem() {
        return problem;
    }

    /**
     * Copies the flattened stream on {@code in} into a new temporary file in {@code dir}.
     *
     * @param name what the input is called in messages ({@code stdin})
     * @throws DumpFormatException when the input is no flattened stream, or a record is neither data nor
     *     the end marker (the copy is deleted)
     * @throws IncompleteDumpException when the stream ends inside its header
     */
    static PipedFlattenedDump copy(ReadableByteChannel in, Path dir, String name) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(FlatHeader.SIZE);
        int got = readFully(in, head);
        if (got == 0) {
            throw new DumpFormatException(name + ": nothing came (an empty stream); " + PIPE_FORMATS);
        }
        if (!FlatHeader.matches(head.array(), got)) {
            throw new DumpFormatException(name + ": not a flattened kdump stream (no 'makedumpfile' signature of type 1 "
                    + "in its first bytes); " + PIPE_FORMATS);
        }
        if (got < FlatHeader.SIZE) {
            throw new IncompleteDumpException("Dump cannot be processed (is not complete): " + name + ": the flattened "
                    + "stream ends inside its " + FlatHeader.SIZE + "-byte header (" + got + " bytes came)");
        }
        Path file = Files.createTempFile(dir, ".sadump-stdin-", ".flat");
        // also when Ctrl-C or a TERM ends the command mid-stream (a kill -9 leaves it, hidden, for rm)
        file.toFile().deleteOnExit();
        boolean done = false;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            head.flip();
            writeAll(out, head);
            ByteBuffer rh = ByteBuffer.allocate(FlatRecordHeader.SIZE);
            ByteBuffer data = ByteBuffer.allocate(COPY);
            long records = 0;
            Optional<String> problem = Optional.empty();
            boolean first = true;
            while (true) {
                rh.clear();
                int n = readFully(in, rh);
                if (n < rh.capacity()) {
                    problem = Optional.of(String.format("%s: the flattened dump ends after %d records, before its end "
                            + "marker", name, records));
                    break;
                }
                rh.flip();
                FlatRecordHeader r = FlatRecordHeader.read(rh.duplicate());
                if (!first && (r.offset() < 0 || r.bufSize() <= 0)) {
                    if (!r.isEnd()) {
                        throw new DumpFormatException(String.format("%s: record %d has offset %d and size %d: neither "
                                + "data nor the end marker (-1, -1)", name, records, r.offset(), r.bufSize()));
                    }
                    writeAll(out, rh);
                    break;
                }
                first = false;
                writeAll(out, rh);
                long left = Math.max(0, r.bufSize());
                while (left > 0) {
                    int want = (int) Math.min(COPY, left);
                    data.clear().limit(want);
                    int k = readFully(in, data);
                    data.flip();
                    writeAll(out, data);
                    left -= k;
                    if (k < want) {
                        break; // the stream ended
                    }
                }
                if (left > 0) {
                    problem = Optional.of(String.format("%s: the flattened dump ends inside record %d (%d of its %d "
                            + "bytes came)", name, records, r.bufSize() - left, r.bufSize()));
                    break;
                }
                records++;
            }
            done = true;
            return new PipedFlattenedDump(file, records, problem);
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Fills {@code b} as far as the stream goes; returns the bytes read. */
    private static int readFully(ReadableByteChannel in, ByteBuffer b) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            int n;
            try {
                n = in.read(b);
            } catch (EOFException e) {
                break;
            }
            if (n < 0) {
                break;
            }
        }
        return b.position() - start;
    }

    private static void writeAll(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Deletes the copy. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
