package io.sadump.device.tape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.ImageFormatException;
import io.sadump.device.IoFaultPlan;
import io.sadump.device.NotReadyException;
import io.sadump.device.WriteProtectedException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TapeDriveTest {
    @TempDir
    Path dir;

    TapeDrive mountNew(String name, long capacity) throws Exception {
        Path p = dir.resolve(name);
        TapeDrive.createVolume(p);
        TapeDrive t = new TapeDrive("0.0.0181");
        t.mount(p, capacity, true);
        return t;
    }

    @Test
    void chunkHeadersMatchHetinitBytes() {
        // docs/formats.md §8: "5000 0000 a000" + 80-byte VOL1, then "0000 5000 4000" (a tape mark)
        ByteBuffer b = ByteBuffer.allocate(12);
        AwsChunkHeader.block(80, 0).write(b);
        AwsChunkHeader.tapemark(80).write(b);
        assertThat(HexFormat.of().formatHex(b.array())).isEqualTo("50000000a000" + "000050004000");
        AwsChunkHeader h = AwsChunkHeader.read(b.flip());
        assertThat(h).isEqualTo(new AwsChunkHeader(80, 0, 0xA0, 0));
        assertThat(AwsChunkHeader.read(b).isTapemark()).isTrue();
        ByteBuffer big = ByteBuffer.allocate(6);
        AwsChunkHeader.block(65535, 32768).write(big);
        assertThat(HexFormat.of().formatHex(big.array())).isEqualTo("ffff0080a000");
    }

    @Test
    void writtenBytesAreExactlyTheAwsChunks() throws Exception {
        try (TapeDrive t = mountNew("a.aws", 1 << 20)) {
            t.writeBlock(new byte[] {1, 2, 3});
            t.writeBlock(new byte[] {4});
            t.writeTapemark();
            t.writeBlock(new byte[] {5, 6});
            t.writeTapemark();
            t.writeTapemark();
            assertThat(HexFormat.of().formatHex(Files.readAllBytes(t.volume()))).isEqualTo(
                    "03000000a000010203" + "01000300a00004" + "000001004000" + "02000000a0000506" + "000002004000"
                            + "000000004000");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 77, 4242, 31337})
    void randomFilesOfBlocksReadBackAndSpace(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<List<byte[]>> files = new ArrayList<>();
        try (TapeDrive t = mountNew("r.aws", 64L << 20)) {
            int nfiles = rnd.nextInt(1, 5);
            for (int f = 0; f < nfiles; f++) {
                List<byte[]> blocks = new ArrayList<>();
                int n = rnd.nextInt(0, 8);
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[rnd.nextInt(4) == 0 ? 65535 : rnd.nextInt(1, 40000)];
                    rnd.nextBytes(b);
                    t.writeBlock(b);
                    blocks.add(b);
                }
                t.writeTapemark();
                files.add(blocks);
            }
            t.rewind();
            for (int f = 0; f < files.size(); f++) {
                for (byte[] want : files.get(f)) {
                    TapeRead r = t.readBlock();
                    assertThat(r.kind()).as("seed %d file %d", seed, f).isEqualTo(TapeRead.Kind.BLOCK);
                    assertThat(r.data()).as("seed %d file %d", seed, f).isEqualTo(want);
                }
                assertThat(t.readBlock().kind()).as("seed %d", seed).isEqualTo(TapeRead.Kind.TAPEMARK);
            }
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.END_OF_DATA);
            // back space file from the end: in front of the last tape mark
            assertThat(t.backSpaceFile()).isTrue();
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.TAPEMARK);
            // forward space file from the load point to the last file
            t.rewind();
            for (int f = 0; f < files.size() - 1; f++) {
                assertThat(t.forwardSpaceFile()).isTrue();
            }
            List<byte[]> last = files.get(files.size() - 1);
            if (!last.isEmpty()) {
                assertThat(t.readBlock().data()).isEqualTo(last.get(0));
                assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.BLOCK);
                assertThat(t.readBlock().data()).isEqualTo(last.get(0));
            }
            t.rewind();
            while (t.forwardSpaceFile()) {
                // to the end
            }
            assertThat(t.position()).isEqualTo(t.usedBytes());
            while (t.backSpaceFile()) {
                // to the load point
            }
            assertThat(t.atLoadPoint()).isTrue();
        }
    }

    @Test
    void spacingOverBlocksAndTapemarks() throws Exception {
        try (TapeDrive t = mountNew("s.aws", 1 << 20)) {
            assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.LOAD_POINT);
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.END_OF_DATA);
            t.writeBlock(new byte[] {1});
            t.writeBlock(new byte[] {2, 2});
            t.writeTapemark();
            t.writeBlock(new byte[] {3, 3, 3});
            assertThat(t.blockId()).isEqualTo(4);
            assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.BLOCK);
            assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.TAPEMARK);
            assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.BLOCK);
            assertThat(t.readBlock().data()).containsExactly(2, 2);
            assertThat(t.forwardSpaceBlock().kind()).isEqualTo(TapeRead.Kind.TAPEMARK);
            assertThat(t.readBlock().data()).containsExactly(3, 3, 3);
            assertThat(t.forwardSpaceFile()).isFalse();
            assertThat(t.backSpaceFile()).isTrue();
            assertThat(t.blockId()).isEqualTo(2);
            assertThat(t.backSpaceFile()).isFalse();
            assertThat(t.atLoadPoint()).isTrue();
            assertThat(t.readIplRecord()).containsExactly(1);
        }
    }

    @Test
    void writingInTheMiddleErasesTheRest() throws Exception {
        try (TapeDrive t = mountNew("m.aws", 1 << 20)) {
            t.writeBlock(new byte[100]);
            t.writeBlock(new byte[200]);
            t.writeTapemark();
            t.writeBlock(new byte[300]);
            t.rewind();
            t.forwardSpaceBlock();
            t.writeBlock(new byte[] {9});
            assertThat(t.usedBytes()).isEqualTo(6 + 100 + 6 + 1);
            t.rewind();
            t.forwardSpaceBlock();
            assertThat(t.readBlock().data()).containsExactly(9);
            assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.END_OF_DATA);
            // the chain stays right: a remount checks every prvblkl
            Path v = t.volume();
            t.unmount();
            t.mount(v, 1 << 20, false);
        }
    }

    @Test
    void endOfVolumeIsAUnitExceptionAndTheBlockIsNotWritten() throws Exception {
        try (TapeDrive t = mountNew("e.aws", 3 * (6 + 1000) + 500)) {
            for (int i = 0; i < 3; i++) {
                t.writeBlock(new byte[1000]);
            }
            long used = t.usedBytes();
            assertThatThrownBy(() -> t.writeBlock(new byte[1000])).isInstanceOf(EndOfVolumeException.class)
                    .hasMessageStartingWith("0.0.0181: end of volume (unit exception)")
                    .hasMessageContaining("capacity of 3518 bytes");
            assertThat(t.usedBytes()).isEqualTo(used);
            t.writeBlock(new byte[494]); // exactly fills the cartridge
            assertThat(t.usedBytes()).isEqualTo(3518);
            t.writeTapemark(); // tape marks still fit behind the end-of-tape marker
            t.writeTapemark();
            t.rewind();
            int blocks = 0;
            while (t.readBlock().isBlock()) {
                blocks++;
            }
            assertThat(blocks).isEqualTo(4);
        }
    }

    @Test
    void mountAndUnmountSwapVolumesBehindOneDrive() throws Exception {
        Path a = dir.resolve("vol1.aws");
        Path b = dir.resolve("vol2.aws");
        TapeDrive.createVolume(a);
        TapeDrive.createVolume(b);
        TapeDrive t = new TapeDrive("0.0.0181");
        assertThatThrownBy(() -> t.writeBlock(new byte[1])).isInstanceOf(NotReadyException.class)
                .hasMessageContaining("no tape mounted");
        t.mount(a, 1 << 20, true);
        assertThatThrownBy(() -> t.mount(b, 1 << 20, true)).isInstanceOf(NotReadyException.class)
                .hasMessageContaining("already mounted");
        t.writeBlock(new byte[] {1});
        t.unmount();
        assertThat(t.isMounted()).isFalse();
        t.mount(b, 1 << 20, true);
        t.writeBlock(new byte[] {2});
        t.unmount();
        t.mount(a, 1 << 20, false);
        assertThat(t.readBlock().data()).containsExactly(1);
        assertThatThrownBy(() -> t.writeTapemark()).isInstanceOf(WriteProtectedException.class);
        t.unmount();
        t.mount(b, 1 << 20, false);
        assertThat(t.readBlock().data()).containsExactly(2);
        t.close();
        assertThatThrownBy(() -> t.mount(dir.resolve("missing.aws"), 1 << 20, false))
                .isInstanceOf(NotReadyException.class);
    }

    @Test
    void blockSizeLimits() throws Exception {
        try (TapeDrive t = mountNew("l.aws", 1 << 20)) {
            t.writeBlock(new byte[65535]);
            assertThatThrownBy(() -> t.writeBlock(new byte[65536])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.writeBlock(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void injectedWriteError() throws Exception {
        try (TapeDrive t = mountNew("f.aws", 1 << 20)) {
            t.setFaultPlan(IoFaultPlan.failNthWrite(3));
            t.writeBlock(new byte[10]);
            t.writeTapemark();
            t.writeBlock(new byte[10]);
            assertThatThrownBy(() -> t.writeBlock(new byte[10])).isInstanceOf(DeviceIoErrorException.class)
                    .hasMessageContaining("write #3");
            t.writeBlock(new byte[10]);
            assertThat(t.blockId()).isEqualTo(4);
        }
    }

    @Test
    void anInjectedEndOfTapeRefusesBlocksFromItsBlockIdButStillTakesTapemarks() throws Exception {
        try (TapeDrive t = mountNew("e.aws", 1 << 20)) {
            t.setFaultPlan(IoFaultPlan.endOfVolumeAt(2));
            t.writeBlock(new byte[10]);
            t.writeTapemark();
            assertThatThrownBy(() -> t.writeBlock(new byte[10])).isInstanceOf(EndOfVolumeException.class)
                    .hasMessageContaining("injected end of tape at block 2");
            assertThatThrownBy(() -> t.writeBlock(new byte[10], 0, 10))
                    .isInstanceOf(io.sadump.machine.channel.DumpDeviceFullException.class);
            t.writeTapemark(); // a writer can still close its file
            assertThat(t.blockId()).isEqualTo(3);
        }
    }

    static Path tapeWith(Path dir, String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void damagedVolumesAreRefusedAtMountWithTheOffset() throws Exception {
        byte[] good = HexFormat.of().parseHex("03000000a000010203" + "000003004000");
        TapeDrive t = new TapeDrive("0.0.0181");
        t.mount(tapeWith(dir, "good.aws", good), 1 << 20, false);
        t.unmount();

        byte[] truncated = HexFormat.of().parseHex("03000000a000010203" + "10000300a000aabb");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "t.aws", truncated), 1 << 20, false))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("chunk at offset 9 is truncated: its header says 16 bytes, the file has 2 left");
        byte[] shortHeader = HexFormat.of().parseHex("03000000a000010203" + "0000");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "h.aws", shortHeader), 1 << 20, false))
                .hasMessageContaining("truncated chunk header at offset 9");
        byte[] badPrev = HexFormat.of().parseHex("03000000a000010203" + "000007004000");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "p.aws", badPrev), 1 << 20, false))
                .hasMessageContaining("prvblkl 7, the previous chunk has 3 bytes");
        byte[] het = HexFormat.of().parseHex("03000000a100010203");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "z.het", het), 1 << 20, false))
                .hasMessageContaining("compressed").hasMessageContaining("hetupd -d");
        byte[] noEor = HexFormat.of().parseHex("030000008000010203");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "n.aws", noEor), 1 << 20, false))
                .hasMessageContaining("no end-of-record chunk");
        byte[] noBor = HexFormat.of().parseHex("030000002000010203");
        assertThatThrownBy(() -> t.mount(tapeWith(dir, "b.aws", noBor), 1 << 20, false))
                .hasMessageContaining("no BOR flag");
        assertThat(t.isMounted()).isFalse();
    }

    @Test
    void multiChunkBlocksAreReadAsOneBlock() throws Exception {
        // a block split in chunks (0x80, 0x00, 0x20) as hetupd -s writes
        byte[] img = HexFormat.of().parseHex("020000008000aabb" + "010002000000cc" + "020001002000ddee" + "000002004000");
        TapeDrive t = new TapeDrive("0.0.0181");
        t.mount(tapeWith(dir, "s.aws", img), 1 << 20, false);
        assertThat(t.readBlock().data()).isEqualTo(HexFormat.of().parseHex("aabbccddee"));
        assertThat(t.readBlock().kind()).isEqualTo(TapeRead.Kind.TAPEMARK);
        t.backSpaceBlock();
        assertThat(t.backSpaceBlock().kind()).isEqualTo(TapeRead.Kind.BLOCK);
        assertThat(t.atLoadPoint()).isTrue();
        t.close();
    }
}
