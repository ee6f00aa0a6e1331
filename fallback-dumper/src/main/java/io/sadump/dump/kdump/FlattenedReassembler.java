package io.sadump.dump.kdump;

import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * Rebuilds a kdump-compressed file from a flattened stream with {@code makedumpfile -R}'s rules
 * (1.7.2 {@code rearrange_dumpdata}, reference kdump-compressed.md §2.2): the header must carry the
 * NUL-terminated signature and type 1 (the version is not checked); the first record is always
 * written, even when empty; the following ones while their offset is not negative and their size is
 * positive; the record that stops the loop must be the end marker (−1, −1). Each record is a positioned
 * write, so gaps stay sparse zeros. Bytes after the end marker are not read.
 *
 * <p>Where makedumpfile waits ten minutes for more input on a stream cut short, this reports the end of
 * the stream at once.
 */
public final class FlattenedReassembler {
    private FlattenedReassembler() {}

    /** makedumpfile's {@code SIZE_BUF_STDIN}: record data is copied in pieces of this size. */
    static final int COPY = 4096;

    /** What the stream held. */
    public record Result(long records, long dataBytes, long fileSize) {
    }

    /**
     * Reads the stream to its end marker and writes the file.
     *
     * @throws DumpFormatException with makedumpfile's reason when the stream is no flattened dump or its end
     *     marker is wrong
     * @throws IncompleteDumpException when the stream ends before its end marker
     */
    public static Result reassemble(ReadableByteChannel in, FileChannel out) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FlatHeader.SIZE);
        if (!readFully(in, header)) {
            throw new DumpFormatException("not a flattened dump: it has fewer than " + FlatHeader.SIZE
                    + " bytes (makedumpfile -R: Can't get header of flattened format)");
        }
        header.flip();
        FlatHeader h = FlatHeader.read(header);
        if (!h.signatureValid()) {
            throw new DumpFormatException("not a flattened dump: no 'makedumpfile' signature "
                    + "(makedumpfile -R: Can't get signature of flattened format)");
        }
        if (h.type() != FlatHeader.TYPE_FLAT) {
            throw new DumpFormatException("the flattened header has type " + h.type() + ", not 1 "
                    + "(makedumpfile -R: Can't get type of flattened format)");
        }
        ByteBuffer rh = ByteBuffer.allocate(FlatRecordHeader.SIZE);
        ByteBuffer data = ByteBuffer.allocate(COPY);
        FlatRecordHeader r = nextHeader(in, rh, 0);
        long records = 0;
        long bytes = 0;
        long fileSize = 0;
        do {
            if (r.bufSize() > 0 && r.offset() < 0) {
                throw new DumpFormatException(String.format("record %d of the flattened dump goes to offset %d, "
                        + "before the start of the file", records, r.offset()));
            }
            for (long done = 0; done < r.bufSize(); ) {
                int n = (int) Math.min(COPY, r.bufSize() - done);
                data.clear().limit(n);
                if (!readFully(in, data)) {
                    throw new IncompleteDumpException(String.format("the flattened dump ends inside record %d "
                            + "(%d of its %d bytes are there; makedumpfile -R: Can't get data of flattened format)",
                            records, done + data.position(), r.bufSize()));
                }
                data.flip();
                long pos = r.offset() + done;
                while (data.hasRemaining()) {
                    pos += out.write(data, pos);
                }
                done += n;
            }
            records++;
            bytes += Math.max(0, r.bufSize());
            if (r.bufSize() > 0) {
                fileSize = Math.max(fileSize, r.offset() + r.bufSize());
            }
            r = nextHeader(in, rh, records);
        } while (r.offset() >= 0 && r.bufSize() > 0);
        if (!r.isEnd()) {
            throw new DumpFormatException(String.format("record %d of the flattened dump has offset %d and size %d: "
                    + "neither data nor the end marker (-1, -1) (makedumpfile -R: Can't get valid end header of "
                    + "flattened format)", records, r.offset(), r.bufSize()));
        }
        return new Result(records, bytes, fileSize);
    }

    private static FlatRecordHeader nextHeader(ReadableByteChannel in, ByteBuffer rh, long index) throws IOException {
        rh.clear();
        if (!readFully(in, rh)) {
            throw new IncompleteDumpException("the flattened dump ends after " + index + " records, before its end "
                    + "marker (makedumpfile -R: Can't get header of flattened format)");
        }
        rh.flip();
        return FlatRecordHeader.read(rh);
    }

    /** Fills the buffer; false when the stream ends first. */
    static boolean readFully(ReadableByteChannel in, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n;
            try {
                n = in.read(b);
            } catch (EOFException e) {
                return false;
            }
            if (n < 0) {
                return false;
            }
        }
        return true;
    }
}
