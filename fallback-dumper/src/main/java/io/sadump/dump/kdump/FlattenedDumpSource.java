package io.sadump.dump.kdump;

import io.sadump.dump.DumpFormatException;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A flattened file read in place: its records are indexed once (with the rules of
 * {@link FlattenedReassembler}), and the view reads the kdump-compressed file they rebuild, record by
 * record; gaps between records read as zeros, as in the rebuilt (sparse) file. Records that overlap
 * cannot be read in place: such a stream must be reassembled first.
 */
public final class FlattenedDumpSource implements DumpBlockSource {
    private final DumpBlockSource stream;
    /** Record i covers file offsets [offsets[i], offsets[i] + sizes[i]) from stream position positions[i]. */
    private final long[] offsets;
    private final long[] sizes;
    private final long[] positions;
    private final long size;
    private final Optional<String> problem;

    private FlattenedDumpSource(DumpBlockSource stream, long[] offsets, long[] sizes, long[] positions, long size,
            Optional<String> problem) {
        this.stream = stream;
        this.offsets = offsets;
        this.sizes = sizes;
        this.positions = positions;
        this.size = size;
        this.problem = problem;
    }

    /**
     * Indexes the records of a flattened file.
     *
     * @throws DumpFormatException when it is no flattened dump, a record is neither data nor the end
     *     marker, or records overlap
     */
    public static FlattenedDumpSource index(DumpBlockSource stream, String name) throws IOException {
        long total = stream.size();
        if (total < FlatHeader.SIZE) {
            throw new DumpFormatException(name + ": too small for a flattened dump header (" + total + " bytes)");
        }
        byte[] hb = new byte[FlatHeader.SIZE];
        stream.read(0, hb, 0, hb.length);
        FlatHeader h = FlatHeader.read(ByteBuffer.wrap(hb));
        if (!h.signatureValid() || h.type() != FlatHeader.TYPE_FLAT) {
            throw new DumpFormatException(name + ": not a flattened dump (no 'makedumpfile' signature of type 1)");
        }
        List<long[]> records = new ArrayList<>();
        long pos = FlatHeader.SIZE;
        byte[] rb = new byte[FlatRecordHeader.SIZE];
        Optional<String> problem = Optional.empty();
        boolean first = true;
        while (true) {
            if (pos + FlatRecordHeader.SIZE > total) {
                problem = Optional.of(name + ": the flattened dump ends after " + records.size()
                        + " records, before its end marker");
                break;
            }
            stream.read(pos, rb, 0, rb.length);
            FlatRecordHeader r = FlatRecordHeader.read(ByteBuffer.wrap(rb));
            if (!first && (r.offset() < 0 || r.bufSize() <= 0)) {
                if (!r.isEnd()) {
                    throw new DumpFormatException(String.format("%s: record %d has offset %d and size %d: neither "
                            + "data nor the end marker (-1, -1)", name, records.size(), r.offset(), r.bufSize()));
                }
                break;
            }
            first = false;
            pos += FlatRecordHeader.SIZE;
            if (r.bufSize() > 0) {
                if (r.offset() < 0) {
                    throw new DumpFormatException(String.format("%s: record %d goes to offset %d, before the start "
                            + "of the file", name, records.size(), r.offset()));
                }
                if (pos + r.bufSize() > total) {
                    problem = Optional.of(String.format("%s: the flattened dump ends inside record %d", name,
                            records.size()));
                    records.add(new long[] {r.offset(), total - pos, pos});
                    break;
                }
                records.add(new long[] {r.offset(), r.bufSize(), pos});
                pos += r.bufSize();
            }
        }
        records.sort(Comparator.comparingLong(a -> a[0]));
        int n = records.size();
        long[] offsets = new long[n];
        long[] sizes = new long[n];
        long[] positions = new long[n];
        long end = 0;
        for (int i = 0; i < n; i++) {
            long[] r = records.get(i);
            if (r[0] < end) {
                throw new DumpFormatException(String.format("%s: records overlap at file offset 0x%X; rebuild the file "
                        + "with 'sadump zgetdump --reassemble' first", name, r[0]));
            }
            offsets[i] = r[0];
            sizes[i] = r[1];
            positions[i] = r[2];
            end = r[0] + r[1];
        }
        return new FlattenedDumpSource(stream, offsets, sizes, positions, end, problem);
    }

    /** Why the stream is cut short, when it is. */
    public Optional<String> problem() {
        return problem;
    }

    /** The records holding data. */
    public int records() {
        return offsets.length;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size) {
            throw new EOFException(String.format("the rebuilt dump ends at byte 0x%X, needed up to 0x%X", size,
                    position + length));
        }
        int i = Arrays.binarySearch(offsets, position);
        if (i < 0) {
            i = Math.max(0, -i - 2);
        }
        long p = position;
        int off = offset;
        int left = length;
        while (left > 0) {
            if (i >= offsets.length || offsets[i] > p) {
                // a gap the writer never wrote: zeros, as in the sparse rebuilt file
                long gapEnd = i < offsets.length ? offsets[i] : size;
                int n = (int) Math.min(left, gapEnd - p);
                Arrays.fill(dst, off, off + n, (byte) 0);
                p += n;
                off += n;
                left -= n;
                continue;
            }
            long recEnd = offsets[i] + sizes[i];
            if (p >= recEnd) {
                i++;
                continue;
            }
            int n = (int) Math.min(left, recEnd - p);
            stream.read(positions[i] + (p - offsets[i]), dst, off, n);
            p += n;
            off += n;
            left -= n;
            i++;
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
