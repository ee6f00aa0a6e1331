package io.sadump.campaign;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Sizes;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A CRC-32C of every 4 KiB page of storage, taken when the dump starts: the reference a filtered dump is
 * checked against, which holds some pages and leaves the others out, so a per-MiB digest cannot judge it.
 * CRC-32C finds every single-bit error and every burst of up to 32 bits with certainty (the campaign's
 * damage), any other change with probability 1 - 2^-32. Frames never written are zero without a look.
 * Four bytes per page: 16 KiB for a 64 MiB system, 45 MiB for the largest a campaign's 3390 can take.
 */
public final class PageDigests {
    public static final int PAGE = AbsoluteStorage.PAGE_SIZE;
    private static final int PAGES_PER_FRAME = (int) (FrameRecord.FRAME_SIZE / PAGE);
    /** The CRC-32C of a page of zeros. */
    static final int ZERO_PAGE = crc(ByteBuffer.wrap(new byte[PAGE]));

    private final int[] digests;

    private PageDigests(int[] digests) {
        this.digests = digests;
    }

    private static int[] table(long storageSize) {
        long pages = (storageSize + PAGE - 1) / PAGE;
        if (pages > Integer.MAX_VALUE - 8) {
            throw new InvalidValueException("page digests cover at most 8 TiB, not " + Sizes.format(storageSize));
        }
        return new int[(int) pages];
    }

    /** The digests of {@code storage} now, read a MiB at a time. */
    public static PageDigests of(AbsoluteStorage storage) {
        int[] d = table(storage.size());
        FrameRecord written = storage.writtenFrames();
        byte[] buf = new byte[(int) FrameRecord.FRAME_SIZE];
        CRC32C crc = new CRC32C();
        for (long f = 0; f * FrameRecord.FRAME_SIZE < storage.size(); f++) {
            long start = f * FrameRecord.FRAME_SIZE;
            int len = (int) Math.min(FrameRecord.FRAME_SIZE, storage.size() - start);
            int first = (int) (f * PAGES_PER_FRAME);
            if (!written.isWritten(f)) {
                java.util.Arrays.fill(d, first, first + (len + PAGE - 1) / PAGE, ZERO_PAGE);
                continue;
            }
            storage.read(start, buf, 0, len);
            for (int off = 0; off < len; off += PAGE) {
                crc.reset();
                crc.update(buf, off, Math.min(PAGE, len - off));
                d[first + off / PAGE] = (int) crc.getValue();
            }
        }
        return new PageDigests(d);
    }

    /**
     * The same digests, of storage held in a raw image the caller mapped into {@code image} (index A is
     * absolute address A): digested where the bytes lie.
     */
    public static PageDigests ofImage(ByteBuffer image, FrameRecord written) {
        long size = image.capacity();
        int[] d = table(size);
        CRC32C crc = new CRC32C();
        ByteBuffer page = image.duplicate();
        for (int p = 0; p < d.length; p++) {
            long start = (long) p * PAGE;
            if (!written.isWritten(start / FrameRecord.FRAME_SIZE)) {
                d[p] = ZERO_PAGE;
                continue;
            }
            page.limit((int) Math.min(size, start + PAGE)).position((int) start);
            crc.reset();
            crc.update(page);
            d[p] = (int) crc.getValue();
        }
        return new PageDigests(d);
    }

    /** Pages covered. */
    public long pages() {
        return digests.length;
    }

    /** The digest of page frame {@code pfn} at the time it was taken. */
    public int digest(long pfn) {
        return digests[Math.toIntExact(pfn)];
    }

    /** The CRC-32C of the remaining bytes of {@code b}, as {@link #digest} holds it. */
    static int crc(ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    /** The CRC-32C of {@code length} bytes of {@code b} at {@code offset}. */
    static int crc(byte[] b, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(b, offset, length);
        return (int) c.getValue();
    }
}
