package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.interop.InteropTools;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Archives: round trips for every compression, tampering caught, extraction attacks refused, interop. */
class DumpArchiveTest {
    static final long SIZE = 16 * TestDumps.MIB;
    static TestDumps.System system;

    @TempDir
    Path dir;

    @BeforeAll
    static void boot() {
        system = TestDumps.boot(SIZE, 2, 23);
    }

    private Path dumpFile() throws IOException {
        Path f = dir.resolve("dump.ext");
        if (!Files.exists(f)) {
            TestDumps.extFile(system.memory(), system.metadata(), f, true);
        }
        return f;
    }

    private DumpArchiveWriter.Created create(Path out, ArchiveCompression c, Optional<DumpFormat> content,
            Optional<ArchiveSigning.Signer> signer) throws IOException {
        try (OpenedDump d = DumpOpener.open(List.of(dumpFile()))) {
            int level = c == ArchiveCompression.XZ ? 0 : c.defaultLevel(); // xz -6 is slow on test data
            DumpArchiveWriter.Options o = new DumpArchiveWriter.Options(c, level, content, signer, 2,
                    DumpProgressListener.NONE, Optional.empty());
            return DumpArchiveWriter.create(d, d.dump().memory(), d.dump().metadata(), DumpInfo.of(d), out, o);
        }
    }

    @ParameterizedTest
    @EnumSource(ArchiveCompression.class)
    void everyCompressionRoundTrips(ArchiveCompression c) throws IOException {
        Path a = dir.resolve("a" + c.suffix());
        DumpArchiveWriter.Created created = create(a, c, Optional.of(DumpFormat.ELF), Optional.empty());
        assertThat(created.members()).extracting(DumpArchiveWriter.Member::name)
                .containsExactly("info.json", "dump.elf", "SHA256SUMS");
        DumpArchiveReader.Verified v = DumpArchiveReader.verify(a, null);
        assertThat(v.compression()).isEqualTo(c);
        assertThat(v.signed()).isFalse();
        Path out = dir.resolve("x-" + c.label());
        DumpArchiveReader.extract(a, out, null);
        String info = Files.readString(out.resolve("info.json"));
        assertThat(info).contains("\"format\": \"s390_ext\"").contains("\"utsNodename\": \"" + TestDumps.NODENAME + "\"")
                .contains("\"content\": \"elf\"");
        try (OpenedDump d = DumpOpener.open(List.of(out.resolve("dump.elf")))) {
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(TestDumps.digests(system.memory(), SIZE));
        }
    }

    @Test
    void asIsKeepsTheSourceFiles() throws IOException {
        Path a = dir.resolve("asis.tar");
        create(a, ArchiveCompression.NONE, Optional.empty(), Optional.empty());
        Path out = dir.resolve("asis");
        DumpArchiveReader.extract(a, out, null);
        assertThat(Files.mismatch(out.resolve("dump.ext"), dumpFile())).isEqualTo(-1L);
    }

    @Test
    void asIsCopiesASourceLargerThanAllItsBuffersAndDigestsEveryByte() throws Exception {
        // more than COPY_BUFFERS buffers of COPY_BUFFER bytes, and not a multiple of either: the buffers
        // go round more than once, with the digest running behind the compressor
        long memory = (long) (DumpArchiveWriter.COPY_BUFFERS + 4) * DumpArchiveWriter.COPY_BUFFER;
        TestDumps.System big = TestDumps.boot(memory, 2, 29);
        // pages of random bytes, which the dump keeps (it leaves out zero pages)
        java.util.SplittableRandom random = new java.util.SplittableRandom(29);
        byte[] page = new byte[4096];
        for (long at = 4 * TestDumps.MIB; at < memory - 4 * TestDumps.MIB; at += page.length) {
            random.nextBytes(page);
            big.storage().write(at, page);
        }
        Path f = dir.resolve("big.ext");
        TestDumps.extFile(big.memory(), big.metadata(), f, false);
        long size = Files.size(f);
        assertThat(size).isGreaterThan((long) DumpArchiveWriter.COPY_BUFFERS * DumpArchiveWriter.COPY_BUFFER);
        assertThat(size % DumpArchiveWriter.COPY_BUFFER).isNotZero();
        Path a = dir.resolve("big.tar.zst");
        DumpArchiveWriter.Created created;
        try (OpenedDump d = DumpOpener.open(List.of(f))) {
            created = DumpArchiveWriter.create(d, d.dump().memory(), d.dump().metadata(), DumpInfo.of(d), a,
                    new DumpArchiveWriter.Options(ArchiveCompression.ZSTD, 3, Optional.empty(), Optional.empty(), 2,
                            DumpProgressListener.NONE, Optional.empty()));
        }
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        assertThat(created.members().get(1).name()).isEqualTo("big.ext");
        assertThat(created.members().get(1).size()).isEqualTo(size);
        assertThat(created.members().get(1).sha256()).isEqualTo(java.util.HexFormat.of().formatHex(md.digest()));
        DumpArchiveReader.verify(a, null);
        Path out = dir.resolve("big");
        DumpArchiveReader.extract(a, out, null);
        assertThat(Files.mismatch(out.resolve("big.ext"), f)).isEqualTo(-1L);
    }

    /** Flips one bit of an entry's data in an uncompressed tar. */
    private static void flip(Path tar, String entry, long within) throws IOException {
        long offset;
        try (TarFile t = new TarFile(tar)) {
            offset = t.getEntries().stream().filter(e -> e.getName().equals(entry)).findFirst().orElseThrow()
                    .getDataOffset();
        }
        try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset + within);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, offset + within);
        }
    }

    @Test
    void tamperingIsCaught() throws Exception {
        TestKeys.Pem pem = TestKeys.create(dir, "signer", "RSA");
        ArchiveSigning.Signer signer = ArchiveSigning.load(pem.key(), pem.cert());
        Path good = dir.resolve("signed.tar");
        create(good, ArchiveCompression.NONE, Optional.of(DumpFormat.ELF), Optional.of(signer));
        DumpArchiveReader.Verified v = DumpArchiveReader.verify(good, pem.certificate());
        assertThat(v.signature()).get().extracting(ArchiveSigning.SignatureCheck::trusted).isEqualTo(true);
        assertThat(DumpArchiveReader.verify(good, null).signature().get().signer()).contains("CN=signer");

        Path dump = copy(good, "dump-byte.tar");
        flip(dump, "dump.elf", 5 * TestDumps.MIB + 17);
        assertThatThrownBy(() -> DumpArchiveReader.verify(dump, pem.certificate()))
                .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("dump.elf does not match");

        Path sums = copy(good, "sums-byte.tar");
        flip(sums, "SHA256SUMS", 3);
        // the flipped digest character is either another hex digit (a digest mismatch) or not hex at
        // all (a malformed line), depending on the digest of this run's dump: both must be caught
        assertThatThrownBy(() -> DumpArchiveReader.verify(sums, null))
                .isInstanceOf(ArchiveVerificationException.class)
                .hasMessageMatching(".*(does not match|SHA256SUMS line 1 is not '<sha256>  <name>').*");

        Path sig = copy(good, "sig-byte.tar");
        long sigSize;
        try (TarFile t = new TarFile(good)) {
            sigSize = t.getEntries().stream().filter(e -> e.getName().equals("SHA256SUMS.p7s")).findFirst()
                    .orElseThrow().getSize();
        }
        flip(sig, "SHA256SUMS.p7s", sigSize - 10); // inside the signature value
        assertThatThrownBy(() -> DumpArchiveReader.verify(sig, pem.certificate()))
                .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("SHA256SUMS.p7s");

        TestKeys.Pem other = TestKeys.create(dir, "other", "EC");
        assertThatThrownBy(() -> DumpArchiveReader.verify(good, other.certificate()))
                .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("another key");

        Path unsigned = dir.resolve("unsigned.tar");
        create(unsigned, ArchiveCompression.NONE, Optional.of(DumpFormat.S390), Optional.empty());
        assertThatThrownBy(() -> DumpArchiveReader.verify(unsigned, pem.certificate()))
                .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("not signed");

        // a changed byte in a compressed archive fails too (the stream or the digest says so)
        Path zst = dir.resolve("c.tar.zst");
        create(zst, ArchiveCompression.ZSTD, Optional.of(DumpFormat.ELF), Optional.empty());
        try (FileChannel ch = FileChannel.open(zst, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            long at = ch.size() / 2;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            b.rewind();
            ch.write(b, at);
        }
        assertThatThrownBy(() -> DumpArchiveReader.verify(zst, null)).isInstanceOf(ArchiveVerificationException.class);
        Path out = dir.resolve("no-leftovers");
        assertThatThrownBy(() -> DumpArchiveReader.extract(dump, out, null))
                .isInstanceOf(ArchiveVerificationException.class);
        assertThat(out).as("the directory the failed extraction made is removed with its files").doesNotExist();
        Files.createDirectory(out);
        assertThatThrownBy(() -> DumpArchiveReader.extract(dump, out, null))
                .isInstanceOf(ArchiveVerificationException.class);
        try (var s = Files.list(out)) {
            assertThat(s.toList()).as("an existing directory stays, empty").isEmpty();
        }
    }

    @Test
    void aChangedByteOutsideTheFilesOfAPlainTarIsCaught() throws IOException {
        Path good = dir.resolve("plain.tar");
        create(good, ArchiveCompression.NONE, Optional.of(DumpFormat.ELF), Optional.empty());
        long dumpData;
        long infoEnd;
        try (TarFile t = new TarFile(good)) {
            TarArchiveEntry dump = t.getEntries().stream().filter(e -> e.getName().equals("dump.elf")).findFirst()
                    .orElseThrow();
            TarArchiveEntry info = t.getEntries().get(0);
            dumpData = dump.getDataOffset();
            infoEnd = info.getDataOffset() + info.getSize();
        }
        Path header = copy(good, "header.tar");
        flipAt(header, dumpData - 512 + 140); // the mtime field of the dump's header
        assertThatThrownBy(() -> DumpArchiveReader.verify(header, null)).isInstanceOf(ArchiveVerificationException.class);
        Path padding = copy(good, "padding.tar");
        flipAt(padding, infoEnd + 3); // zero padding after info.json
        assertThatThrownBy(() -> DumpArchiveReader.verify(padding, null))
                .isInstanceOf(ArchiveVerificationException.class);
    }

    private static void flipAt(Path f, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, at);
        }
    }

    private Path copy(Path f, String name) throws IOException {
        return Files.copy(f, dir.resolve(name));
    }

    /** A tar with one crafted entry (and a SHA256SUMS that would accept it). */
    private Path malicious(String name, TarArchiveEntry special) throws IOException {
        Path t = dir.resolve("evil-" + Integer.toHexString(name.hashCode()) + ".tar");
        try (OutputStream os = Files.newOutputStream(t); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] data = "pwned\n".getBytes(StandardCharsets.US_ASCII);
            if (special != null) {
                tar.putArchiveEntry(special);
            } else {
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
            }
            tar.closeArchiveEntry();
            byte[] sums = (TestDumps.sha256(data, data.length) + "  " + name + "\n").getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry s = new TarArchiveEntry("SHA256SUMS");
            s.setSize(sums.length);
            tar.putArchiveEntry(s);
            tar.write(sums);
            tar.closeArchiveEntry();
        }
        return t;
    }

    @Test
    void extractionAttacksAreRefused() throws IOException {
        Path target = dir.resolve("target");
        Files.createDirectories(target);
        List<Path> attacks = new ArrayList<>();
        attacks.add(malicious("../escaped", null));
        attacks.add(malicious("sub/../../escaped", null));
        attacks.add(malicious("/tmp/sadump-absolute-" + ProcessHandle.current().pid(), null));
        TarArchiveEntry sym = new TarArchiveEntry("link", TarArchiveEntry.LF_SYMLINK);
        sym.setLinkName("/etc/passwd");
        attacks.add(malicious("link", sym));
        TarArchiveEntry hard = new TarArchiveEntry("hard", TarArchiveEntry.LF_LINK);
        hard.setLinkName("../../etc/passwd");
        attacks.add(malicious("hard", hard));
        TarArchiveEntry dev = new TarArchiveEntry("dev", TarArchiveEntry.LF_CHR);
        attacks.add(malicious("dev", dev));
        for (Path a : attacks) {
            assertThatThrownBy(() -> DumpArchiveReader.extract(a, target, null)).as(a.toString())
                    .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("refusing");
            assertThatThrownBy(() -> DumpArchiveReader.verify(a, null)).as(a.toString())
                    .isInstanceOf(ArchiveVerificationException.class).hasMessageContaining("refusing");
        }
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(Path.of("/tmp/sadump-absolute-" + ProcessHandle.current().pid())).doesNotExist();
        try (var s = Files.list(target)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void aSparseDumpOfSeveralGibStreamsWithKnownEntrySize() throws IOException {
        // 4 GiB + 2 MiB of memory of which 3 MiB hold data: the entry is larger than 4 GiB, never buffered
        long size = (4L << 30) + 2 * TestDumps.MIB;
        MemorySource sparse = MemorySource.of(List.of(
                MemoryChunk.data(0, 2 * TestDumps.MIB, (off, dst, o, n) -> system.storage().read(off, dst, o, n)),
                MemoryChunk.zero(2 * TestDumps.MIB, size - 3 * TestDumps.MIB),
                MemoryChunk.data(size - TestDumps.MIB, TestDumps.MIB,
                        (off, dst, o, n) -> java.util.Arrays.fill(dst, o, o + n, (byte) 0x5A))), size);
        Path a = dir.resolve("sparse.tar.zst");
        try (OpenedDump d = DumpOpener.open(List.of(dumpFile()))) {
            DumpArchiveWriter.Created c = DumpArchiveWriter.create(d, sparse, system.metadata(), DumpInfo.of(d), a,
                    new DumpArchiveWriter.Options(ArchiveCompression.ZSTD, 1, Optional.of(DumpFormat.S390),
                            Optional.empty(), 2, DumpProgressListener.NONE, Optional.empty()));
            assertThat(c.members().get(1).size()).isEqualTo(4096 + size + 16);
            assertThat(c.archiveBytes()).isLessThan(8L << 20);
        }
        DumpArchiveReader.Verified v = DumpArchiveReader.verify(a, null);
        assertThat(v.files().get(1).size()).isEqualTo(4096 + size + 16);
    }

    @Test
    void ordinaryToolsOpenTheArchives() throws Exception {
        TestKeys.Pem pem = TestKeys.create(dir, "interop", "RSA");
        ArchiveSigning.Signer signer = ArchiveSigning.load(pem.key(), pem.cert());
        String tar = InteropTools.requireTool("tar");
        String sha = InteropTools.requireTool("sha256sum");
        String openssl = InteropTools.requireTool("openssl");
        InteropTools.requireTool("zstd");
        InteropTools.requireTool("xz");
        InteropTools.requireTool("gzip");
        String[][] flags = {{"zst", "--zstd", "-xf"}, {"xz", "-xJf"}, {"gz", "-xzf"}, {"", "-xf"}};
        ArchiveCompression[] kinds = {ArchiveCompression.ZSTD, ArchiveCompression.XZ, ArchiveCompression.GZIP,
            ArchiveCompression.NONE};
        for (int i = 0; i < kinds.length; i++) {
            Path a = dir.resolve("tools" + kinds[i].suffix());
            create(a, kinds[i], Optional.of(DumpFormat.ELF), Optional.of(signer)); // xz at level 0
            Path out = Files.createDirectories(dir.resolve("tools-" + kinds[i].label()));
            List<String> cmd = new ArrayList<>(List.of(tar));
            for (int k = 1; k < flags[i].length; k++) {
                cmd.add(flags[i][k]);
            }
            cmd.add(a.toString());
            cmd.add("-C");
            cmd.add(out.toString());
            InteropTools.Result r = InteropTools.run(null, cmd.toArray(new String[0]));
            assertThat(r.exitCode()).as(cmd + ": " + r.output()).isZero();
            r = InteropTools.run(out, sha, "-c", "SHA256SUMS");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("dump.elf: OK").contains("info.json: OK");
            r = InteropTools.run(out, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", "SHA256SUMS.p7s",
                    "-content", "SHA256SUMS", "-CAfile", pem.cert().toString(), "-out", "/dev/null");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("Verification successful");
            if (i == 0) {
                // a changed dump byte: sha256sum -c notices
                Path f = out.resolve("dump.elf");
                byte[] b = Files.readAllBytes(f);
                b[b.length / 2] ^= 1;
                Files.write(f, b);
                r = InteropTools.run(out, sha, "-c", "SHA256SUMS");
                assertThat(r.exitCode()).isNotZero();
                assertThat(r.output()).contains("dump.elf: FAILED");
                // a changed SHA256SUMS: openssl notices
                Path s = out.resolve("SHA256SUMS");
                byte[] sb = Files.readAllBytes(s);
                sb[0] = (byte) (sb[0] == 'a' ? 'b' : 'a');
                Files.write(s, sb);
                r = InteropTools.run(out, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", "SHA256SUMS.p7s",
                        "-content", "SHA256SUMS", "-CAfile", pem.cert().toString(), "-out", "/dev/null");
                assertThat(r.exitCode()).isNotZero();
            }
        }
    }
}
