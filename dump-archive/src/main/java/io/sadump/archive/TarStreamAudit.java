package io.sadump.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watches every byte of a tar stream as it is read, so that a changed byte outside the files' contents
 * (which the digests cover) is caught too: each header's checksum (POSIX.1-1988 ustar: the sum of the
 * header's bytes with the {@code chksum} field counted as spaces), zero padding after each entry's
 * data, and nothing but zeros after the end-of-archive blocks. PAX extended headers ({@code x}) that
 * carry a {@code size} for the next entry are honoured. Call {@link #finish()} after reading the
 * stream to its end.
 */
final class TarStreamAudit extends FilterInputStream {
    static final int BLOCK = 512;
    static final int OFF_SIZE = 124;
    static final int LEN_SIZE = 12;
    static final int OFF_CHKSUM = 148;
    static final int LEN_CHKSUM = 8;
    static final int OFF_TYPEFLAG = 156;
    /** Largest PAX header kept to look for {@code size=}. */
    static final int MAX_PAX = 1 << 20;

    private final String name;
    private final byte[] block = new byte[BLOCK];
    private int filled;
    private long blockOffset;
    private long dataLeft;
    private long dataSize;
    private boolean inData;
    private StringBuilder pax;
    private long paxSize = -1;
    private int zeroBlocks;

    TarStreamAudit(InputStream in, String name) {
        super(in);
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            accept(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            accept(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
        long done = 0;
        while (done < n) {
            int k = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (k < 0) {
                break;
            }
            done += k;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void accept(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            int n = Math.min(BLOCK - filled, end - i);
            System.arraycopy(b, i, block, filled, n);
            filled += n;
            i += n;
            if (filled == BLOCK) {
                block();
                filled = 0;
                blockOffset += BLOCK;
            }
        }
    }

    private ArchiveVerificationException bad(String what) {
        return new ArchiveVerificationException(String.format("%s: %s (tar block at byte 0x%X)", name, what,
                blockOffset));
    }

    private void block() throws IOException {
        if (inData) {
            int n = (int) Math.min(BLOCK, dataLeft);
            if (pax != null) {
                pax.append(new String(block, 0, n, StandardCharsets.UTF_8));
            }
            for (int k = n; k < BLOCK; k++) {
                if (block[k] != 0) {
                    throw bad("a changed byte in the padding after an entry's data");
                }
            }
            dataLeft -= n;
            if (dataLeft == 0) {
                inData = false;
                if (pax != null) {
                    paxSize = paxSize(pax.toString());
                    pax = null;
                }
            }
            return;
        }
        boolean zero = true;
        for (byte x : block) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            zeroBlocks++;
            return;
        }
        if (zeroBlocks > 0) {
            throw bad(zeroBlocks >= 2 ? "bytes after the end-of-archive marker" : "a zero block inside the archive");
        }
        long stored = octal(OFF_CHKSUM, LEN_CHKSUM);
        long sum = 0;
        for (int k = 0; k < BLOCK; k++) {
            sum += k >= OFF_CHKSUM && k < OFF_CHKSUM + LEN_CHKSUM ? ' ' : block[k] & 0xFF;
        }
        if (stored != sum) {
            throw bad("a damaged tar header (checksum " + stored + ", the bytes sum to " + sum + ")");
        }
        byte type = block[OFF_TYPEFLAG];
        long size = size();
        boolean extension = type == 'x' || type == 'g' || type == 'L' || type == 'K';
        if (!extension && paxSize >= 0) {
            size = paxSize;
            paxSize = -1;
        }
        if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
            size = 0; // links, devices, directories and FIFOs carry no data
        }
        dataSize = size;
        dataLeft = size;
        inData = size > 0;
        pax = type == 'x' && size <= MAX_PAX ? new StringBuilder() : null;
        if (type == 'x' && size == 0) {
            paxSize = -1;
        }
    }

    private long size() throws ArchiveVerificationException {
        if ((block[OFF_SIZE] & 0x80) != 0) {
            long v = 0;
            for (int k = OFF_SIZE + 1; k < OFF_SIZE + LEN_SIZE; k++) {
                v = (v << 8) | (block[k] & 0xFF);
            }
            return v;
        }
        return octal(OFF_SIZE, LEN_SIZE);
    }

    private long octal(int off, int len) throws ArchiveVerificationException {
        long v = 0;
        int k = off;
        while (k < off + len && block[k] == ' ') {
            k++;
        }
        for (; k < off + len && block[k] != 0 && block[k] != ' '; k++) {
            if (block[k] < '0' || block[k] > '7') {
                throw bad("a damaged tar header (a number field holds '" + (char) block[k] + "')");
            }
            v = v * 8 + (block[k] - '0');
        }
        return v;
    }

    /** The {@code size} record of a PAX extended header, or -1. */
    static long paxSize(String records) {
        for (String r : records.split("\n")) {
            int sp = r.indexOf(' ');
            if (sp > 0 && r.startsWith("size=", sp + 1)) {
                try {
                    return Long.parseLong(r.substring(sp + 6).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Checks the stream ended cleanly: whole blocks, the last entry complete, the end-of-archive marker. */
    void finish() throws ArchiveVerificationException {
        if (filled != 0) {
            throw bad("the archive ends inside a tar block");
        }
        if (inData) {
            throw bad("the archive ends inside an entry's data (" + dataLeft + " of " + dataSize + " bytes missing)");
        }
        if (zeroBlocks < 2) {
            throw bad("no end-of-archive marker: the archive was cut short");
        }
    }
}
