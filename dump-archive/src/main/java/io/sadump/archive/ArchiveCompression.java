package io.sadump.archive;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.sadump.dump.ZstdNativeLibrary;
import io.sadump.machine.InvalidValueException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * How the tar stream of an archive is compressed. Every choice opens with the ordinary tools: {@code tar
 * --zstd -xf}, {@code tar -xJf}, {@code tar -xzf}, {@code tar -xf}. zstd frames carry a content
 * checksum (as the zstd tool writes by default) and use several worker threads.
 */
public enum ArchiveCompression {
    ZSTD(".tar.zst", 3, 1, 19),
    XZ(".tar.xz", 6, 0, 9),
    GZIP(".tar.gz", 6, 1, 9),
    NONE(".tar", 0, 0, 0);

    /** zstd frame magic 0xFD2FB528, little-endian on disk (RFC 8878 §3.1.1). */
    static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD};
    /** xz stream header magic (xz file format §2.1.1.1). */
    static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    /** gzip ID1 ID2 (RFC 1952 §2.3.1). */
    static final byte[] GZIP_MAGIC = {(byte) 0x1F, (byte) 0x8B};
    /** {@code ustar} of a POSIX tar header, at byte 257 (the tar format's {@code magic} field). */
    static final byte[] TAR_MAGIC = {'u', 's', 't', 'a', 'r'};
    static final int TAR_MAGIC_OFFSET = 257;

    private final String suffix;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    ArchiveCompression(String suffix, int defaultLevel, int minLevel, int maxLevel) {
        this.suffix = suffix;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public String suffix() {
        return suffix;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ArchiveCompression parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("--compress is zstd, xz, gzip or none, not '" + s + "'");
        }
    }

    /** The compression an archive name asks for by its suffix, else zstd. */
    public static ArchiveCompression forName(String fileName) {
        for (ArchiveCompression c : new ArchiveCompression[] {ZSTD, XZ, GZIP}) {
            if (fileName.endsWith(c.suffix)) {
                return c;
            }
        }
        if (fileName.endsWith(".tgz")) {
            return GZIP;
        }
        return fileName.endsWith(".tar") ? NONE : ZSTD;
    }

    /** @throws InvalidValueException when the level is outside what the compressor accepts */
    public int checkLevel(int level) {
        if (level < minLevel || level > maxLevel) {
            throw new InvalidValueException("--level for " + label() + " is " + minLevel + ".." + maxLevel + ", not "
                    + level);
        }
        return level;
    }

    /**
     * Refuses a level whose encoder needs more memory than this JVM may still take: xz's encoder holds its
     * whole dictionary and match finder (368 MiB at level 8, 672 MiB at 9), which a JVM of the
     * default 512 MiB heap ran out of, a minute into the archive, as an internal error.
     *
     * @param freeHeap the bytes the JVM may still allocate
     * @throws InvalidValueException naming what the level needs and what there is
     */
    public void checkMemory(int level, long freeHeap) {
        if (this != XZ) {
            return; // zstd's, gzip's and no compressor's memory is small or outside the heap
        }
        long needed;
        try {
            needed = new LZMA2Options(level).getEncoderMemoryUsage() * 1024L;
        } catch (org.tukaani.xz.UnsupportedOptionsException e) {
            throw new InvalidValueException("--level for xz is 0..9, not " + level, e);
        }
        if (needed > freeHeap) {
            throw new InvalidValueException("--level " + level + " for xz needs " + (needed >> 20)
                    + " MiB of memory for its encoder, and this JVM has " + (freeHeap >> 20)
                    + " MiB left: take a lower --level, or give Java more heap (SADUMP_JAVA_OPTS=-Xmx...)");
        }
    }

    /** The bytes this JVM's heap may still grow by and hold (its maximum less what is in use now). */
    public static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** A compressing stream over {@code out} (closing it finishes the compressed stream and closes out). */
    public OutputStream compress(OutputStream out, int level, int threads) throws IOException {
        switch (this) {
            case ZSTD: {
                ZstdNativeLibrary.require();
                ZstdOutputStream z = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE);
                z.setLevel(level);
                z.setChecksum(true);
                if (threads > 1) {
                    z.setWorkers(threads);
                }
                return z;
            }
            case XZ:
                return new XZOutputStream(out, new LZMA2Options(level));
            case GZIP: {
                GzipParameters p = new GzipParameters();
                p.setCompressionLevel(level);
                return new GzipCompressorOutputStream(out, p);
            }
            case NONE:
            default:
                return out;
        }
    }

    /** The compression of an archive stream, by its magic bytes; a plain tar is NONE. */
    static ArchiveCompression detect(BufferedInputStream in) throws IOException {
        in.mark(8);
        byte[] b = in.readNBytes(6);
        in.reset();
        return compressionOf(b, b.length).orElse(NONE);
    }

    /** The compression whose magic {@code head} starts with, if any. */
    private static Optional<ArchiveCompression> compressionOf(byte[] head, int length) {
        byte[] b = java.util.Arrays.copyOf(head, Math.min(length, head.length));
        if (startsWith(b, ZSTD_MAGIC)) {
            return Optional.of(ZSTD);
        }
        if (startsWith(b, XZ_MAGIC)) {
            return Optional.of(XZ);
        }
        if (startsWith(b, GZIP_MAGIC)) {
            return Optional.of(GZIP);
        }
        return Optional.empty();
    }

    /**
     * What an archive starts with: a compressed stream's magic, or a plain tar (POSIX {@code ustar} at
     * byte 257 of its first header, as {@code file(1)} and Commons Compress recognise it); empty for
     * anything else.
     */
    public static Optional<ArchiveCompression> recognise(byte[] head, int length) {
        Optional<ArchiveCompression> c = compressionOf(head, length);
        if (c.isPresent()) {
            return c;
        }
        boolean ustar = length >= TAR_MAGIC_OFFSET + TAR_MAGIC.length;
        for (int i = 0; ustar && i < TAR_MAGIC.length; i++) {
            ustar = head[TAR_MAGIC_OFFSET + i] == TAR_MAGIC[i];
        }
        return ustar ? Optional.of(NONE) : Optional.empty();
    }

    private static boolean startsWith(byte[] b, byte[] magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** A decompressing stream over {@code in}. */
    InputStream decompress(InputStream in) throws IOException {
        switch (this) {
            case ZSTD:
                ZstdNativeLibrary.require();
                return new ZstdInputStream(in, RecyclingBufferPool.INSTANCE);
            case XZ:
                return new XZInputStream(in);
            case GZIP:
                return new GzipCompressorInputStream(in, true);
            case NONE:
            default:
                return in;
        }
    }
}
