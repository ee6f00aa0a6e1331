package io.sadump.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The tar stream of an archive. commons-compress ({@link TarArchiveOutputStream}) writes every header
 * (PAX extended headers for sizes of 8 GiB and more and for long names), the small members and the
 * end-of-archive records; the data of a streamed member (the dump) goes straight to the compressor in
 * large buffers, followed by the zero padding to the next 512-byte record, as the tar format (POSIX
 * ustar, pax) lays a member out. The bytes are the same as {@link TarArchiveOutputStream} alone
 * writes (a test compares them); the difference is the path of the data: {@link
 * TarArchiveOutputStream} passes every 512-byte record on by itself (through its fixed-length block
 * stream), which for a dump of gigabytes means millions of calls into the compressor.
 *
 * <p>With commons-compress's default block size (one 512-byte record per block), a header written by a
 * {@link TarArchiveOutputStream} is passed on as soon as it is complete, so a stream that is left after
 * {@code putArchiveEntry} has nothing buffered; a fresh one takes over after a streamed member.
 */
final class ArchiveTarStream {
    /** The tar record size (POSIX ustar). */
    static final int RECORD = 512;
    /** Mode of every member: a regular file, rw-r--r--. */
    static final int MODE_FILE = 0100644;

    private final OutputStream raw;
    private final WritableByteChannel data;
    private TarArchiveOutputStream tar;
    private long streamedSize = -1;
    private long streamedBytes;

    /** A tar stream writing into {@code out} (the compressor); {@code out} stays open. */
    ArchiveTarStream(CompressingChannel out) {
        this.data = out;
        this.raw = out.asStream();
        this.tar = newTar(raw);
    }

    private static TarArchiveOutputStream newTar(OutputStream out) {
        TarArchiveOutputStream t = new TarArchiveOutputStream(out);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        t.setAddPaxHeadersForNonAsciiNames(true);
        return t;
    }

    static TarArchiveEntry entry(String name, long size, Instant time) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(MODE_FILE);
        e.setModTime(Date.from(time));
        return e;
    }

    /** Writes a small member whole. */
    void small(String name, byte[] content, Instant time) throws IOException {
        requireNoStreamed();
        tar.putArchiveEntry(entry(name, content.length, time));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /**
     * Starts a member of {@code size} bytes whose data follows through {@link #data()}; end it with
     * {@link #endStreamed()}.
     */
    void beginStreamed(String name, long size, Instant time) throws IOException {
        requireNoStreamed();
        tar.putArchiveEntry(entry(name, size, time));
        // Every header record is out (one record per block); this stream is done with. Its entry stays
        // "open" in it, which is why it is never finished or closed.
        tar = null;
        streamedSize = size;
        streamedBytes = 0;
    }

    /** Where the streamed member's data goes; it counts what passes. */
    WritableByteChannel data() {
        if (streamedSize < 0) {
            throw new IllegalStateException("no streamed member is open");
        }
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = src.remaining();
                if (streamedBytes + n > streamedSize) {
                    throw new IOException("the member's data is longer than its header says (" + streamedSize
                            + " bytes)");
                }
                CompressingChannel.writeFully(data, src);
                streamedBytes += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    /** Ends the streamed member: checks its length and pads it to a whole record. */
    void endStreamed() throws IOException {
        if (streamedSize < 0) {
            throw new IllegalStateException("no streamed member is open");
        }
        if (streamedBytes != streamedSize) {
            throw new IOException("the member's data is " + streamedBytes + " bytes, its header says " + streamedSize);
        }
        int pad = (int) ((RECORD - streamedSize % RECORD) % RECORD);
        if (pad > 0) {
            CompressingChannel.writeFully(data, ByteBuffer.allocate(pad));
        }
        streamedSize = -1;
        tar = newTar(raw);
    }

    /** Writes the end-of-archive records. */
    void finish() throws IOException {
        requireNoStreamed();
        tar.finish();
    }

    private void requireNoStreamed() {
        if (streamedSize >= 0) {
            throw new IllegalStateException("the streamed member is not ended");
        }
    }
}
