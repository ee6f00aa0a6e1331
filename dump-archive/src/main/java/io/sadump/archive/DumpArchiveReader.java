package io.sadump.archive;

import io.sadump.machine.output.ReplacementFile;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks and extracts dump archives (as {@link DumpArchiveWriter} writes them, or any tar with a
 * {@code SHA256SUMS}). Every entry is read and digested; {@code SHA256SUMS} must list every file
 * (except itself and its signature) with the digest the file has, and a signature, when checked, must
 * be a valid CMS signature over {@code SHA256SUMS}. Any changed byte fails with {@link
 * ArchiveVerificationException}, naming the file.
 *
 * <p>Extraction refuses, before writing anything of such an entry, names that are absolute or contain
 * {@code ..}, and entries that are not plain files or directories (symbolic and hard links, devices,
 * FIFOs). Files are written under temporary names and renamed only when the whole archive checked out;
 * on failure nothing is left behind.
 */
public final class DumpArchiveReader {
    private DumpArchiveReader() {}

    /** Largest SHA256SUMS or signature read into memory. */
    static final int MAX_SMALL = 1 << 20;
    static final Pattern SUM_LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

    /** One file that checked out. */
    public record CheckedFile(String name, long size, String sha256) {}

    /** What a verification found; {@code archive} is the name the archive was read as (a file, an object). */
    public record Verified(String archive, ArchiveCompression compression, List<CheckedFile> files,
            Optional<ArchiveSigning.SignatureCheck> signature, boolean signed) {}

    /** Verifies an archive; {@code trusted} (may be null) is the certificate the signature must be by. */
    public static Verified verify(Path archive, X509Certificate trusted) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            return read(in, archive.toString(), trusted, null);
        }
    }

    /**
     * Verifies the archive in a stream (an object read as it arrives, say), named {@code name} in
     * messages; the stream is read to its end and closed.
     */
    public static Verified verify(InputStream archive, String name, X509Certificate trusted) throws IOException {
        return read(archive, name, trusted, null);
    }

    /** Verifies and extracts into {@code dir} (created when missing). */
    public static Verified extract(Path archive, Path dir, X509Certificate trusted) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            return extract(in, archive.toString(), dir, trusted);
        }
    }

    /** Verifies and extracts the archive in a stream, named {@code name} in messages, into {@code dir}. */
    public static Verified extract(InputStream archive, String name, Path dir, X509Certificate trusted)
            throws IOException {
        boolean made = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
        Files.createDirectories(dir);
        boolean ok = false;
        try {
            Verified v = read(archive, name, trusted, dir.toAbsolutePath().normalize());
            ok = true;
            return v;
        } finally {
            if (!ok && made) {
                try {
                    Files.deleteIfExists(dir); // only when the failed extraction left it empty
                } catch (IOException notEmpty) {
                    // keep what is not ours
                }
            }
        }
    }

    /** The safe relative path of an entry name, or an exception saying why it is refused. */
    static Path safePath(Path dir, String name, String archive) throws ArchiveVerificationException {
        String n = name;
        if (n.isEmpty() || n.indexOf('\0') >= 0) {
            throw new ArchiveVerificationException(archive + ": refusing an entry with an empty or binary name");
        }
        if (n.startsWith("/") || n.startsWith("\\") || n.matches("^[A-Za-z]:.*")) {
            throw new ArchiveVerificationException(archive + ": refusing entry '" + name + "': absolute path");
        }
        for (String part : n.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw new ArchiveVerificationException(archive + ": refusing entry '" + name
                        + "': '..' would escape the target directory");
            }
        }
        Path p = dir.resolve(n).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw new ArchiveVerificationException(archive + ": refusing entry '" + name
                    + "': it would land outside the target directory");
        }
        return p;
    }

    /**
     * A regular file by its type flag ('0', NUL or '7'); commons-compress's {@code isFile()} also says
     * yes for links and devices, so the flag is checked here.
     */
    static boolean isPlainFile(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        boolean regular = flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM
                || flag == TarArchiveEntry.LF_CONTIG;
        return regular && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice() && !e.isBlockDevice()
                && !e.isFIFO();
    }

    private static String kind(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "a symbolic link to '" + e.getLinkName() + "'";
        }
        if (e.isLink()) {
            return "a hard link to '" + e.getLinkName() + "'";
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            return "a device file";
        }
        if (e.isFIFO()) {
            return "a FIFO";
        }
        return "a special entry (type '" + (char) e.getLinkFlag() + "')";
    }

    private static Verified read(InputStream source, String archive, X509Certificate trusted, Path dir)
            throws IOException {
        Map<String, CheckedFile> files = new LinkedHashMap<>();
        Map<String, ReplacementFile> written = new LinkedHashMap<>();
        List<Path> createdDirs = new ArrayList<>();
        byte[] sums = null;
        byte[] signature = null;
        ArchiveCompression compression;
        boolean ok = false;
        try (BufferedInputStream raw = new BufferedInputStream(source, 1 << 16)) {
            compression = ArchiveCompression.detect(raw);
            try (InputStream in = compression.decompress(raw);
                    TarStreamAudit audit = new TarStreamAudit(in, archive.toString());
                    TarArchiveInputStream tar = new TarArchiveInputStream(audit)) {
                TarArchiveEntry e;
                byte[] buf = new byte[1 << 20];
                int entries = 0;
                while ((e = nextEntry(tar, archive)) != null) {
                    entries++;
                    String name = e.getName();
                    Path target = dir != null ? safePath(dir, name, archive) : null;
                    if (dir == null) {
                        safePath(Path.of("/check").toAbsolutePath(), name, archive);
                    }
                    if (e.isDirectory()) {
                        if (target != null && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectories(target);
                            createdDirs.add(target);
                        }
                        continue;
                    }
                    if (!isPlainFile(e)) {
                        throw new ArchiveVerificationException(archive + ": refusing entry '" + name + "': it is "
                                + kind(e) + ", not a plain file");
                    }
                    String clean = name.startsWith("./") ? name.substring(2) : name;
                    if (files.containsKey(clean)) {
                        throw new ArchiveVerificationException(archive + ": the entry '" + name + "' appears twice");
                    }
                    MessageDigest md = DumpArchiveWriter.sha256();
                    boolean small = clean.equals(DumpArchiveWriter.SUMS) || clean.equals(DumpArchiveWriter.SIGNATURE);
                    ByteArrayOutputStream keep = small ? new ByteArrayOutputStream() : null;
                    OutputStream fileOut = null;
                    if (target != null) {
                        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                            throw new ArchiveVerificationException(target + ": exists already; extract into an empty "
                                    + "directory");
                        }
                        Files.createDirectories(target.getParent());
                        // beside its name, renamed into place once the whole archive checked out
                        ReplacementFile partial;
                        try {
                            partial = ReplacementFile.create(target);
                        } catch (IOException ex) {
                            throw new ExtractedFileException("cannot create " + target + ": " + ex.getMessage(), ex);
                        }
                        written.put(clean, partial);
                        fileOut = Channels.newOutputStream(partial.channel());
                    }
                    long size = 0;
                    try {
                        for (int n; (n = tar.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                            size += n;
                            if (keep != null) {
                                if (size > MAX_SMALL) {
                                    throw new ArchiveVerificationException(archive + ": " + name + " is too large ("
                                            + "more than 1 MiB)");
                                }
                                keep.write(buf, 0, n);
                            }
                            if (fileOut != null) {
                                try {
                                    fileOut.write(buf, 0, n);
                                } catch (IOException ex) {
                                    // the target's disk, not the archive: never reported as damage
                                    throw new ExtractedFileException("writing " + target + ": " + ex.getMessage(), ex);
                                }
                            }
                        }
                    } finally {
                        if (fileOut != null) {
                            fileOut.flush();
                        }
                    }
                    if (size != e.getSize()) {
                        throw new ArchiveVerificationException(archive + ": " + name + " is cut short (" + size + " of "
                                + e.getSize() + " bytes)");
                    }
                    files.put(clean, new CheckedFile(clean, size, HexFormat.of().formatHex(md.digest())));
                    if (clean.equals(DumpArchiveWriter.SUMS)) {
                        sums = keep.toByteArray();
                    } else if (clean.equals(DumpArchiveWriter.SIGNATURE)) {
                        signature = keep.toByteArray();
                    }
                }
                if (entries == 0) {
                    throw new ArchiveVerificationException(archive + ": the archive holds no files");
                }
                // read to the very end: trailing blocks, and the compressor's own end check
                while (audit.read(buf) >= 0) {
                    // audited as it passes
                }
                audit.finish();
            } catch (ArchiveVerificationException | ExtractedFileException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new ArchiveVerificationException(archive + ": the archive is damaged: " + ex.getMessage(), ex);
            }
            if (sums == null) {
                throw new ArchiveVerificationException(archive + ": no " + DumpArchiveWriter.SUMS + " in the archive");
            }
            checkSums(archive, sums, files);
            Optional<ArchiveSigning.SignatureCheck> sig = Optional.empty();
            if (signature != null) {
                sig = Optional.of(ArchiveSigning.verify(sums, signature, trusted, archive + ": "
                        + DumpArchiveWriter.SIGNATURE));
            } else if (trusted != null) {
                throw new ArchiveVerificationException(archive + ": the archive is not signed (no "
                        + DumpArchiveWriter.SIGNATURE + "), but a certificate was given");
            }
            for (ReplacementFile w : written.values()) {
                if (Files.exists(w.target(), LinkOption.NOFOLLOW_LINKS)) {
                    throw new ArchiveVerificationException(w.target() + ": appeared while extracting; extract into an "
                            + "empty directory");
                }
                w.commit();
            }
            written.clear();
            ok = true;
            return new Verified(archive, compression, List.copyOf(files.values()), sig, signature != null);
        } finally {
            if (!ok) {
                for (ReplacementFile p : written.values()) {
                    try {
                        if (p.isCommitted()) {
                            Files.deleteIfExists(p.target()); // placed by this extraction: all files or none
                        }
                        p.close(); // removes what was not renamed into place
                    } catch (IOException e) {
                        // best effort: the original failure is what the caller hears about
                    }
                }
                for (int i = createdDirs.size() - 1; i >= 0; i--) {
                    try {
                        Files.deleteIfExists(createdDirs.get(i));
                    } catch (IOException ignored) {
                        // not empty: leave it
                    }
                }
            }
        }
    }

    /** Writing an extracted file failed (a full disk, say): the archive itself may be fine. */
    private static final class ExtractedFileException extends IOException {
        private static final long serialVersionUID = 1L;

        ExtractedFileException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String archive) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw new ArchiveVerificationException(archive + ": damaged tar header: " + e.getMessage(), e);
        }
    }

    private static void checkSums(String archive, byte[] sums, Map<String, CheckedFile> files)
            throws ArchiveVerificationException {
        String text = new String(sums, StandardCharsets.UTF_8);
        Map<String, String> listed = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = SUM_LINE.matcher(line);
            if (!m.matches()) {
                throw new ArchiveVerificationException(archive + ": " + DumpArchiveWriter.SUMS + " line " + lineNo
                        + " is not '<sha256>  <name>'");
            }
            String name = m.group(2).startsWith("./") ? m.group(2).substring(2) : m.group(2);
            if (listed.put(name, m.group(1).toLowerCase(java.util.Locale.ROOT)) != null) {
                throw new ArchiveVerificationException(archive + ": " + DumpArchiveWriter.SUMS + " lists " + name
                        + " twice");
            }
        }
        for (Map.Entry<String, String> l : listed.entrySet()) {
            CheckedFile f = files.get(l.getKey());
            if (f == null) {
                throw new ArchiveVerificationException(archive + ": " + l.getKey() + " is listed in "
                        + DumpArchiveWriter.SUMS + " but missing from the archive");
            }
            if (!f.sha256().equals(l.getValue())) {
                throw new ArchiveVerificationException(archive + ": " + l.getKey() + " does not match its digest: "
                        + "SHA-256 is " + f.sha256() + ", " + DumpArchiveWriter.SUMS + " says " + l.getValue());
            }
        }
        for (String name : files.keySet()) {
            if (!name.equals(DumpArchiveWriter.SUMS) && !name.equals(DumpArchiveWriter.SIGNATURE)
                    && !listed.containsKey(name)) {
                throw new ArchiveVerificationException(archive + ": " + name + " is in the archive but not listed in "
                        + DumpArchiveWriter.SUMS);
            }
        }
    }
}
