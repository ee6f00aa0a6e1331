package io.sadump.dump.kdump;

import java.util.Locale;

/**
 * How a kdump-compressed file stores its pages: one method per file, each page kept compressed only
 * when that is strictly smaller than a page (reference kdump-compressed.md §1.5). lzo and snappy are
 * read by other tools but not written here: no well-kept Java library for them exists.
 */
public enum PageCompression {
    /** Pages stored raw; header status 0. */
    NONE("none", 0, 0),
    /** zlib level 1 per page ({@code makedumpfile -c}). */
    ZLIB("zlib", DiskDumpHeader.DUMP_DH_COMPRESSED_ZLIB, PageDescriptor.FLAG_ZLIB),
    /** zstd level 1 per page ({@code makedumpfile -z}). */
    ZSTD("zstd", DiskDumpHeader.DUMP_DH_COMPRESSED_ZSTD, PageDescriptor.FLAG_ZSTD);

    private final String word;
    private final int headerStatus;
    private final int pageFlag;

    PageCompression(String word, int headerStatus, int pageFlag) {
        this.word = word;
        this.headerStatus = headerStatus;
        this.pageFlag = pageFlag;
    }

    /** The word users give ({@code --compress zlib}). */
    public String word() {
        return word;
    }

    /** The header status bit of a run with this method. */
    public int headerStatus() {
        return headerStatus;
    }

    /** The descriptor flag of a page kept compressed. */
    public int pageFlag() {
        return pageFlag;
    }

    /**
     * The method a user names.
     *
     * @throws IllegalArgumentException naming the words there are
     */
    public static PageCompression of(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (PageCompression c : values()) {
            if (c.word.equals(w)) {
                return c;
            }
        }
        throw new IllegalArgumentException("the page compression is zlib, zstd or none, not '" + word + "'");
    }
}
