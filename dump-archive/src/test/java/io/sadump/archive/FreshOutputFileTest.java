package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A conversion's output: a new file in place of an existing one, else the plain truncation. */
class FreshOutputFileTest {
    @TempDir
    Path dir;

    private static void write(FreshOutputFile f, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            f.channel().write(b);
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewNameIsCreated() throws IOException {
        Path out = dir.resolve("dump.elf");
        try (FreshOutputFile f = FreshOutputFile.create(out)) {
            assertThat(f.replacedOld()).isFalse();
            write(f, "new");
        }
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(names()).containsExactly("dump.elf");
    }

    @Test
    void anExistingPlainFileIsReplacedByANewOneAndTheOldIsDeleted() throws IOException {
        Path out = dir.resolve("dump.elf");
        Files.write(out, new byte[1 << 20]);
        Object oldInode = Files.getAttribute(out, "unix:ino");
        try (FreshOutputFile f = FreshOutputFile.create(out)) {
            assertThat(f.replacedOld()).isTrue();
            write(f, "shorter");
        }
        assertThat(Files.readString(out)).isEqualTo("shorter");
        assertThat(Files.getAttribute(out, "unix:ino")).as("a new file").isNotEqualTo(oldInode);
        assertThat(names()).as("no hidden old file is left").containsExactly("dump.elf");
    }

    @Test
    void aFileWithAnotherHardLinkIsTruncatedSoBothNamesKeepOneFile() throws IOException {
        Path out = dir.resolve("dump.elf");
        Path other = dir.resolve("other-name");
        Files.writeString(out, "old content, longer");
        Files.createLink(other, out);
        try (FreshOutputFile f = FreshOutputFile.create(out)) {
            assertThat(f.replacedOld()).isFalse();
            write(f, "new");
        }
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(Files.readString(other)).as("the same file, truncated").isEqualTo("new");
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsWritten() throws IOException {
        Path target = dir.resolve("real.elf");
        Files.writeString(target, "old content, longer");
        Path link = Files.createSymbolicLink(dir.resolve("dump.elf"), target.getFileName());
        try (FreshOutputFile f = FreshOutputFile.create(link)) {
            assertThat(f.replacedOld()).isFalse();
            write(f, "new");
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void aDeviceIsOpenedAsItIs() throws IOException {
        try (FreshOutputFile f = FreshOutputFile.create(Path.of("/dev/null"))) {
            assertThat(f.replacedOld()).isFalse();
            write(f, "discarded");
        }
        assertThat(Files.exists(Path.of("/dev/null"))).isTrue();
    }

    @Test
    void anOutputInAMissingDirectoryFailsAndLeavesNothing() throws IOException {
        Path out = dir.resolve("no-such-dir").resolve("dump.elf");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FreshOutputFile.create(out))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(names()).isEmpty();
    }
}
