package io.sadump.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageWritebackTest {
    @TempDir
    Path dir;

    @Test
    void aBackgroundForceRunsAfterEnoughBytesAndItsFailureIsReportedOnce() throws Exception {
        Path file = dir.resolve("image");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ImageWriteback w = new ImageWriteback(ch);
        ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        w.written(ImageWriteback.KICK_BYTES - 1);
        w.written(1);
        w.awaitIdle();
        assertThat(Files.size(file)).isEqualTo(3);

        // a force that fails in the background (here: the file was closed under it) fails the next wait
        ch.close();
        w.written(ImageWriteback.KICK_BYTES);
        assertThatThrownBy(w::awaitIdle).isInstanceOf(ClosedChannelException.class);
        w.awaitIdle();
    }

    @Test
    void fewerBytesStartNothing() throws Exception {
        try (FileChannel ch = FileChannel.open(dir.resolve("image"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ImageWriteback w = new ImageWriteback(ch);
            ch.close();
            // no force runs, so the closed channel is never touched
            w.written(ImageWriteback.KICK_BYTES - 1);
            w.awaitIdle();
        }
    }
}
