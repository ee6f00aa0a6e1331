package io.sadump.machine.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory appears whole at its name, or not at all. */
class StagedDirectoryTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theDirectoryAppearsOnlyAtTheCommit() throws IOException {
        Path m = dir.resolve("m");
        try (StagedDirectory s = StagedDirectory.create(m)) {
            Files.createDirectory(s.path().resolve("devices"));
            Files.writeString(s.path().resolve("devices").resolve("a"), "x");
            assertThat(m).doesNotExist();
            s.commit();
        }
        assertThat(Files.readString(m.resolve("devices").resolve("a"))).isEqualTo("x");
        assertThat(names()).containsExactly("m");
    }

    @Test
    void withoutACommitNothingRemains() throws IOException {
        Path m = dir.resolve("m");
        try (StagedDirectory s = StagedDirectory.create(m)) {
            Files.createDirectory(s.path().resolve("devices"));
            Files.writeString(s.path().resolve("devices").resolve("a"), "x");
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void anEmptyDirectoryIsReplaced() throws IOException {
        Path m = Files.createDirectory(dir.resolve("m"));
        try (StagedDirectory s = StagedDirectory.create(m)) {
            Files.writeString(s.path().resolve("machine.conf"), "c");
            s.commit();
        }
        assertThat(Files.readString(m.resolve("machine.conf"))).isEqualTo("c");
    }

    @Test
    void aNonEmptyDirectoryOrAFileIsRefusedAndUntouched() throws IOException {
        Path m = Files.createDirectory(dir.resolve("m"));
        Files.writeString(m.resolve("keep"), "k");
        assertThatThrownBy(() -> StagedDirectory.create(m)).isInstanceOf(DirectoryNotEmptyException.class);
        Path f = Files.writeString(dir.resolve("f"), "file");
        assertThatThrownBy(() -> StagedDirectory.create(f)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(names()).containsExactly("f", "m");
        assertThat(Files.readString(m.resolve("keep"))).isEqualTo("k");
    }

    @Test
    void aDirectoryFilledWhileBuildingIsNotReplaced() throws IOException {
        Path m = dir.resolve("m");
        try (StagedDirectory s = StagedDirectory.create(m)) {
            Files.writeString(s.path().resolve("machine.conf"), "c");
            Files.createDirectory(m);
            Files.writeString(m.resolve("someone-else"), "e");
            assertThatThrownBy(s::commit).isInstanceOf(DirectoryNotEmptyException.class);
        }
        assertThat(names()).containsExactly("m");
        try (Stream<Path> s = Files.list(m)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("someone-else");
        }
    }
}
