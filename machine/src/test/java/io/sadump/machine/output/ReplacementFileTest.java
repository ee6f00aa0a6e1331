package io.sadump.machine.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A named output replaces the old file only when committed; otherwise nothing of it remains. */
class ReplacementFileTest {
    @TempDir
    Path dir;

    private static void write(ReplacementFile f, String text) throws IOException {
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

    /**
     * What a process ending early (Ctrl-C, SIGTERM) does through its shutdown hook: the unfinished new
     * files go, their targets keep the old content, a later commit of one fails; a committed replacement
     * and one in another directory that was closed are not touched.
     */
    @Test
    void discardingUnfinishedRemovesTheirNewFilesAndRefusesTheirCommits() throws IOException {
        Path old = dir.resolve("old.tar.zst");
        Files.writeString(old, "older archive");
        Path done = dir.resolve("done.elf");
        try (ReplacementFile committed = ReplacementFile.create(done);
                ReplacementFile replacing = ReplacementFile.create(old);
                ReplacementFile fresh = ReplacementFile.create(dir.resolve("fresh.elf"))) {
            write(committed, "complete");
            committed.commit();
            write(replacing, "half of a new archive");
            write(fresh, "half");

            assertThat(ReplacementFile.discardUnfinished()).containsExactlyInAnyOrder(old, dir.resolve("fresh.elf"));
            assertThat(names()).containsExactly("done.elf", "old.tar.zst");
            assertThat(ReplacementFile.discardUnfinished()).as("a second time").isEmpty();

            write(replacing, " goes on into the removed file");
            assertThatThrownBy(replacing::commit).isInstanceOf(IOException.class)
                    .hasMessage(old + " was not replaced: the process is ending before its work was done");
        }
        assertThat(Files.readString(old)).isEqualTo("older archive");
        assertThat(Files.readString(done)).isEqualTo("complete");
        assertThat(names()).containsExactly("done.elf", "old.tar.zst");
    }

    @Test
    void aNewNameAppearsOnlyAtTheCommit() throws IOException {
        Path out = dir.resolve("dump.elf");
        try (ReplacementFile f = ReplacementFile.create(out)) {
            write(f, "new");
            assertThat(out).doesNotExist();
            assertThat(f.writingTo().getFileName().toString()).startsWith(".dump.elf.new-");
            f.commit();
        }
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(names()).containsExactly("dump.elf");
    }

    @Test
    void anExistingFileIsReplacedByANewOneWithItsPermissions() throws IOException {
        Path out = dir.resolve("dump.elf");
        Files.write(out, new byte[1 << 20]);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        Object oldInode = Files.getAttribute(out, "unix:ino");
        try (ReplacementFile f = ReplacementFile.create(out)) {
            write(f, "shorter");
            assertThat(Files.size(out)).as("the old file is whole until the commit").isEqualTo(1 << 20);
            f.commit();
        }
        assertThat(Files.readString(out)).isEqualTo("shorter");
        assertThat(Files.getAttribute(out, "unix:ino")).as("a new file").isNotEqualTo(oldInode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r-----");
        assertThat(names()).containsExactly("dump.elf");
    }

    @Test
    void withoutACommitTheOldFileStaysAndThePartialOneGoes() throws IOException {
        Path out = dir.resolve("dump.elf");
        Files.writeString(out, "old content");
        try (ReplacementFile f = ReplacementFile.create(out)) {
            write(f, "half of the new");
            // a failure: no commit
        }
        assertThat(Files.readString(out)).isEqualTo("old content");
        assertThat(names()).containsExactly("dump.elf");
    }

    @Test
    void aFileWithAnotherHardLinkIsReplacedAndTheOtherNameKeepsTheOldContent() throws IOException {
        Path out = dir.resolve("dump.elf");
        Path other = dir.resolve("other-name");
        Files.writeString(out, "old content");
        Files.createLink(other, out);
        try (ReplacementFile f = ReplacementFile.create(out)) {
            write(f, "new");
            f.commit();
        }
        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(Files.readString(other)).isEqualTo("old content");
    }

    @Test
    void aSymbolicLinkStaysALinkAndTheFileItNamesIsReplaced() throws IOException {
        Files.createDirectory(dir.resolve("real"));
        Path target = dir.resolve("real").resolve("real.elf");
        Files.writeString(target, "old content, longer");
        Path link = Files.createSymbolicLink(dir.resolve("dump.elf"), Path.of("real", "real.elf"));
        try (ReplacementFile f = ReplacementFile.create(link)) {
            assertThat(f.writingTo().getParent()).as("beside the real file").isEqualTo(target.getParent());
            write(f, "new");
            f.commit();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void aDeviceIsWrittenInPlace() throws IOException {
        try (ReplacementFile f = ReplacementFile.create(Path.of("/dev/null"))) {
            assertThat(f.writingTo()).isEqualTo(Path.of("/dev/null"));
            write(f, "discarded");
            f.commit();
        }
        assertThat(Files.exists(Path.of("/dev/null"))).isTrue();
    }

    /**
     * Written past the page cache in aligned blocks, the committed file holds those bytes; without a
     * commit it goes like any new file; a device gets no unbuffered channel.
     */
    @Test
    void anUnbufferedChannelWritesTheNewFile() throws IOException {
        Path out = dir.resolve("a.tar.zst");
        Files.writeString(out, "older archive");
        byte[] expected = new byte[3 * 4096];
        new SplittableRandom(31).nextBytes(expected);
        try (ReplacementFile f = ReplacementFile.create(out)) {
            UnbufferedChannel u = f.unbufferedChannel().orElseThrow(
                    () -> new AssertionError("this machine's file systems take O_DIRECT writes"));
            assertThat(f.unbufferedChannel()).as("one channel, opened once").containsSame(u);
            assertThat(Integer.bitCount(u.alignment())).isEqualTo(1);
            int length = Math.max(expected.length, u.alignment());
            ByteBuffer b = ByteBuffer.allocateDirect(2 * length).alignedSlice(u.alignment());
            b.put(expected).position(length).flip();
            while (b.hasRemaining()) {
                u.channel().write(b, b.position());
            }
            u.channel().truncate(expected.length);
            f.commit();
            assertThat(u.channel().isOpen()).as("closed by the commit").isFalse();
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(expected);

        try (ReplacementFile f = ReplacementFile.create(out)) {
            UnbufferedChannel u = f.unbufferedChannel().orElseThrow();
            ByteBuffer b = ByteBuffer.allocateDirect(2 * u.alignment()).alignedSlice(u.alignment());
            u.channel().write(b.limit(u.alignment()), 0);
        }
        assertThat(Files.readAllBytes(out)).as("not committed: the old file stays").isEqualTo(expected);
        assertThat(names()).containsExactly("a.tar.zst");

        try (ReplacementFile f = ReplacementFile.create(Path.of("/dev/null"))) {
            assertThat(f.unbufferedChannel()).isEmpty();
        }
    }

    @Test
    void aDirectoryIsRefused() {
        assertThatThrownBy(() -> ReplacementFile.create(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void anOutputInAMissingDirectoryFailsAndLeavesNothing() throws IOException {
        Path out = dir.resolve("no-such-dir").resolve("dump.elf");
        assertThatThrownBy(() -> ReplacementFile.create(out)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(names()).isEmpty();
    }

    private static boolean syncThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("sync ") && t.isAlive());
    }

    /**
     * Synced while written (in steps of many MiB, with holes between the writes), the committed file holds
     * every byte written, and the sync thread is gone after the commit; without a commit, after close.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aFileSyncedWhileWrittenHoldsWhatWasWrittenAndTheSyncEnds(long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Path target = dir.resolve("vmcore");
        byte[] expected;
        try (ReplacementFile f = ReplacementFile.create(target).syncWhileWriting()) {
            int pieces = 40 + r.nextInt(40);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < pieces; i++) {
                byte[] b = new byte[1 + r.nextInt(2 << 20)];
                r.nextBytes(b);
                if (r.nextInt(4) == 0) {
                    // a hole: the file grows without a write
                    int gap = 1 + r.nextInt(1 << 20);
                    f.channel().position(f.channel().position() + gap);
                    all.write(new byte[gap], 0, gap);
                }
                ByteBuffer buf = ByteBuffer.wrap(b);
                while (buf.hasRemaining()) {
                    f.channel().write(buf);
                }
                all.write(b, 0, b.length);
            }
            expected = all.toByteArray();
            f.commit();
        }
        assertThat(syncThreadAlive()).as("seed %d: the sync thread after the commit", seed).isFalse();
        assertThat(Files.readAllBytes(target)).as("seed %d", seed).isEqualTo(expected);
        assertThat(names()).containsExactly("vmcore");

        try (ReplacementFile f = ReplacementFile.create(target).syncWhileWriting()) {
            write(f, "a partial replacement");
            assertThat(syncThreadAlive()).isTrue();
        }
        assertThat(syncThreadAlive()).as("seed %d: the sync thread after close", seed).isFalse();
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        assertThat(names()).containsExactly("vmcore");
    }
}
