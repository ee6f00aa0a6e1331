package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.DumpProgressListener;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry points for archives and dumps that are no local file (object storage): an archive
 * written into a sink, verified and extracted from a stream, and a dump opened from a block source.
 */
class StreamedArchiveTest {
    static final long SIZE = 16 * TestDumps.MIB;
    static TestDumps.System system;

    @TempDir
    Path dir;

    @BeforeAll
    static void boot() {
        system = TestDumps.boot(SIZE, 2, 31);
    }

    private Path dump() throws IOException {
        Path f = dir.resolve("dump.ext");
        if (!Files.exists(f)) {
            TestDumps.extFile(system.memory(), system.metadata(), f, true);
        }
        return f;
    }

    private byte[] streamed(ArchiveCompression c) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OpenedDump d = DumpOpener.open(List.of(dump()))) {
            DumpArchiveWriter.Options o = new DumpArchiveWriter.Options(c, c.defaultLevel(),
                    Optional.of(DumpFormat.ELF), Optional.empty(), 2, DumpProgressListener.NONE, Optional.empty());
            DumpArchiveWriter.Streamed s = DumpArchiveWriter.create(d, d.dump().memory(), d.dump().metadata(),
                    DumpInfo.of(d), Channels.newChannel(sink), "s3://b/k", o);
            assertThat(s.archiveBytes()).isEqualTo(sink.size());
            assertThat(s.members()).extracting(DumpArchiveWriter.Member::name)
                    .containsExactly("info.json", "dump.elf", "SHA256SUMS");
        }
        return sink.toByteArray();
    }

    @Test
    void anArchiveWrittenIntoASinkVerifiesAndExtractsFromAStream() throws IOException {
        byte[] archive = streamed(ArchiveCompression.ZSTD);
        DumpArchiveReader.Verified v = DumpArchiveReader.verify(new ByteArrayInputStream(archive), "s3://b/k", null);
        assertThat(v.archive()).isEqualTo("s3://b/k");
        assertThat(v.compression()).isEqualTo(ArchiveCompression.ZSTD);
        Path out = dir.resolve("x");
        DumpArchiveReader.extract(new ByteArrayInputStream(archive), "s3://b/k", out, null);
        try (OpenedDump d = DumpOpener.open(List.of(out.resolve("dump.elf")))) {
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(TestDumps.digests(system.memory(), SIZE));
        }
    }

    @Test
    void aChangedByteInAStreamIsRefusedWithItsName() throws IOException {
        byte[] archive = streamed(ArchiveCompression.NONE);
        archive[archive.length / 2] ^= 0x01; // inside dump.elf
        assertThatThrownBy(() -> DumpArchiveReader.verify(new ByteArrayInputStream(archive), "s3://b/k", null))
                .isInstanceOf(ArchiveVerificationException.class).hasMessageStartingWith("s3://b/k: ");
    }

    @Test
    void aDumpOpensFromABlockSourceWithTheFactsOfTheFile() throws IOException {
        Path elf = dir.resolve("dump.elf");
        DumpArchiveReader.extract(new ByteArrayInputStream(streamed(ArchiveCompression.NONE)), "a", dir.resolve("e"),
                null);
        Files.move(dir.resolve("e").resolve("dump.elf"), elf);
        DumpInfo fromFile;
        try (OpenedDump d = DumpOpener.open(List.of(elf))) {
            fromFile = DumpInfo.of(d);
        }
        try (OpenedDump d = DumpOpener.open(DumpBlockSource.of((java.nio.channels.SeekableByteChannel)
                Files.newByteChannel(elf, StandardOpenOption.READ)), "s3://b/dump.elf")) {
            DumpInfo fromObject = DumpInfo.of(d);
            assertThat(d.medium()).isEqualTo(DumpOpener.OBJECT_MEDIUM);
            assertThat(fromObject.format()).isEqualTo(fromFile.format());
            assertThat(fromObject.zgetdump()).isEqualTo(fromFile.zgetdump());
            assertThat(fromObject.memoryMap()).isEqualTo(fromFile.memoryMap());
            assertThat(TestDumps.digests(d.dump().memory(), SIZE)).isEqualTo(TestDumps.digests(system.memory(), SIZE));
        }
    }

    @Test
    void bytesThatAreNoDumpFromABlockSourceAreRefusedWithTheirName() {
        byte[] junk = new byte[4096];
        assertThatThrownBy(() -> DumpOpener.open(DumpBlockSource.ofBytes(junk), "s3://b/junk"))
                .isInstanceOf(DumpFormatException.class).hasMessageStartingWith("s3://b/junk: ");
    }
}
