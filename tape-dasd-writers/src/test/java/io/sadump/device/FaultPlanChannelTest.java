package io.sadump.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultPlanChannelTest {
    @TempDir
    Path dir;

    private FileChannel file(String name) throws IOException {
        return FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
    }

    @Test
    void aFullFileSystemTakesAShortWriteThenSaysNoSpace() throws IOException {
        try (FaultPlanChannel c = new FaultPlanChannel(file("full"), IoFaultPlan.parse("eov:100"))) {
            assertThat(c.write(ByteBuffer.allocate(60))).isEqualTo(60);
            ByteBuffer b = ByteBuffer.allocate(60);
            assertThat(c.write(b)).as("what still fits").isEqualTo(40);
            assertThat(b.remaining()).isEqualTo(20);
            assertThatThrownBy(() -> c.write(b)).isInstanceOf(IOException.class).hasMessage("No space left on device");
            // a seek past the end of the room fails the same way
            c.position(500);
            assertThatThrownBy(() -> c.write(ByteBuffer.allocate(1))).hasMessage("No space left on device");
        }
        assertThat(Files.size(dir.resolve("full"))).isEqualTo(100);
    }

    @Test
    void anIoErrorFailsTheWriteThatMeetsItAndTransfersNothing() throws IOException {
        try (FaultPlanChannel c = new FaultPlanChannel(file("eio"), IoFaultPlan.parse("write#150"))) {
            c.write(ByteBuffer.allocate(100));
            ByteBuffer b = ByteBuffer.allocate(100);
            assertThatThrownBy(() -> c.write(b)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Input/output error").hasMessageContaining("byte offset 100");
            assertThat(b.remaining()).isEqualTo(100);
            assertThat(c.size()).isEqualTo(100);
            assertThat(c.write(b)).as("the fault fires once").isEqualTo(100);
        }
        try (FaultPlanChannel c = new FaultPlanChannel(file("block"), IoFaultPlan.parse("block:4096"))) {
            c.position(8192);
            c.write(ByteBuffer.allocate(10)); // past the bad offset
            c.position(4000);
            assertThatThrownBy(() -> c.write(ByteBuffer.allocate(200))).hasMessageContaining("block 4096");
        }
    }
}
